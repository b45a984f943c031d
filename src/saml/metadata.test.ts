import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certifyKey, createRolloverCredential, createSigningCredential } from './keys.js';
import { AWS_METADATA_MESSAGE, buildIdpMetadata, MetadataError, parseIdpMetadata, type MetadataErrorCode } from './metadata.js';
import { BINDING } from './ns.js';

const NOW = Date.UTC(2024, 0, 1);
const idp = await createSigningCredential({ host: 'tessera.example.com', notBefore: NOW });
const SSO = 'https://tessera.example.com/samlp/oZKJafsuwHoLkY9dNhzoQg4us6ML9L9j';

function build(certs: string[] = [idp.certificateBase64]): string {
  return buildIdpMetadata({ entityId: 'urn:tessera.example.com', signingCertificates: certs, ssoUrl: SSO, sloUrl: `${SSO}/logout` });
}

function refused(input: string | Uint8Array, code: MetadataErrorCode): void {
  let error: unknown;
  try {
    parseIdpMetadata(input);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MetadataError);
  expect((error as MetadataError).code).toBe(code);
  expect((error as MetadataError).awsMessage).toBe(AWS_METADATA_MESSAGE);
}

/** A minimal third-party metadata document around `keyDescriptors`. */
function third(keyDescriptors: string, extra = ''): string {
  return (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.org/idp">' +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol urn:oasis:names:tc:SAML:2.0:protocol">${keyDescriptors}` +
    `<md:SingleSignOnService Binding="${BINDING.post}" Location="https://idp.example.org/sso"/>${extra}</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

function keyDescriptor(b64: string, use?: string): string {
  return `<md:KeyDescriptor${use === undefined ? '' : ` use="${use}"`}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
}

describe('buildIdpMetadata (reference/auth0.md §5.3)', () => {
  it('writes exactly the elements and order of Auth0 metadata', () => {
    const xml = build();
    expect(xml).toBe(
      [
        '<EntityDescriptor entityID="urn:tessera.example.com" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">',
        '  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
        '    <KeyDescriptor use="signing">',
        '      <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">',
        '        <X509Data>',
        `          <X509Certificate>${idp.certificateBase64}</X509Certificate>`,
        '        </X509Data>',
        '      </KeyInfo>',
        '    </KeyDescriptor>',
        `    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${SSO}/logout"/>`,
        `    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${SSO}/logout"/>`,
        '    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>',
        '    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>',
        '    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</NameIDFormat>',
        `    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${SSO}"/>`,
        `    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${SSO}"/>`,
        '    <Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="E-Mail Address" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>',
        '    <Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="Given Name" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>',
        '    <Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="Name" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>',
        '    <Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="Surname" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>',
        '    <Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="Name ID" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>',
        '  </IDPSSODescriptor>',
        '</EntityDescriptor>',
      ].join('\n'),
    );
  });

  it('publishes one KeyDescriptor per certificate for a rollover and reads them back in order', async () => {
    const next = await createRolloverCredential(idp, { notBefore: NOW, modulusLength: 1024 });
    const parsed = parseIdpMetadata(build([idp.certificatePem, next.certificatePem]));
    expect(parsed.signingCertificates).toEqual([idp.certificateBase64, next.certificateBase64]);
  });

  it('round-trips through the parser', () => {
    expect(parseIdpMetadata(build())).toEqual({
      entityId: 'urn:tessera.example.com',
      signingCertificates: [idp.certificateBase64],
      ssoServices: [
        { binding: BINDING.redirect, location: SSO },
        { binding: BINDING.post, location: SSO },
      ],
      sloServices: [
        { binding: BINDING.redirect, location: `${SSO}/logout` },
        { binding: BINDING.post, location: `${SSO}/logout` },
      ],
    });
  });

  it('keeps markup in the entityID and URLs as attribute values', () => {
    const xml = buildIdpMetadata({ entityId: 'urn:a"><x', signingCertificates: [idp.certificateBase64], ssoUrl: 'https://a/<b>', sloUrl: 'https://a/&' });
    const parsed = parseIdpMetadata(xml);
    expect(parsed.entityId).toBe('urn:a"><x');
    expect(parsed.ssoServices[0]?.location).toBe('https://a/<b>');
  });
});

describe('parseIdpMetadata: any IdP', () => {
  it('reads prefixed metadata with wrapped base64, several signing keys, and a KeyDescriptor without use', async () => {
    const other = await createSigningCredential({ host: 'idp.example.org', notBefore: NOW, modulusLength: 1024 });
    const wrapped = idp.certificateBase64.replace(/(.{64})/g, '$1\n          ');
    const parsed = parseIdpMetadata(
      third(keyDescriptor(wrapped, 'signing') + keyDescriptor(other.certificateBase64) + keyDescriptor(idp.certificateBase64, 'signing')),
    );
    expect(parsed.entityId).toBe('https://idp.example.org/idp');
    expect(parsed.signingCertificates).toEqual([idp.certificateBase64, other.certificateBase64]);
    expect(parsed.ssoServices).toEqual([{ binding: BINDING.post, location: 'https://idp.example.org/sso' }]);
    expect(parsed.sloServices).toEqual([]);
  });

  it('ignores encryption keys', async () => {
    const enc = await createSigningCredential({ host: 'enc', notBefore: NOW, modulusLength: 1024 });
    const parsed = parseIdpMetadata(third(keyDescriptor(enc.certificateBase64, 'encryption') + keyDescriptor(idp.certificateBase64, 'signing')));
    expect(parsed.signingCertificates).toEqual([idp.certificateBase64]);
    refused(third(keyDescriptor(enc.certificateBase64, 'encryption')), 'ERR_METADATA_NO_SIGNING_KEY');
  });

  it('accepts UTF-8 bytes, an XML declaration and comments (Shibboleth style)', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- generated -->\n${third(`<!-- key -->${keyDescriptor(idp.certificateBase64)}`)}`;
    expect(parseIdpMetadata(Buffer.from(xml, 'utf8')).signingCertificates).toEqual([idp.certificateBase64]);
  });
});

describe('parseIdpMetadata: refuses what AWS refuses ("Could not parse metadata")', () => {
  const good = third(keyDescriptor(idp.certificateBase64, 'signing'));

  it('refuses a UTF-8 byte order mark, UTF-16 and invalid UTF-8', () => {
    refused(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]), 'ERR_METADATA_NOT_UTF8');
    refused(`\uFEFF${good}`, 'ERR_METADATA_NOT_UTF8');
    refused(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, 'utf16le')]), 'ERR_METADATA_NOT_UTF8');
    refused(Buffer.from(good, 'utf16le'), 'ERR_METADATA_NOT_UTF8');
    refused(Buffer.concat([Buffer.from(good.slice(0, 40)), Buffer.from([0xc3, 0x28]), Buffer.from(good.slice(40))]), 'ERR_METADATA_NOT_UTF8');
    refused(`<?xml version="1.0" encoding="ISO-8859-1"?>${good}`, 'ERR_METADATA_NOT_UTF8');
  });

  it('refuses metadata without a signing key', () => {
    refused(third(''), 'ERR_METADATA_NO_SIGNING_KEY');
  });

  it('refuses an RSA key under 1024 bits, read from the certificate', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 768 });
    const small = certifyKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { host: 'small', notBefore: NOW });
    refused(third(keyDescriptor(small.certificateBase64, 'signing')), 'ERR_METADATA_KEY_TOO_SMALL');
  });

  it('refuses metadata without a SAML 2.0 IDPSSODescriptor', () => {
    refused(good.replace(/IDPSSODescriptor/g, 'SPSSODescriptor'), 'ERR_METADATA_NO_IDPSSO');
    refused(good.replace('urn:oasis:names:tc:SAML:1.1:protocol urn:oasis:names:tc:SAML:2.0:protocol', 'urn:oasis:names:tc:SAML:1.1:protocol'), 'ERR_METADATA_NO_IDPSSO');
  });

  it('refuses another root, an aggregate and a missing entityID', () => {
    refused('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>', 'ERR_METADATA_ROOT');
    refused(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${good.replace(/^<md:EntityDescriptor xmlns:md="[^"]+"/, '<md:EntityDescriptor')}</md:EntitiesDescriptor>`, 'ERR_METADATA_ROOT');
    refused('<EntityDescriptor xmlns="urn:example:not-metadata" entityID="x"/>', 'ERR_METADATA_ROOT');
    refused(good.replace('entityID="https://idp.example.org/idp"', ''), 'ERR_METADATA_ENTITY_ID');
  });

  it('refuses certificates that are not base64 DER X.509', () => {
    refused(third(keyDescriptor('not*base64', 'signing')), 'ERR_METADATA_CERTIFICATE');
    refused(third(keyDescriptor('AAAAAAAA', 'signing')), 'ERR_METADATA_CERTIFICATE');
  });

  it('refuses DTDs and entities (XXE, billion laughs) and processing instructions through the hardened parser', () => {
    refused(`<!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>${good}`, 'ERR_METADATA_XML');
    refused(good.replace('<md:IDPSSODescriptor', '<?evil x?><md:IDPSSODescriptor'), 'ERR_METADATA_XML');
    refused('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">', 'ERR_METADATA_XML');
    refused(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`, 'ERR_METADATA_XML');
  });

  it('does not let comment removal assemble a DOCTYPE', () => {
    refused(`<<!-- -->!DOCTYPE x [<!ENTITY e "x">]>${good}`, 'ERR_METADATA_XML');
    refused(`${good}<!-- unterminated`, 'ERR_METADATA_XML');
  });

  it('removes comments in linear time', () => {
    const many = `${third(keyDescriptor(idp.certificateBase64))}${'<!-- c -->'.repeat(200_000)}`;
    const started = process.hrtime.bigint();
    expect(parseIdpMetadata(many).entityId).toBe('https://idp.example.org/idp');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});
