// X13: 100 000 console.log lines of 10 KB
// kind: rule
// expect: ok
// stopped-by: 100 lines of 256 characters are kept, the rest only counted
function (user, context, callback) {

  var line = 'y'.repeat(10000);
  for (var i = 0; i < 100000; i++) console.log(line);
  callback(null, user, context);
}
