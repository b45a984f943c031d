// S34 expired / not yet valid (node-saml CVE-2023-40178, authentik CVE-2026-41577 are the regressions
// to avoid): Conditions or SubjectConfirmationData NotOnOrAfter past, NotBefore in the future, within
// and beyond the skew, IssueInstant stale or in the future, malformed xs:dateTime values (no zone,
// 30 February, offset beyond ±14:00, leap second), offsets parsed correctly, SessionNotOnOrAfter past,
// year 9999. Every document is genuinely signed by the test IdP; the clock is an input.

import { GENUINE_NAMEID, iso, signAs, unsignedXml, type ResponseSpec } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

const MIN = 60_000;

export const s34Time: Attack = {
  id: 'S34',
  title: 'expired, not yet valid and malformed instants',
  reference: 'security.md §2.9 S34, §1 P14',
  build(ctx): AttackCase[] {
    const now = ctx.now;
    const signed = (o: Partial<ResponseSpec>): string => signAs(unsignedXml(now, o), 'B');
    const { B } = ctx.base;
    return [
      { name: 'Conditions NotOnOrAfter = now − 10 min', xml: signed({ notOnOrAfter: iso(now - 10 * MIN) }), expect: rejectedAs('EXPIRED', 'ExpiredTokenException'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'SubjectConfirmationData NotOnOrAfter past, Conditions fine', xml: signed({ scdNotOnOrAfter: iso(now - 10 * MIN) }), expect: rejectedAs('EXPIRED', 'ExpiredTokenException') },
      { name: 'B verified 2 h later (IssueInstant first: AWS\'s 5-minute redemption window)', xml: B, options: { now: now + 120 * MIN }, expect: rejectedAs('ISSUE_INSTANT_STALE', 'ExpiredTokenException') },
      { name: 'B verified 2 h later with a 1-day redemption window: expired', xml: B, options: { now: now + 120 * MIN, maxAgeSeconds: 86_400 }, expect: rejectedAs('EXPIRED', 'ExpiredTokenException') },
      { name: 'B verified 8 min later (5 min window + 2 min skew passed)', xml: B, options: { now: now + 8 * MIN }, expect: rejectedAs('ISSUE_INSTANT_STALE', 'ExpiredTokenException') },
      { name: 'B verified 6 min later (inside the window plus skew)', xml: B, options: { now: now + 6 * MIN }, expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'Conditions NotOnOrAfter = now − 60 s (inside the 120 s skew)', xml: signed({ notOnOrAfter: iso(now - MIN) }), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'Conditions NotOnOrAfter = now − 60 s with a 30 s skew', xml: signed({ notOnOrAfter: iso(now - MIN) }), options: { skewSeconds: 30 }, expect: rejectedAs('EXPIRED', 'ExpiredTokenException') },
      { name: 'NotBefore = now + 10 min', xml: signed({ notBefore: iso(now + 10 * MIN) }), expect: rejectedAs('NOT_YET_VALID') },
      { name: 'NotBefore = now + 50 s (inside the skew)', xml: signed({ notBefore: iso(now + 50_000) }), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'IssueInstant in the year 2000', xml: signed({ issueInstant: '2000-01-01T00:00:00Z' }), expect: rejectedAs('ISSUE_INSTANT_STALE', 'ExpiredTokenException') },
      { name: 'IssueInstant = now + 1 h', xml: signed({ issueInstant: iso(now + 60 * MIN) }), expect: rejectedAs('ISSUE_INSTANT_FUTURE') },
      { name: 'IssueInstant without a time zone', xml: signed({ issueInstant: iso(now).slice(0, -1) }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'NotOnOrAfter without a time zone', xml: signed({ notOnOrAfter: iso(now + 60 * MIN).slice(0, -1) }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'NotOnOrAfter on 31 June (rolls over to 1 July in Date.parse)', xml: signed({ notOnOrAfter: '2026-06-31T00:00:00Z' }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'SubjectConfirmationData NotOnOrAfter on 30 February', xml: signed({ scdNotOnOrAfter: '2027-02-30T00:00:00Z' }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'NotOnOrAfter with an offset of +15:00 (xs:dateTime allows ±14:00)', xml: signed({ notOnOrAfter: '2026-06-02T12:00:00+15:00' }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'NotOnOrAfter at hour 25', xml: signed({ notOnOrAfter: '2026-06-01T25:00:00Z' }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'NotOnOrAfter with a leap second', xml: signed({ notOnOrAfter: '2026-06-30T23:59:60Z' }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'IssueInstant written with a +14:00 offset is the same instant', xml: signed({ issueInstant: '2026-06-02T02:00:00.000+14:00' }), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'NotOnOrAfter written with a −10:00 offset, 30 s ago once converted', xml: signed({ notOnOrAfter: '2026-06-01T01:59:00-10:00' }), options: { skewSeconds: 30 }, expect: rejectedAs('EXPIRED', 'ExpiredTokenException') },
      { name: 'SessionNotOnOrAfter in the past', xml: signed({ sessionNotOnOrAfter: iso(now - 10 * MIN) }), expect: rejectedAs('EXPIRED', 'ExpiredTokenException') },
      { name: 'SessionNotOnOrAfter malformed', xml: signed({ sessionNotOnOrAfter: 'tomorrow' }), expect: rejectedAs('DATETIME_INVALID') },
      { name: 'SessionNotOnOrAfter in the future', xml: signed({ sessionNotOnOrAfter: iso(now + 8 * 60 * MIN) }), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'NotOnOrAfter in the year 9999 (lifetime is capped by STS, not here)', xml: signed({ notOnOrAfter: '9999-12-31T23:59:59Z', scdNotOnOrAfter: '9999-12-31T23:59:59Z' }), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'SubjectConfirmationData without NotOnOrAfter', xml: signed({ scdNotOnOrAfter: null }), expect: rejectedAs('SUBJECT_CONFIRMATION') },
    ];
  },
};
