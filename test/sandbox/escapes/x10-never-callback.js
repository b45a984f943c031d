// X10: new Promise(() => {}) and never calling callback
// kind: rule
// expect: timeout
// stopped-by: nothing in the isolate can call back later (no timers, no I/O): the run fails at once as a timeout; the host's wall deadline backs it
function (user, context, callback) {

  new Promise(function () {});
}
