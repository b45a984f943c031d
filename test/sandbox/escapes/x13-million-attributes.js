// X13: 1e6 attributes on the user
// kind: rule
// expect: output|memory|timeout
// stopped-by: the output cap, or first the memory limit or the CPU budget
function (user, context, callback) {

  for (var i = 0; i < 1e6; i++) user['a' + i] = i;
  callback(null, user, context);
}
