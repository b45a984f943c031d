// Shared steps of the XSW builders (SAMLRaider XSWHelpers.java): the evil copy of an assertion and
// the removal of a signature from a copy. Not an attack itself.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, childNS, cloneInto, EVIL_ID, remove } from '../../support/saml-fixtures.js';

/** A deep copy of `e` (owned by `d`) without its own enveloped Signature. */
export function unsignedCopy(d: Document, e: Element): Element {
  const c = cloneInto(d, e);
  const s = childNS(c, NS.ds, 'Signature');
  if (s !== undefined) remove(s);
  return c;
}

/** E(clone(assertion)) with `ID=_evil` and no Signature. */
export function evilCopy(d: Document, assertion: Element, id: string = EVIL_ID): Element {
  const e = applyEvil(unsignedCopy(d, assertion));
  e.setAttribute('ID', id);
  return e;
}
