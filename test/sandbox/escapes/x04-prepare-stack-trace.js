// X4: Error.prepareStackTrace = (e, s) => s; probe every frame's this and function for host objects
// kind: rule
// expect: ok
// stopped-by: stack frames only ever hold isolate functions and values; host callbacks do not appear as JS frames
function (user, context, callback) {

  var found = [];
  Error.prepareStackTrace = function (e, frames) { return frames; };
  function scan(frames, where) {
    if (!Array.isArray(frames)) return;
    frames.forEach(function (f) {
      [f.getThis && f.getThis(), f.getFunction && f.getFunction()].forEach(function (v) {
        try {
          if (v && (typeof v.process !== 'undefined' || v.constructor.constructor('return typeof process')() !== 'undefined')) found.push(where);
        } catch (e) {}
      });
    });
  }
  scan(new Error().stack, 'direct');
  try { new URL('::nope'); } catch (e) { scan(e.stack, 'facade-error'); }
  try { require('crypto').createHash('sha256').update({}); } catch (e) { scan(e.stack, 'facade-type-error'); }
  var o = {};
  Error.captureStackTrace(o);
  scan(o.stack, 'captureStackTrace');
  console.log('a log line crosses a host callback');
  auth0.users.updateAppMetadata(user.user_id, { probe: true }).then(function () {
    scan(new Error().stack, 'microtask');
    Error.prepareStackTrace = undefined;
    if (found.length) user.escaped = found;
    callback(null, user, context);
  });
}
