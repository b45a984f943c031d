// X7: api.user.setAppMetadata with a value holding a __proto__ key
// kind: action
// expect: ok
// stopped-by: values are JSON copies; the host reviver drops the __proto__ key before validation
exports.onExecutePostLogin = async (event, api) => {

  api.user.setAppMetadata('prefs', JSON.parse('{"__proto__":{"isAdmin":true},"theme":"dark"}'));
};
