// X1: this.constructor.constructor('return process')() and child_process
// kind: rule
// expect: error
// stopped-by: the Function constructor reached is the isolate's own: its global has no `process` (ReferenceError)
function (user, context, callback) {

  var out = this.constructor.constructor('return process')().mainModule.require('child_process').execSync('id > ' + configuration.MARKER).toString();
  user.escaped = out;
  callback(null, user, context);
}
