// X14: every way to open a connection: fetch, XHR, WebSocket, http/https/net/dns/request to 127.0.0.1, [::1], 0x7f000001, 10.0.0.1
// kind: rule
// expect: ok
// stopped-by: absence: no network global, no network module in the require allow-list
function (user, context, callback) {

  var reachable = [];
  ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'navigator'].forEach(function (k) { if (typeof globalThis[k] !== 'undefined') reachable.push(k); });
  ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'request', 'axios', 'node-fetch', 'undici'].forEach(function (m) {
    try { require(m); reachable.push(m); } catch (e) {}
  });
  ['http://127.0.0.1:4750/', 'http://[::1]/', 'http://0x7f000001/', 'http://10.0.0.1/'].forEach(function (u) {
    try { fetch(u); reachable.push(u); } catch (e) {}
  });
  if (reachable.length) user.escaped = reachable;
  callback(null, user, context);
}
