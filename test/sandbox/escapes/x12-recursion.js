// X12: function f() { f(); } f()
// kind: rule
// expect: error
// stopped-by: V8's stack limit raises RangeError inside the isolate; the rule fails
function (user, context, callback) {

  function f() { f(); }
  f();
  callback(null, user, context);
}
