// X9: Promise.resolve().then(() => { for (;;) {} })
// kind: rule
// expect: timeout
// stopped-by: microtasks run inside the same timed call, so the budget covers them
function (user, context, callback) {

  Promise.resolve().then(function () { for (;;) {} });
}
