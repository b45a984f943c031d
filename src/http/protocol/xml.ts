// XML text escaping for every document Tessera writes (src/http/protocol/encode.ts). Owns the one
// rule for turning a stored string into element text; must never let a stored value end an element,
// open markup, or put a character into the document that an XML 1.0 parser refuses.

/** Anything that needs work: markup characters, CR, characters XML 1.0 forbids, and surrogates (checked for pairing). */
const NEEDS_WORK = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Escapes `s` for use as element text: `&` `<` `>` become entities, and CR becomes `&#13;` so a
 * parser's line-end normalisation gives it back unchanged. Characters XML 1.0 does not allow at all
 * (C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE, U+FFFF — not even as references) are
 * replaced by U+FFFD rather than refused: some stored fields have no pattern (EC2 tag values), and
 * refusing would make every later response that lists the value fail, not just the request that stored it.
 */
export function escapeXmlText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x26: out += '&amp;'; continue;
      case 0x3c: out += '&lt;'; continue;
      case 0x3e: out += '&gt;'; continue;
      case 0x0d: out += '&#13;'; continue;
      case 0x09:
      case 0x0a:
        out += s[i];
        continue;
      default:
        break;
    }
    if (c < 0x20 || c === 0xfffe || c === 0xffff) {
      out += '\uFFFD';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        out += '\uFFFD';
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\uFFFD';
    } else {
      out += s[i];
    }
  }
  return out;
}
