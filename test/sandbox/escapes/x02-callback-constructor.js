// X2: callback.constructor('return process')()
// kind: rule
// expect: error
// stopped-by: callback is an isolate function defined by the bootstrap, not a host function
function (user, context, callback) {

  var p = callback.constructor('return process')();
  p.mainModule.require('fs').writeFileSync(configuration.MARKER, 'x');
  user.escaped = true;
  callback(null, user, context);
}
