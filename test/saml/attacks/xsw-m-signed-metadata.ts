// XSW-M (GitHub Enterprise CVE-2024-6800): the IdP's publicly available signed metadata
// (md:EntityDescriptor with its own valid enveloped signature) embedded in the Response, so that the
// only valid signature in the document is over metadata.

import { NS } from '../../../src/saml/ns.js';
import { all, applyEvil, assertionOf, cloneInto, GENUINE_NAMEID, IDP_ENTITY_ID, insertAfter, mutate, parse, remove, responseOf, serialize, signatureOf, signXml, the, type TestKey } from '../../support/saml-fixtures.js';
import { DOMImplementation } from '@xmldom/xmldom';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const METADATA_ID = '_d3b07384d113edec49eaa6238ad5ff00';

/** The IdP's metadata (reference/auth0.md §5.3 shape, with an ID), signed by the IdP key. */
export function signedMetadata(idp: TestKey): string {
  const doc = new DOMImplementation().createDocument(NS.metadata, 'md:EntityDescriptor', null);
  const ed = doc.documentElement;
  ed.setAttributeNS(NS.xmlns, 'xmlns:md', NS.metadata);
  ed.setAttribute('entityID', IDP_ENTITY_ID);
  ed.setAttribute('ID', METADATA_ID);
  const sso = doc.createElementNS(NS.metadata, 'md:IDPSSODescriptor');
  sso.setAttribute('protocolSupportEnumeration', NS.protocol);
  const kd = doc.createElementNS(NS.metadata, 'md:KeyDescriptor');
  kd.setAttribute('use', 'signing');
  const ki = doc.createElementNS(NS.ds, 'KeyInfo');
  ki.setAttributeNS(NS.xmlns, 'xmlns', NS.ds);
  const x509data = doc.createElementNS(NS.ds, 'X509Data');
  const x509 = doc.createElementNS(NS.ds, 'X509Certificate');
  x509.appendChild(doc.createTextNode(idp.certBase64));
  x509data.appendChild(x509);
  ki.appendChild(x509data);
  kd.appendChild(ki);
  sso.appendChild(kd);
  const svc = doc.createElementNS(NS.metadata, 'md:SingleSignOnService');
  svc.setAttribute('Binding', 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect');
  svc.setAttribute('Location', 'https://corp-test.eu.auth0.com/samlp/client1');
  sso.appendChild(svc);
  ed.appendChild(sso);
  return signXml(serialize(doc), {
    key: idp,
    xpath: `/*[local-name(.)='EntityDescriptor' and namespace-uri(.)='${NS.metadata}']`,
    location: { reference: '/*', action: 'prepend' },
  });
}

function embed(xml: string, metadata: string, o: { strip: boolean; moveSignature: boolean }): string {
  return mutate(xml, (d) => {
    const response = responseOf(d);
    if (o.strip) {
      for (const s of all(d, NS.ds, 'Signature')) remove(s);
      applyEvil(assertionOf(d));
    }
    const ext = d.createElementNS(NS.protocol, 'samlp:Extensions');
    const md = cloneInto(d, parse(metadata).documentElement);
    ext.appendChild(md);
    insertAfter(ext, the(response, NS.assertion, 'Issuer'));
    if (o.moveSignature) {
      const sig = signatureOf(md);
      remove(sig);
      insertAfter(sig, the(response, NS.assertion, 'Issuer'));
    }
  });
}

export const xswMSignedMetadata: Attack = {
  id: 'XSW-M',
  title: 'signed IdP metadata embedded in the Response',
  reference: 'security.md §2.2 XSW-M (CVE-2024-6800)',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const md = signedMetadata(ctx.keys.idp);
    return [
      {
        name: 'signed metadata in samlp:Extensions beside the genuine signed assertion',
        xml: embed(B, md, { strip: false, moveSignature: false }),
        expect: rejectedAs('SIG_POSITION'),
        signatureStillValid: true,
        control: { xml: B, nameId: GENUINE_NAMEID },
      },
      {
        name: 'assertion stripped and edited: the only valid signature is the metadata\'s',
        xml: embed(B, md, { strip: true, moveSignature: false }),
        expect: rejectedAs('SIG_POSITION'),
        signatureStillValid: true,
      },
      {
        name: 'the metadata Signature moved to the Response signature position',
        xml: embed(B, md, { strip: true, moveSignature: true }),
        expect: rejectedAs('SIG_FORBIDDEN_ELEMENT'),
        signatureStillValid: true,
      },
    ];
  },
};
