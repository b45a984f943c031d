// X2: the constructor chain of every api method and event value of an action
// kind: action
// expect: ok
// stopped-by: api and event are built inside the isolate from JSON copies; nothing of the host is reachable from them
exports.onExecutePostLogin = async (event, api) => {

  const found = [];
  const seen = new Set();
  const walk = (v, path, depth) => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v) || depth > 4) return;
    seen.add(v);
    try {
      const g = v.constructor.constructor('return this')();
      if (typeof g.process !== 'undefined' || typeof g.Buffer !== 'undefined') found.push(path);
    } catch (e) {}
    for (const k of Object.keys(v)) walk(v[k], path + '.' + k, depth + 1);
  };
  walk(api, 'api', 0);
  walk(event, 'event', 0);
  if (found.length) api.idToken.setCustomClaim('escaped', found);
};
