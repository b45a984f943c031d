// X7: user.__proto__.isAdmin = true and Object.prototype pollution inside the isolate
// kind: rule
// expect: ok
// stopped-by: the isolate's Object.prototype is its own; output carries own data only; other tenants have other isolates
function (user, context, callback) {

  user.__proto__.isAdmin = true;
  Object.prototype.polluted = 'yes';
  context.constructor.prototype.role = 'admin';
  Array.prototype.injected = 1;
  callback(null, user, context);
}
