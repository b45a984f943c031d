// X2: user.constructor.constructor('return process')()
// kind: rule
// expect: error
// stopped-by: user is a copy built inside the isolate: its constructor chain ends at the isolate's Function
function (user, context, callback) {

  var p = user.constructor.constructor('return process')();
  p.mainModule.require('fs').writeFileSync(configuration.MARKER, 'x');
  user.escaped = true;
  callback(null, user, context);
}
