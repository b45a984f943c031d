import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { auth0DateText, Auth0DateValue, buildClaims, resolvePath } from './claims.js';
import { applyRuleConfiguration } from './precedence.js';
import { effectiveSamlConfiguration, parseAddonSettings, type SamlConfiguration } from './settings.js';

function configFor(addon: unknown): SamlConfiguration {
  const parsed = parseAddonSettings(addon);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return effectiveSamlConfiguration(parsed.settings, { tenantIssuer: 'urn:t', callbackUrl: 'https://sp.example/acs' });
}

describe('resolvePath (reference/auth0.md §3.2)', () => {
  const source = { a: { b: [{ c: 1 }, 'x'] }, d: new Date(0), s: 'str' };

  it('follows own properties of objects and arrays', () => {
    expect(resolvePath(source, 'a.b.0.c')).toBe(1);
    expect(resolvePath(source, 'a.b.1')).toBe('x');
    expect(resolvePath(source, 'a')).toBe(source.a);
  });

  it('finds nothing through primitives, Dates, empty segments or prototype names', () => {
    for (const path of ['s.length', 'd.getTime', 'a..b', '', '.a', 'a.', 'constructor', 'toString', '__proto__', 'a.__proto__', 'a.b.map', 'hasOwnProperty']) {
      expect(resolvePath(source, path), path).toBeUndefined();
    }
  });
});

describe('auth0DateText: Date#toString as Auth0 servers (UTC) print it', () => {
  const zone = process.env['TZ'];
  afterAll(() => {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  });

  it('matches the [O-2020] capture', () => {
    expect(auth0DateText(new Date('2020-08-12T17:56:57.000Z'))).toBe('Wed Aug 12 2020 17:56:57 GMT+0000 (Coordinated Universal Time)');
    expect(auth0DateText(new Date('2020-08-11T13:21:19.000Z'))).toBe('Tue Aug 11 2020 13:21:19 GMT+0000 (Coordinated Universal Time)');
  });

  it('equals V8\'s own Date#toString under TZ=UTC, whatever zone Tessera runs in', () => {
    process.env['TZ'] = 'UTC';
    const year99 = new Date(0);
    year99.setUTCFullYear(99);
    for (const d of [new Date(0), new Date('1999-12-31T23:59:59.999Z'), new Date('2038-01-19T03:14:08Z'), new Date('2024-02-29T00:00:00Z'), year99]) {
      expect(auth0DateText(d)).toBe(d.toString());
    }
    expect(auth0DateText(new Date(Number.NaN))).toBe('Invalid Date');
  });
});

describe('buildClaims', () => {
  it('never changes the profile or the configuration it is given', () => {
    const user = { user_id: 'auth0|1', email: 'a@example.com', created_at: new Date(0), identities: [{ provider: 'auth0', connection: 'db', isSocial: false }] };
    const snapshot = structuredClone(user);
    const config = configFor({});
    const before = JSON.stringify(config);
    buildClaims(user, config, { clientId: 'c' });
    expect(user).toEqual(snapshot);
    expect(JSON.stringify(config)).toBe(before);
  });

  it('renders Date values as xs:anyType with Auth0\'s text, inside arrays too', () => {
    const claims = buildClaims({ user_id: 'auth0|1', seen: [new Date(0), 'x'] }, configFor({ mappings: { seen: 'Seen' }, passthroughClaimsWithNoMapping: false, createUpnClaim: false, mapIdentities: false }));
    const seen = claims.attributes.get('Seen') as unknown[];
    expect(seen[0]).toBeInstanceOf(Auth0DateValue);
    expect(String(seen[0])).toBe('Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)');
    expect(seen[1]).toBe('x');
  });

  it('a JSON `__proto__` key in the profile stays an ordinary claim and pollutes nothing (security.md X7)', () => {
    const user = JSON.parse('{"user_id":"auth0|1","__proto__":{"isAdmin":true}}') as Record<string, unknown>;
    const claims = buildClaims(user, configFor({ mappings: {}, createUpnClaim: false, mapIdentities: false, mapUnknownClaimsAsIs: true }));
    expect([...claims.attributes.keys()]).toEqual(['__proto__', 'user_id', 'identifier']);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });

  it('accepts rule output from another realm (the sandbox\'s copies)', () => {
    const foreign = runInNewContext('({ mappings: { Mail: "email" } })') as unknown;
    const config = applyRuleConfiguration(configFor({ passthroughClaimsWithNoMapping: false, createUpnClaim: false, mapIdentities: false }), foreign);
    expect([...buildClaims({ user_id: 'auth0|1', email: 'm@example.com' }, config).attributes]).toEqual([['Mail', 'm@example.com']]);
  });
});
