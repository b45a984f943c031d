// X5: an action returning a thenable and a Promise subclass whose species probes the runner's resolvers
// kind: action
// expect: ok
// stopped-by: the runner awaits inside the isolate; its resolvers are isolate functions and nothing crosses but strings
exports.onExecutePostLogin = (event, api) => {
  const found = [];
  const probe = (fn, where) => {
    try { const g = fn.constructor.constructor('return this')(); if (typeof g.process !== 'undefined') found.push(where); } catch (e) {}
  };
  class P extends Promise {
    static get [Symbol.species]() { return function (exec) { exec((v) => probe(exec, 'species'), () => {}); }; }
  }
  P.resolve(1).then(() => {});
  return {
    then(resolve, reject) {
      probe(resolve, 'resolve');
      probe(reject, 'reject');
      if (found.length) api.idToken.setCustomClaim('escaped', found);
      resolve();
    },
  };
};
