// X13: a 1 MB attribute
// kind: rule
// expect: output
// stopped-by: the 64 KB output cap
function (user, context, callback) {

  user.app_metadata = { x: 'a'.repeat(1e6) };
  callback(null, user, context);
}
