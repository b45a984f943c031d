// X3: a script that throws an exotic object while it is being evaluated (before it is even called)
// kind: rule
// expect: error
// stopped-by: the child only receives a structured copy of what was thrown, as data, and reports it as the rule's error
function (user, context, callback) { callback(null, user, context); }, (function () {
  throw { get message() { return 'gotcha'; }, toString: function () { return 'x'; }, constructor: { constructor: Function } };
})()
