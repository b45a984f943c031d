// Shared reading of dates for the Date* operators: the W3C ISO 8601 profiles IAM documents
// (YYYY, YYYY-MM, YYYY-MM-DD, with hh:mm[:ss[.s]] and a zone) or epoch seconds.
import { literalText, type Template } from '../../variables.js';
import type { Operand, PositiveOperator } from './types.js';

const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH = /^\d+(?:\.\d+)?$/;

/** Milliseconds since the epoch, or undefined when the text is not an IAM date. */
export function readDate(text: string): number | undefined {
  const t = text.trim();
  if (EPOCH.test(t)) return Math.round(Number(t) * 1000);
  const m = ISO.exec(t);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let at = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0);
    at -= sign * offset * 60_000;
  }
  return Number.isFinite(at) ? at : undefined;
}

export function dateOperator(name: string, compare: (contextValue: number, policyValue: number) => boolean): PositiveOperator {
  return {
    name,
    family: 'Date',
    variables: false,
    compile(value: Template): Operand | { error: string } {
      const text = literalText(value);
      const p = readDate(text);
      if (p === undefined) return { error: `\`${text}\` is not an ISO 8601 date or epoch seconds` };
      return {
        test(v) {
          const n = readDate(v);
          return n === undefined ? 'error' : compare(n, p);
        },
        describe: () => text,
      };
    },
  };
}
