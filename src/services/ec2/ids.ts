// EC2 resource-id shapes: `<prefix>-` + 8 hex digits (short ids) or 17 (long ids, the default since
// 2018: EC2 User Guide, resource-ids). Pure checks; whether the resource exists is the store's
// business. Ids are compared exactly (lower-case hex, as EC2 mints them).

const SHORT = 8;
const LONG = 17;

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** True for `<prefix>-` followed by 8 or 17 lower-case hex digits. */
export function isResourceId(id: string, prefix: string): boolean {
  const start = prefix.length + 1;
  if (!id.startsWith(prefix) || id.charCodeAt(prefix.length) !== 45 /* - */) return false;
  const n = id.length - start;
  return (n === SHORT || n === LONG) && isHex(id.slice(start));
}

export function isInstanceId(id: string): boolean {
  return isResourceId(id, 'i');
}

export function isImageId(id: string): boolean {
  return isResourceId(id, 'ami');
}

/** Distinct values in first-seen order (a request may name one id twice). */
export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
