// X11: const a = []; for (;;) a.push(new Array(1e6).fill(1))
// kind: rule
// expect: memory
// stopped-by: isolated-vm's memoryLimit disposes the isolate; the child is replaced
function (user, context, callback) {

  var a = [];
  for (;;) a.push(new Array(1e6).fill(1));
}
