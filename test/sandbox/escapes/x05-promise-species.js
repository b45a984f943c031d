// X5: Promise subclass with Symbol.species, a replaced Promise.prototype.then/finally, a thenable handed to the runner
// kind: rule
// expect: ok
// stopped-by: no promise ever crosses the boundary: the runner resolves results inside the isolate with primordials captured before tenant code, and reads only strings
function (user, context, callback) {

  var found = [];
  function probe(fn, where) {
    try { var g = fn.constructor.constructor('return this')(); if (typeof g.process !== 'undefined' || typeof g.Buffer !== 'undefined') found.push(where); } catch (e) {}
  }
  class P extends Promise { static get [Symbol.species]() { return P; } }
  var origThen = Promise.prototype.then, origFinally = Promise.prototype.finally;
  Promise.prototype.then = function (a, b) {
    if (typeof a === 'function') probe(a, 'then-onFulfilled');
    if (typeof b === 'function') probe(b, 'then-onRejected');
    return origThen.call(this, a, b);
  };
  Promise.prototype.finally = function (f) { if (typeof f === 'function') probe(f, 'finally'); return origThen.call(this, f, f); };
  P.resolve(1).then(function () {}).finally(function () {});
  auth0.users.updateAppMetadata(user.user_id, { species: true });
  return {
    then: function (resolve, reject) {
      probe(resolve, 'runner-resolve');
      probe(reject, 'runner-reject');
      Promise.prototype.then = origThen;
      Promise.prototype.finally = origFinally;
      if (found.length) user.escaped = found;
      callback(null, user, context);
      resolve();
    }
  };
}
