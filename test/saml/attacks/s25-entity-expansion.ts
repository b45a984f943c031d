// S25 entity expansion (CWE-776): billion laughs (10 levels × 10 references) and quadratic blowup
// (one 50 KB entity referenced 2 000 times); refused at the byte scan within 50 ms.

import { GENUINE_NAMEID, replaceOnce } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s25EntityExpansion: Attack = {
  id: 'S25',
  title: 'entity expansion bombs',
  reference: 'security.md §2.7 S25',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const levels = ['<!ENTITY l0 "lol">'];
    for (let i = 1; i <= 10; i++) levels.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
    const laughs = `<!DOCTYPE samlp:Response [${levels.join('')}]>${replaceOnce(B, `>${GENUINE_NAMEID}</saml:NameID>`, '>&l10;</saml:NameID>')}`;
    const quadratic = `<!DOCTYPE samlp:Response [<!ENTITY q "${'a'.repeat(50_000)}">]>${replaceOnce(B, `>${GENUINE_NAMEID}</saml:NameID>`, `>${'&q;'.repeat(2_000)}</saml:NameID>`)}`;
    return [
      { name: 'billion laughs, 10 levels × 10 references', xml: laughs, expect: rejectedAs('DOCTYPE'), budgetMs: 50, control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'quadratic blowup: a 50 KB entity referenced 2 000 times', xml: quadratic, expect: rejectedAs('DOCTYPE'), budgetMs: 50 },
    ];
  },
};
