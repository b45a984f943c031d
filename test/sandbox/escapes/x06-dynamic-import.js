// X6: import('fs')
// kind: rule
// expect: ok
// stopped-by: the isolate has no module loader: dynamic import rejects ("Not supported")
function (user, context, callback) {

  import('fs').then(function (fs) {
    fs.writeFileSync(configuration.MARKER, 'x');
    user.escaped = 'import';
    callback(null, user, context);
  }, function (e) {
    user.importRefused = String(e && e.message);
    callback(null, user, context);
  });
}
