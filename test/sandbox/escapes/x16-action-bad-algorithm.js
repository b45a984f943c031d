// X16: api.samlResponse.setSignatureAlgorithm('none')
// kind: action
// expect: error
// stopped-by: the setter table of auth0.md §7.3 refuses it inside the action (TypeError)
exports.onExecutePostLogin = async (event, api) => {

  api.samlResponse.setSignatureAlgorithm('none');
};
