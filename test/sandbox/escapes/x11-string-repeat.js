// X11: 'x'.repeat(2 ** 29)
// kind: rule
// expect: error|memory
// stopped-by: V8's string length limit (RangeError) inside the isolate, or its memory limit
function (user, context, callback) {

  user.big = 'x'.repeat(Math.pow(2, 29));
  callback(null, user, context);
}
