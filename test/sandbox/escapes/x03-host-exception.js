// X3: errors raised by injected capabilities given bad arguments: e.constructor.constructor('return process')()
// kind: rule
// expect: ok
// stopped-by: facade errors are created inside the isolate from a JSON reply; no host exception ever crosses into it
function (user, context, callback) {

  var found = [];
  var sameRealm = true;
  var attempts = [
    function () { new URL('::not a url'); },
    function () { new URL({ toString: function () { throw new Error('inner'); } }); },
    function () { require('crypto').createHash('nope'); },
    function () { require('crypto').createHash('sha256').digest('nope'); },
    function () { require('crypto').createHmac('sha256', {}); },
    function () { require('crypto').randomBytes(-1); },
    function () { require('url').parse(123); },
    function () { require('url').resolve({ toString: function () { return 'http://x'; } }, Symbol()); },
    function () { require('fs'); },
    function () { auth0.users.updateAppMetadata('someone-else', {}).catch(function (e) { probe(e); }); }
  ];
  function probe(e) {
    if (!(e instanceof Error)) return;
    if (Object.getPrototypeOf(Object.getPrototypeOf(e)) !== Error.prototype && Object.getPrototypeOf(e) !== Error.prototype) sameRealm = false;
    try { var p = e.constructor.constructor('return process')(); if (p) found.push(String(e.message)); } catch (x) {}
    try { var g = e.constructor.constructor('return this')(); if (typeof g.process !== 'undefined') found.push('global:' + e.message); } catch (x) {}
  }
  attempts.forEach(function (f) { try { f(); } catch (e) { probe(e); } });
  Promise.resolve().then(function () {
    user.sameRealm = sameRealm;
    if (found.length) user.escaped = found;
    callback(null, user, context);
  });
}
