// X2: Object.getPrototypeOf(context).constructor.constructor(...)
// kind: rule
// expect: error
// stopped-by: context's prototype is the isolate's Object.prototype
function (user, context, callback) {

  var p = Object.getPrototypeOf(context).constructor.constructor('return process')();
  p.mainModule.require('fs').writeFileSync(configuration.MARKER, 'x');
  user.escaped = true;
  callback(null, user, context);
}
