// X6: require('fs')
// kind: rule
// expect: error
// stopped-by: require is an allow-list of four facades; anything else throws
function (user, context, callback) {

  require('fs').writeFileSync(configuration.MARKER, 'x');
  user.escaped = true;
  callback(null, user, context);
}
