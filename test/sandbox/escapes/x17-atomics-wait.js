// X17: SharedArrayBuffer + Atomics.wait blocking forever
// kind: rule
// expect: timeout
// stopped-by: Atomics.wait is interruptible: the CPU budget terminates it
function (user, context, callback) {

  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  callback(null, user, context);
}
