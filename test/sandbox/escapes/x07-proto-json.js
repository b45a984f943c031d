// X7: return a user parsed from '{"__proto__":{"isAdmin":true}}'
// kind: rule
// expect: ok
// stopped-by: the host parses output with a reviver that drops __proto__/constructor/prototype keys
function (user, context, callback) {

  var polluted = JSON.parse('{"__proto__":{"isAdmin":true},"user_id":"auth0|jane","email":"jane@example.com","constructor":{"prototype":{"isAdmin":true}}}');
  callback(null, polluted, context);
}
