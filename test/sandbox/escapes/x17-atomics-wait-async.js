// X17: Atomics.waitAsync (aborts the whole process under isolated-vm 5.0.4)
// kind: rule
// expect: error
// stopped-by: removed from the isolate by the bootstrap: it would run code outside any budget, and it crashes the process
function (user, context, callback) {

  Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000).value.then(function () { for (;;) {} });
  callback(null, user, context);
}
