// X2: the constructor chain of every injected value (require, console, auth0, facades, URL, configuration)
// kind: rule
// expect: ok
// stopped-by: every injected value is created inside the isolate; only two host callbacks exist and they are closed over, never exposed
function (user, context, callback) {

  var found = [];
  var crypto = require('crypto');
  var values = {
    require: require, log: console.log, console: console, auth0: auth0, update: auth0.users.updateAppMetadata,
    UnauthorizedError: UnauthorizedError, configuration: configuration, global: global, createHash: crypto.createHash,
    hash: crypto.createHash('sha256'), url: require('url'), URL: URL, parsed: new URL('https://x.example/'), uuid: require('uuid'),
    querystring: require('querystring'), callback: callback, user: user, context: context
  };
  Object.keys(values).forEach(function (k) {
    try {
      var g = values[k].constructor.constructor('return this')();
      if (typeof g.process !== 'undefined' || typeof g.Buffer !== 'undefined' || typeof g.setImmediate !== 'undefined') found.push(k);
    } catch (e) {}
    try {
      var proto = Object.getPrototypeOf(values[k]);
      var g2 = proto && proto.constructor && proto.constructor.constructor('return this')();
      if (g2 && typeof g2.process !== 'undefined') found.push(k + '.proto');
    } catch (e) {}
  });
  if (found.length) user.escaped = found;
  callback(null, user, context);
}
