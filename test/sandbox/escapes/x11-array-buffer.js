// X11: new ArrayBuffer(2 ** 31)
// kind: rule
// expect: error|memory
// stopped-by: external memory counts against the isolate's limit: allocation fails inside the isolate
function (user, context, callback) {

  user.buf = new ArrayBuffer(Math.pow(2, 31)).byteLength;
  callback(null, user, context);
}
