// X13: callback(null, { ...user, app_metadata: { x: 'a'.repeat(1e8) } }, context)
// kind: rule
// expect: memory|output
// stopped-by: the isolate's memory limit, or the 64 KB output cap checked in the isolate, the child and the host
function (user, context, callback) {

  callback(null, Object.assign({}, user, { app_metadata: { x: 'a'.repeat(1e8) } }), context);
}
