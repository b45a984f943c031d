// X8: while (true) {}
// kind: rule
// expect: timeout
// stopped-by: isolated-vm's per-call timeout (the CPU budget) terminates the isolate
function (user, context, callback) {

  while (true) {}
}
