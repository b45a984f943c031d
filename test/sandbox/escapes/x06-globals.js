// X6: globalThis.process, Deno, Bun, module, __dirname, require.main/cache/resolve
// kind: rule
// expect: ok
// stopped-by: the isolate's global object holds only ECMAScript intrinsics and the Auth0 globals
function (user, context, callback) {

  var present = ['process', 'Deno', 'Bun', 'module', 'exports', '__dirname', '__filename', 'Buffer', 'setImmediate'].filter(function (k) {
    return typeof globalThis[k] !== 'undefined';
  });
  ['main', 'cache', 'resolve', 'extensions'].forEach(function (k) { if (typeof require[k] !== 'undefined') present.push('require.' + k); });
  if (present.length) user.escaped = present;
  callback(null, user, context);
}
