// X6: process.binding('fs')
// kind: rule
// expect: error
// stopped-by: there is no process object in the isolate (ReferenceError)
function (user, context, callback) {

  process.binding('fs');
  user.escaped = true;
  callback(null, user, context);
}
