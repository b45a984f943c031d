// S23 external references: `Reference URI` pointing at a local listener or at `file:///etc/passwd`,
// and `ds:RetrievalMethod` in KeyInfo — rejected before any I/O (the test asserts the probe listener
// received no connection).

import { NS } from '../../../src/saml/ns.js';
import { assertionOf, GENUINE_NAMEID, mutate, signAs, signatureOf, the, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const withUri = (xml: string, uri: string): string => mutate(xml, (d) => the(signatureOf(assertionOf(d)), NS.ds, 'Reference').setAttribute('URI', uri));

export const s23ExternalReferences: Attack = {
  id: 'S23',
  title: 'external references and key retrieval',
  reference: 'security.md §2.7 S23',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const retrieval = signAs(unsignedXml(ctx.now), 'B', {
      keyInfo: { kind: 'raw', content: `<RetrievalMethod URI="${ctx.probeUrl}/cert" Type="http://www.w3.org/2000/09/xmldsig#X509Data"/>` },
    });
    return [
      { name: 'Reference URI on a local HTTP listener', xml: withUri(B, `${ctx.probeUrl}/x`), expect: rejectedAs('SIG_REF_NOT_PARENT'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'Reference URI file:///etc/passwd', xml: withUri(B, 'file:///etc/passwd'), expect: rejectedAs('SIG_REF_NOT_PARENT') },
      { name: 'ds:RetrievalMethod in KeyInfo pointing at a local listener', xml: retrieval, expect: rejectedAs('SIG_FORBIDDEN_ELEMENT') },
    ];
  },
};
