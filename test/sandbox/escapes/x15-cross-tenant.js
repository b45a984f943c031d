// X15: tenant A sets global.k = 'secret'; tenant B reads global.k
// kind: rule
// expect: ok
// scenario: cross-tenant
// stopped-by: one isolate per tenant: `global` is per tenant, never shared
function (user, context, callback) {
  if (configuration.PHASE === 'write') global.k = 'secret-of-tenant-a';
  else user.seen = typeof global.k === 'undefined' ? null : global.k;
  callback(null, user, context);
}
