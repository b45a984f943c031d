// X17: FinalizationRegistry cleanup callbacks (run by the GC, after the call returned)
// kind: rule
// expect: error
// stopped-by: removed by the bootstrap: a cleanup callback would run outside any time budget
function (user, context, callback) {

  var r = new FinalizationRegistry(function () { for (;;) {} });
  for (var i = 0; i < 100000; i++) r.register({ a: i }, i);
  callback(null, user, context);
}
