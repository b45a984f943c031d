// SigV4 timestamps: the ISO 8601 basic form `YYYYMMDD'T'HHMMSS'Z'` of X-Amz-Date, and the HTTP `Date`
// header's IMF-fixdate that AWS accepts in its place. Strict parsers; time is always an input.

const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SCOPE_DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;
// RFC 7231 §7.1.1.1 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
const IMF_FIXDATE_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Epoch milliseconds of a calendar instant, or `undefined` if a field is out of range (no Feb 30, no 24:00). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : undefined;
}

/** `20150830T123600Z` → epoch ms; `undefined` unless exactly that form and a real instant. */
export function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE_RE.exec(text);
  if (m === null) return undefined;
  return utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** `20150830` is a real calendar date. */
export function isScopeDate(text: string): boolean {
  const m = SCOPE_DATE_RE.exec(text);
  return m !== null && utc(+m[1]!, +m[2]!, +m[3]!, 0, 0, 0) !== undefined;
}

/** `Sun, 30 Aug 2015 12:36:00 GMT` → epoch ms; the weekday must be right too. */
export function parseHttpDate(text: string): number | undefined {
  const m = IMF_FIXDATE_RE.exec(text);
  if (m === null) return undefined;
  const ms = utc(+m[4]!, MONTHS.indexOf(m[3]!) + 1, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  if (ms === undefined || WEEKDAYS[new Date(ms).getUTCDay()] !== m[1]) return undefined;
  return ms;
}

/** Epoch ms → `YYYYMMDDTHHMMSSZ` (seconds truncated). */
export function formatAmzDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2015-08-30T12:36:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}
