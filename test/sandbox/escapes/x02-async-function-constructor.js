// X2: (async () => {})().constructor.constructor('return process')()
// kind: rule
// expect: error
// stopped-by: promises and async functions are the isolate's intrinsics
function (user, context, callback) {

  var p = (async function () {})().constructor.constructor('return process')();
  p.mainModule.require('fs').writeFileSync(configuration.MARKER, 'x');
  user.escaped = true;
  callback(null, user, context);
}
