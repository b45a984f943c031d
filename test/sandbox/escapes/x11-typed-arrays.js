// X11: 1 000 × 64 MB Uint8Array (external memory)
// kind: rule
// expect: error|memory
// stopped-by: ArrayBuffer memory is charged to the isolate: allocation fails or the isolate is disposed
function (user, context, callback) {

  var keep = [];
  for (var i = 0; i < 1000; i++) keep.push(new Uint8Array(64 * 1024 * 1024));
  user.n = keep.length;
  callback(null, user, context);
}
