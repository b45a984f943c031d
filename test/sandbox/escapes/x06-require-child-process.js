// X6: require('child_process') with a version pin
// kind: rule
// expect: error
// stopped-by: the version is stripped, then the name is refused
function (user, context, callback) {

  require('child_process@1.0.0').execSync('touch ' + configuration.MARKER);
  user.escaped = true;
  callback(null, user, context);
}
