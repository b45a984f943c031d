// X10: an action whose promise never settles
// kind: action
// expect: timeout
// stopped-by: once the isolate's microtasks drain nothing can settle it: timeout at once; the wall deadline backs it
exports.onExecutePostLogin = () => new Promise(() => {});
