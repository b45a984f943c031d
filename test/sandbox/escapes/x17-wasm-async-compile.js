// X17: WebAssembly.instantiate: a compile that resolves after the call returned
// kind: rule
// expect: error
// stopped-by: the asynchronous Wasm APIs are removed: they would resume tenant code outside any time budget
function (user, context, callback) {

  WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(function () { for (;;) {} });
  callback(null, user, context);
}
