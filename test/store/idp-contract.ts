// The IdP store contract: the behaviour every adapter must show for src/store/idp-port.ts, written
// once and run against each adapter (test/store/sqlite-idp.test.ts today, PostgreSQL with issue #8).
// It speaks only the port: codes, entities, fields and observable results, never SQL or files.
// "Two nodes" are two handles on one database (StoreFixture.openAnother).

import { describe, expect, it } from 'vitest';
import type { ReplayGuard } from '../../src/saml/replay.js';
import type {
  Application,
  IdpSession,
  NewAction,
  NewIdpUser,
  NewRule,
  Page,
  SigningKey,
  Store,
  StoreErrorCode,
  Tenant,
  TenantLogEntry,
} from '../../src/store/index.js';
import type { StoreFixture, StoreHarness } from './contract.js';

const T0 = new Date('2024-03-04T05:06:07.890Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const TENANT = 'tessera';

export function tenant(tenantId = TENANT, over: Partial<Tenant> = {}): Tenant {
  return { tenantId, host: `${tenantId}.example.com`, friendlyName: `The ${tenantId} tenant`, createDate: T0, updateDate: T0, ...over };
}

let hexCounter = 0;
function hex24(): string {
  return (++hexCounter).toString(16).padStart(24, '0');
}

export function idpUser(email: string, over: Partial<NewIdpUser> = {}): NewIdpUser {
  return {
    userId: `auth0|${hex24()}`,
    tenantId: TENANT,
    connection: 'Username-Password-Authentication',
    email,
    emailVerified: true,
    passwordHash: '$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    name: email,
    nickname: email.split('@')[0] ?? email,
    picture: 'https://s.gravatar.com/avatar/0?s=480&r=pg&d=mp',
    appMetadata: {},
    userMetadata: {},
    blocked: false,
    createDate: T0,
    updateDate: T0,
    ...over,
  };
}

let clientCounter = 0;
export function application(name: string, over: Partial<Application> = {}): Application {
  return {
    clientId: `C${(++clientCounter).toString().padStart(31, '0')}`,
    tenantId: TENANT,
    name,
    callbacks: ['https://signin.aws.amazon.com/saml'],
    allowedLogoutUrls: [],
    addons: {},
    clientMetadata: {},
    createDate: T0,
    updateDate: T0,
    ...over,
  };
}

let ruleCounter = 0;
export function rule(name: string, over: Partial<NewRule> = {}): NewRule {
  return {
    id: `rul_${(++ruleCounter).toString().padStart(16, '0')}`,
    tenantId: TENANT,
    name,
    enabled: true,
    script: 'function (user, context, callback) { callback(null, user, context); }',
    createDate: T0,
    updateDate: T0,
    ...over,
  };
}

let actionCounter = 0;
export function action(name: string, over: Partial<NewAction> = {}): NewAction {
  return {
    id: `00000000-0000-4000-8000-${(++actionCounter).toString().padStart(12, '0')}`,
    tenantId: TENANT,
    name,
    code: 'exports.onExecutePostLogin = async (event, api) => {};',
    runtime: 'node18',
    secrets: [],
    createDate: T0,
    updateDate: T0,
    ...over,
  };
}

export function signingKey(kid: string, status: SigningKey['status'], over: Partial<SigningKey> = {}): SigningKey {
  return {
    tenantId: TENANT,
    kid,
    privateKeySealed: new Uint8Array([1, 2, 3, kid.length]),
    certificatePem: `-----BEGIN CERTIFICATE-----\n${kid}\n-----END CERTIFICATE-----\n`,
    thumbprintSha1: 'a'.repeat(40),
    notBefore: T0,
    notAfter: at(10 * 365 * 86400),
    status,
    createDate: T0,
    ...over,
  };
}

export function session(hash: string, userId: string, over: Partial<IdpSession> = {}): IdpSession {
  return {
    sessionIdHash: hash,
    tenantId: TENANT,
    userId,
    createDate: T0,
    lastSeen: T0,
    expiresAt: at(12 * 3600),
    idleExpiresAt: at(30 * 60),
    clients: [],
    authenticatedAt: T0,
    ...over,
  };
}

let logCounter = 0;
export function logEntry(date: Date, over: Partial<TenantLogEntry> = {}): TenantLogEntry {
  return {
    id: `9002024${(++logCounter).toString().padStart(10, '0')}`,
    tenantId: TENANT,
    date,
    type: 's',
    description: 'Success Login',
    details: {},
    ...over,
  };
}

async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode, more: Record<string, unknown> = {}): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'StoreError', code, ...more });
}

async function drain<T>(fetch: (token: string | undefined) => Promise<Page<T>>, pageSize: number): Promise<T[][]> {
  const pages: T[][] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    expect(page.items.length).toBeLessThanOrEqual(pageSize);
    pages.push([...page.items]);
    token = page.nextToken;
    if (pages.length > 1000) throw new Error('paging does not terminate');
  } while (token !== undefined);
  return pages;
}

const tok = (t: string | undefined): { nextToken?: string } => (t === undefined ? {} : { nextToken: t });

export function idpStoreContract(harness: StoreHarness): void {
  /** Runs `body` against a fresh store holding the default tenant, and disposes of it whatever happens. */
  function withStore(body: (store: Store, fx: StoreFixture) => Promise<void>, seedTenant = true): () => Promise<void> {
    return async () => {
      const fx = await harness.create();
      try {
        if (seedTenant) await fx.store.idp.tenants.create(tenant());
        await body(fx.store, fx);
      } finally {
        await fx.dispose();
      }
    };
  }

  describe(`idp store contract: ${harness.name}`, () => {
    describe('tenants', () => {
      it('creates, reads by id and by host in any case, lists and updates a tenant', withStore(async (s) => {
        const t = tenant('acme', { host: '127.0.0.1:4750' });
        expect(await s.idp.tenants.create(t)).toEqual(t);
        expect(await s.idp.tenants.get('acme')).toEqual(t);
        expect(await s.idp.tenants.get('nobody')).toBeUndefined();
        const named = await s.idp.tenants.create(tenant('beta', { host: 'Login.Example.COM', issuer: 'urn:login.example.com', createDate: at(-1) }));
        expect(named.issuer).toBe('urn:login.example.com');
        expect(await s.idp.tenants.getByHost('login.example.com')).toEqual(named);
        expect(await s.idp.tenants.getByHost('elsewhere')).toBeUndefined();
        expect((await s.idp.tenants.list()).map((x) => x.tenantId)).toEqual(['beta', 'acme', TENANT]);
        const u = await s.idp.tenants.update('acme', { issuer: 'urn:custom', friendlyName: 'ACME', updateDate: at(5) });
        expect(u).toEqual({ ...t, issuer: 'urn:custom', friendlyName: 'ACME', updateDate: at(5) });
        const back = await s.idp.tenants.update('acme', { issuer: null, host: 'acme:4750', updateDate: at(6) });
        expect(back).not.toHaveProperty('issuer');
        expect(back.host).toBe('acme:4750');
        await rejectsWith(s.idp.tenants.update('nobody', { updateDate: T0 }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant', key: 'nobody' });
      }));

      it('refuses a taken tenant id, and a host taken in any case', withStore(async (s) => {
        await rejectsWith(s.idp.tenants.create(tenant(TENANT, { host: 'other' })), 'ERR_STORE_CONFLICT', { idpEntity: 'tenant', field: 'tenantId' });
        await rejectsWith(s.idp.tenants.create(tenant('x', { host: 'TESSERA.example.com' })), 'ERR_STORE_CONFLICT', { idpEntity: 'tenant', field: 'host' });
        await s.idp.tenants.create(tenant('y'));
        await rejectsWith(s.idp.tenants.update('y', { host: 'tessera.EXAMPLE.com', updateDate: T0 }), 'ERR_STORE_CONFLICT', { field: 'host' });
      }));

      it('refuses entities of an unknown tenant', withStore(async (s) => {
        const other = { tenantId: 'nobody' };
        await rejectsWith(s.idp.idpUsers.create(idpUser('a@example.com', other)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant', key: 'nobody' });
        await rejectsWith(s.idp.applications.create(application('A', other)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant' });
        await rejectsWith(s.idp.rules.create(rule('r1', other)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant' });
        await rejectsWith(s.idp.actions.create(action('a1', other)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant' });
        await rejectsWith(s.idp.signingKeys.create(signingKey('k', 'current', other)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant' });
        await rejectsWith(s.idp.rulesConfig.set('nobody', { key: 'K', valueSealed: new Uint8Array([1]) }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant' });
        await rejectsWith(s.idp.tenantLogs.append(logEntry(T0, other)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'tenant' });
      }));
    });

    describe('signing keys', () => {
      it('stores keys with their sealed private key, newest first, and finds the current one', withStore(async (s) => {
        expect(await s.idp.signingKeys.getCurrent(TENANT)).toBeUndefined();
        const k1 = signingKey('k1', 'current');
        const k2 = signingKey('k2', 'next', { createDate: at(1), privateKeySealed: new Uint8Array([9, 8, 7]) });
        expect(await s.idp.signingKeys.create(k1)).toEqual(k1);
        await s.idp.signingKeys.create(k2);
        const current = await s.idp.signingKeys.getCurrent(TENANT);
        expect(current).toEqual(k1);
        expect(current?.privateKeySealed).toBeInstanceOf(Uint8Array);
        expect(await s.idp.signingKeys.get(TENANT, 'k2')).toEqual(k2);
        expect(await s.idp.signingKeys.get('other', 'k2')).toBeUndefined();
        expect((await s.idp.signingKeys.list(TENANT)).map((k) => k.kid)).toEqual(['k2', 'k1']);
      }));

      it('keeps at most one current and one next key per tenant, and kids unique', withStore(async (s) => {
        await s.idp.signingKeys.create(signingKey('k1', 'current'));
        await s.idp.signingKeys.create(signingKey('k2', 'next'));
        await rejectsWith(s.idp.signingKeys.create(signingKey('k3', 'current')), 'ERR_STORE_CONFLICT', { idpEntity: 'signingKey', field: 'status', key: 'current' });
        await rejectsWith(s.idp.signingKeys.create(signingKey('k3', 'next')), 'ERR_STORE_CONFLICT', { field: 'status', key: 'next' });
        await rejectsWith(s.idp.signingKeys.create(signingKey('k1', 'previous')), 'ERR_STORE_CONFLICT', { field: 'kid', key: 'k1' });
        await s.idp.signingKeys.create(signingKey('k3', 'previous'));
        await s.idp.signingKeys.create(signingKey('k4', 'previous'));
        await s.idp.tenants.create(tenant('other'));
        await s.idp.signingKeys.create(signingKey('o1', 'current', { tenantId: 'other' }));
        await rejectsWith(s.idp.signingKeys.create(signingKey('x', 'retired' as 'revoked')), 'ERR_STORE_INVALID_INPUT');
      }));

      it('rotates atomically (current → previous, next → current) and revokes only previous keys', withStore(async (s) => {
        await s.idp.signingKeys.create(signingKey('k1', 'current'));
        await s.idp.signingKeys.create(signingKey('k2', 'next', { createDate: at(1) }));
        const now = await s.idp.signingKeys.rotate(TENANT, 'k2');
        expect(now).toMatchObject({ kid: 'k2', status: 'current' });
        expect((await s.idp.signingKeys.getCurrent(TENANT))?.kid).toBe('k2');
        expect((await s.idp.signingKeys.get(TENANT, 'k1'))?.status).toBe('previous');
        await rejectsWith(s.idp.signingKeys.rotate(TENANT, 'k1'), 'ERR_STORE_CAS_FAILED', { idpEntity: 'signingKey', currentState: 'previous' });
        await rejectsWith(s.idp.signingKeys.rotate(TENANT, 'nope'), 'ERR_STORE_NOT_FOUND', { idpEntity: 'signingKey', key: 'nope' });
        await s.idp.signingKeys.create(signingKey('k3', 'next', { createDate: at(2) }));
        await s.idp.signingKeys.rotate(TENANT, 'k3');
        expect((await s.idp.signingKeys.list(TENANT)).map((k) => `${k.kid}:${k.status}`)).toEqual(['k3:current', 'k2:previous', 'k1:previous']);
        await rejectsWith(s.idp.signingKeys.revoke(TENANT, 'k3', at(3)), 'ERR_STORE_CAS_FAILED', { currentState: 'current' });
        const revoked = await s.idp.signingKeys.revoke(TENANT, 'k1', at(3));
        expect(revoked).toMatchObject({ kid: 'k1', status: 'revoked', revokedAt: at(3) });
        await rejectsWith(s.idp.signingKeys.revoke(TENANT, 'k1', at(4)), 'ERR_STORE_CAS_FAILED', { currentState: 'revoked' });
        await rejectsWith(s.idp.signingKeys.revoke(TENANT, 'zz', at(4)), 'ERR_STORE_NOT_FOUND');
        // A first key can become current through rotation too (no current before).
        await s.idp.tenants.create(tenant('fresh'));
        await s.idp.signingKeys.create(signingKey('f1', 'next', { tenantId: 'fresh' }));
        expect((await s.idp.signingKeys.rotate('fresh', 'f1')).status).toBe('current');
      }));

      it('lets exactly one of two nodes rotating at once win', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        await s.idp.signingKeys.create(signingKey('k1', 'current'));
        await s.idp.signingKeys.create(signingKey('k2', 'next'));
        const results = await Promise.allSettled([s.idp.signingKeys.rotate(TENANT, 'k2'), other.idp.signingKeys.rotate(TENANT, 'k2')]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.find((r) => r.status === 'rejected');
        expect(failed?.reason).toMatchObject({ code: 'ERR_STORE_CAS_FAILED', currentState: 'current' });
        expect((await s.idp.signingKeys.list(TENANT)).map((k) => k.status).sort()).toEqual(['current', 'previous']);
      }));
    });

    describe('users', () => {
      it('round-trips every field and omits the optional ones that were not given', withStore(async (s) => {
        const full = idpUser('Jane@Example.com', {
          givenName: 'Jane',
          familyName: 'Doe',
          appMetadata: { costCenter: 'marketing', roles: ['a', 'b'], nested: { x: 1, y: null } },
          userMetadata: { theme: 'dark' },
        });
        const created = await s.idp.idpUsers.create(full);
        expect(created).toEqual({ ...full, loginsCount: 0 });
        expect(created).not.toHaveProperty('lastLogin');
        expect(created).not.toHaveProperty('lastIp');
        expect(await s.idp.idpUsers.get(full.userId)).toEqual(created);
        const bare = await s.idp.idpUsers.create(idpUser('bob@example.com'));
        expect(bare).not.toHaveProperty('givenName');
        expect(bare).not.toHaveProperty('familyName');
        expect(await s.idp.idpUsers.get('auth0|000000000000000000000000')).toBeUndefined();
      }));

      it('finds a user by email in any case, within its tenant and connection', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('Jane@Example.com'));
        expect(await s.idp.idpUsers.getByEmail(TENANT, u.connection, 'jane@example.COM')).toEqual(u);
        expect((await s.idp.idpUsers.getByEmail(TENANT, u.connection, 'jane@example.com'))?.email).toBe('Jane@Example.com');
        expect(await s.idp.idpUsers.getByEmail(TENANT, 'other-db', 'jane@example.com')).toBeUndefined();
        expect(await s.idp.idpUsers.getByEmail('other', u.connection, 'jane@example.com')).toBeUndefined();
      }));

      it('refuses a taken user id, and an email taken in any case in the same tenant and connection', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        await rejectsWith(s.idp.idpUsers.create(idpUser('other@example.com', { userId: u.userId })), 'ERR_STORE_CONFLICT', {
          idpEntity: 'idpUser',
          field: 'userId',
          key: u.userId,
        });
        await rejectsWith(s.idp.idpUsers.create(idpUser('JANE@example.com')), 'ERR_STORE_CONFLICT', { idpEntity: 'idpUser', field: 'email', key: 'JANE@example.com' });
        // The same email in another connection, or in another tenant, is another user.
        await s.idp.idpUsers.create(idpUser('jane@example.com', { connection: 'other-db' }));
        await s.idp.tenants.create(tenant('other'));
        await s.idp.idpUsers.create(idpUser('jane@example.com', { tenantId: 'other' }));
      }));

      it('updates fields, removes optional ones with null, and refuses an email taken by another user', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com', { givenName: 'Jane' }));
        await s.idp.idpUsers.create(idpUser('bob@example.com'));
        const changed = await s.idp.idpUsers.update(u.userId, {
          email: 'Jane.Doe@example.com',
          emailVerified: false,
          passwordHash: '$scrypt$new',
          name: 'Jane Doe',
          givenName: null,
          familyName: 'Doe',
          blocked: true,
          appMetadata: { replaced: true },
          updateDate: at(10),
        });
        const { givenName: _dropped, ...rest } = u;
        expect(changed).toEqual({
          ...rest,
          email: 'Jane.Doe@example.com',
          emailVerified: false,
          passwordHash: '$scrypt$new',
          name: 'Jane Doe',
          familyName: 'Doe',
          blocked: true,
          appMetadata: { replaced: true },
          updateDate: at(10),
        });
        expect(changed).not.toHaveProperty('givenName');
        expect(await s.idp.idpUsers.getByEmail(TENANT, u.connection, 'jane.doe@example.com')).toEqual(changed);
        expect(await s.idp.idpUsers.getByEmail(TENANT, u.connection, 'jane@example.com')).toBeUndefined();
        // Changing only the case of one's own email is no conflict.
        await s.idp.idpUsers.update(u.userId, { email: 'JANE.DOE@example.com', updateDate: at(11) });
        await rejectsWith(s.idp.idpUsers.update(u.userId, { email: 'BOB@example.com', updateDate: at(12) }), 'ERR_STORE_CONFLICT', { field: 'email' });
        await rejectsWith(s.idp.idpUsers.update('auth0|nobody', { updateDate: T0 }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'idpUser', key: 'auth0|nobody' });
      }));

      it('merges metadata as Auth0 does: root keys replaced, nested objects replaced, null deletes', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(
          idpUser('jane@example.com', { appMetadata: { a: 1, nested: { x: 1, y: 2 }, gone: 'soon' }, userMetadata: { theme: 'dark' } }),
        );
        const merged = await s.idp.idpUsers.mergeMetadata(u.userId, { appMetadata: { b: 2, nested: { z: 3 }, gone: null }, updateDate: at(1) });
        expect(merged.appMetadata).toEqual({ a: 1, nested: { z: 3 }, b: 2 });
        expect(merged.userMetadata).toEqual({ theme: 'dark' });
        expect(merged.updateDate).toEqual(at(1));
        const both = await s.idp.idpUsers.mergeMetadata(u.userId, { userMetadata: { theme: null, lang: 'fr' }, appMetadata: {}, updateDate: at(2) });
        expect(both.userMetadata).toEqual({ lang: 'fr' });
        expect(both.appMetadata).toEqual({ a: 1, nested: { z: 3 }, b: 2 });
        await rejectsWith(s.idp.idpUsers.mergeMetadata('auth0|nobody', { appMetadata: {}, updateDate: T0 }), 'ERR_STORE_NOT_FOUND');
        await rejectsWith(s.idp.idpUsers.mergeMetadata(u.userId, { appMetadata: [] as unknown as Record<string, never>, updateDate: T0 }), 'ERR_STORE_INVALID_INPUT');
      }));

      it('loses no metadata key when two nodes merge at once', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        await Promise.all(
          Array.from({ length: 20 }, (_, k) => (k % 2 === 0 ? s : other).idp.idpUsers.mergeMetadata(u.userId, { appMetadata: { [`k${k}`]: k }, updateDate: at(k) })),
        );
        expect(Object.keys((await s.idp.idpUsers.get(u.userId))?.appMetadata ?? {}).sort()).toEqual(Array.from({ length: 20 }, (_, k) => `k${k}`).sort());
      }));

      it('records logins atomically: the count, the last login and IP, and the update date', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        const first = await s.idp.idpUsers.recordLogin(u.userId, { at: at(60), ip: '203.0.113.7' });
        expect(first).toMatchObject({ loginsCount: 1, lastLogin: at(60), lastIp: '203.0.113.7', updateDate: at(60) });
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, k) => (k % 2 === 0 ? s : other).idp.idpUsers.recordLogin(u.userId, { at: at(100 + k), ip: `198.51.100.${k}` })),
        );
        expect(results.map((r) => r.loginsCount).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => k + 2));
        expect((await other.idp.idpUsers.get(u.userId))?.loginsCount).toBe(31);
        const noIp = await s.idp.idpUsers.recordLogin(u.userId, { at: at(500) });
        expect(noIp.loginsCount).toBe(32);
        expect(noIp).not.toHaveProperty('lastIp');
        await rejectsWith(s.idp.idpUsers.recordLogin('auth0|nobody', { at: T0 }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'idpUser' });
      }));

      it('lists users in creation order, in pages, per connection', withStore(async (s) => {
        const made: string[] = [];
        for (let k = 0; k < 7; k++) made.push((await s.idp.idpUsers.create(idpUser(`u${k}@example.com`, k % 3 === 0 ? { connection: 'legacy' } : {}))).userId);
        await s.idp.tenants.create(tenant('other'));
        await s.idp.idpUsers.create(idpUser('x@example.com', { tenantId: 'other' }));
        expect((await s.idp.idpUsers.list(TENANT)).items.map((u) => u.userId)).toEqual(made);
        expect((await s.idp.idpUsers.list(TENANT)).nextToken).toBeUndefined();
        const pages = await drain((t) => s.idp.idpUsers.list(TENANT, { maxItems: 3, ...tok(t) }), 3);
        expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(pages.flat().map((u) => u.userId)).toEqual(made);
        const legacy = await drain((t) => s.idp.idpUsers.list(TENANT, { connection: 'legacy', maxItems: 2, ...tok(t) }), 2);
        expect(legacy.flat().map((u) => u.email)).toEqual(['u0@example.com', 'u3@example.com', 'u6@example.com']);
        expect((await s.idp.idpUsers.list(TENANT, { maxItems: 7 })).nextToken).toBeUndefined();
        await rejectsWith(s.idp.idpUsers.list(TENANT, { nextToken: 'garbage' }), 'ERR_STORE_INVALID_TOKEN');
        await rejectsWith(s.idp.idpUsers.list(TENANT, { maxItems: 0 }), 'ERR_STORE_INVALID_INPUT');
      }));

      it('deletes a user with its SSO sessions', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        await s.idp.idpSessions.create(session('h1', u.userId));
        await s.idp.idpUsers.delete(u.userId);
        expect(await s.idp.idpUsers.get(u.userId)).toBeUndefined();
        expect(await s.idp.idpSessions.get('h1', T0)).toBeUndefined();
        await rejectsWith(s.idp.idpUsers.delete(u.userId), 'ERR_STORE_NOT_FOUND', { idpEntity: 'idpUser' });
        // The email is free again.
        await s.idp.idpUsers.create(idpUser('jane@example.com'));
      }));

      it('returns copies: changing a returned user changes nothing stored', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com', { appMetadata: { list: [1, 2] } }));
        (u.appMetadata as Record<string, unknown>).injected = true;
        ((u.appMetadata.list as unknown[]) ?? []).push(3);
        const again = await s.idp.idpUsers.get(u.userId);
        expect(again?.appMetadata).toEqual({ list: [1, 2] });
        expect(again).not.toBe(await s.idp.idpUsers.get(u.userId));
      }));
    });

    describe('applications', () => {
      it('creates, reads, lists, updates and deletes an application, add-on settings as given', withStore(async (s) => {
        const samlp = {
          audience: 'https://signin.aws.amazon.com/saml',
          mappings: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', name: ['a', 'b'] },
          createUpnClaim: false,
          lifetimeInSeconds: 3600,
          logout: { callback: 'http://foo/logout', slo_enabled: true },
          nameIdentifierProbes: ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'],
        };
        const app = application('AWS Console', { addons: { samlp }, clientMetadata: { team: 'sec' }, allowedLogoutUrls: ['https://x/logout'] });
        expect(await s.idp.applications.create(app)).toEqual(app);
        const read = await s.idp.applications.get(app.clientId);
        expect(read).toEqual(app);
        expect(JSON.stringify(read?.addons.samlp)).toBe(JSON.stringify(samlp));
        const b = await s.idp.applications.create(application('Another', { createDate: at(-5) }));
        expect((await s.idp.applications.list(TENANT)).map((a) => a.name)).toEqual(['Another', 'AWS Console']);
        const updated = await s.idp.applications.update(app.clientId, {
          callbacks: ['https://signin.aws.amazon.com/saml', 'https://other/acs'],
          addons: {},
          updateDate: at(9),
        });
        expect(updated).toEqual({ ...app, callbacks: ['https://signin.aws.amazon.com/saml', 'https://other/acs'], addons: {}, updateDate: at(9) });
        await s.idp.applications.delete(b.clientId);
        expect(await s.idp.applications.get(b.clientId)).toBeUndefined();
        await rejectsWith(s.idp.applications.delete(b.clientId), 'ERR_STORE_NOT_FOUND', { idpEntity: 'application', key: b.clientId });
        await rejectsWith(s.idp.applications.update(b.clientId, { updateDate: T0 }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'application' });
      }));

      it('refuses a taken client id and malformed lists', withStore(async (s) => {
        const app = await s.idp.applications.create(application('A'));
        await rejectsWith(s.idp.applications.create(application('B', { clientId: app.clientId })), 'ERR_STORE_CONFLICT', {
          idpEntity: 'application',
          field: 'clientId',
        });
        await rejectsWith(s.idp.applications.create(application('C', { callbacks: [1 as unknown as string] })), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.idp.applications.create(application('D', { clientMetadata: { n: 1 as unknown as string } })), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.idp.applications.create(application('E', { addons: { samlp: 'x' as unknown as Record<string, never> } })), 'ERR_STORE_INVALID_INPUT');
      }));
    });

    describe('rules', () => {
      it('keeps names and orders unique per tenant, and puts a rule without an order last', withStore(async (s) => {
        const r1 = await s.idp.rules.create(rule('AWS-Session-Tags', { order: 1 }));
        expect(r1.order).toBe(1);
        const r2 = await s.idp.rules.create(rule('second'));
        expect(r2.order).toBe(2);
        const r10 = await s.idp.rules.create(rule('tenth', { order: 10 }));
        expect((await s.idp.rules.create(rule('after-ten'))).order).toBe(11);
        await rejectsWith(s.idp.rules.create(rule('AWS-Session-Tags', { order: 50 })), 'ERR_STORE_CONFLICT', {
          idpEntity: 'rule',
          field: 'name',
          key: 'AWS-Session-Tags',
        });
        await rejectsWith(s.idp.rules.create(rule('dup-order', { order: 10 })), 'ERR_STORE_CONFLICT', { idpEntity: 'rule', field: 'order', key: '10' });
        await rejectsWith(s.idp.rules.create(rule('dup-id', { id: r10.id })), 'ERR_STORE_CONFLICT', { field: 'id' });
        await rejectsWith(s.idp.rules.create(rule('negative', { order: -1 })), 'ERR_STORE_INVALID_INPUT');
        // Another tenant has its own names and orders.
        await s.idp.tenants.create(tenant('other'));
        expect((await s.idp.rules.create(rule('AWS-Session-Tags', { tenantId: 'other' }))).order).toBe(1);
        expect((await s.idp.rules.list(TENANT)).map((r) => r.name)).toEqual(['AWS-Session-Tags', 'second', 'tenth', 'after-ten']);
      }));

      it('lists the enabled rules in order for the pipeline', withStore(async (s) => {
        await s.idp.rules.create(rule('c', { order: 30 }));
        await s.idp.rules.create(rule('a', { order: 10 }));
        await s.idp.rules.create(rule('off', { order: 5, enabled: false }));
        await s.idp.rules.create(rule('b', { order: 20 }));
        expect((await s.idp.rules.listEnabledInOrder(TENANT)).map((r) => r.name)).toEqual(['a', 'b', 'c']);
        expect((await s.idp.rules.list(TENANT)).map((r) => r.name)).toEqual(['off', 'a', 'b', 'c']);
        expect(await s.idp.rules.listEnabledInOrder('other')).toEqual([]);
      }));

      it('updates a rule, refusing a name or order of another rule, and swaps orders inside a transaction', withStore(async (s) => {
        const a = await s.idp.rules.create(rule('a', { order: 1 }));
        const b = await s.idp.rules.create(rule('b', { order: 2 }));
        const u = await s.idp.rules.update(a.id, { script: 'function (u, c, cb) { cb(null, u, c); }', enabled: false, updateDate: at(3) });
        expect(u).toEqual({ ...a, script: 'function (u, c, cb) { cb(null, u, c); }', enabled: false, updateDate: at(3) });
        expect(await s.idp.rules.get(a.id)).toEqual(u);
        await s.idp.rules.update(a.id, { name: 'a', order: 1, updateDate: at(4) });
        await rejectsWith(s.idp.rules.update(a.id, { order: 2, updateDate: at(5) }), 'ERR_STORE_CONFLICT', { field: 'order', key: '2' });
        await rejectsWith(s.idp.rules.update(a.id, { name: 'b', updateDate: at(5) }), 'ERR_STORE_CONFLICT', { field: 'name', key: 'b' });
        await s.transaction(async (tx) => {
          await tx.idp.rules.update(a.id, { order: 1000, updateDate: at(6) });
          await tx.idp.rules.update(b.id, { order: 1, updateDate: at(6) });
          await tx.idp.rules.update(a.id, { order: 2, updateDate: at(6) });
        });
        expect((await s.idp.rules.list(TENANT)).map((r) => `${r.name}:${r.order}`)).toEqual(['b:1', 'a:2']);
        await s.idp.rules.delete(a.id);
        expect(await s.idp.rules.get(a.id)).toBeUndefined();
        await rejectsWith(s.idp.rules.delete(a.id), 'ERR_STORE_NOT_FOUND', { idpEntity: 'rule', key: a.id });
        await rejectsWith(s.idp.rules.update(a.id, { updateDate: T0 }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'rule' });
      }));

      it('gives rules created at once by two nodes without an order distinct orders', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const made = await Promise.all(Array.from({ length: 10 }, (_, k) => (k % 2 === 0 ? s : other).idp.rules.create(rule(`rule-${k}`))));
        expect(made.map((r) => r.order).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }));
    });

    describe('rules configuration', () => {
      it('sets, replaces, lists and deletes sealed values per tenant', withStore(async (s) => {
        expect(await s.idp.rulesConfig.listKeys(TENANT)).toEqual([]);
        expect(await s.idp.rulesConfig.set(TENANT, { key: 'AWS_ACCOUNT', valueSealed: new Uint8Array([1, 2]) })).toEqual({
          key: 'AWS_ACCOUNT',
          valueSealed: new Uint8Array([1, 2]),
        });
        await s.idp.rulesConfig.set(TENANT, { key: 'A_FIRST', valueSealed: new Uint8Array([3]) });
        await s.idp.rulesConfig.set(TENANT, { key: 'AWS_ACCOUNT', valueSealed: new Uint8Array([4, 5, 6]) });
        await s.idp.tenants.create(tenant('other'));
        await s.idp.rulesConfig.set('other', { key: 'AWS_ACCOUNT', valueSealed: new Uint8Array([0]) });
        expect(await s.idp.rulesConfig.listKeys(TENANT)).toEqual(['AWS_ACCOUNT', 'A_FIRST']);
        const all = await s.idp.rulesConfig.getAll(TENANT);
        expect(all).toEqual([
          { key: 'AWS_ACCOUNT', valueSealed: new Uint8Array([4, 5, 6]) },
          { key: 'A_FIRST', valueSealed: new Uint8Array([3]) },
        ]);
        expect(all[0]?.valueSealed).toBeInstanceOf(Uint8Array);
        await s.idp.rulesConfig.delete(TENANT, 'A_FIRST');
        expect(await s.idp.rulesConfig.listKeys(TENANT)).toEqual(['AWS_ACCOUNT']);
        await rejectsWith(s.idp.rulesConfig.delete(TENANT, 'A_FIRST'), 'ERR_STORE_NOT_FOUND', { idpEntity: 'rulesConfig', key: 'A_FIRST' });
        expect(await s.idp.rulesConfig.listKeys('other')).toEqual(['AWS_ACCOUNT']);
        await rejectsWith(s.idp.rulesConfig.set(TENANT, { key: 'K', valueSealed: 'clear' as unknown as Uint8Array }), 'ERR_STORE_INVALID_INPUT');
      }));
    });

    describe('actions', () => {
      it('creates Actions with sealed secrets, bound or not, and lists the bound ones in order', withStore(async (s) => {
        const secrets = [
          { name: 'AWS_ACCOUNT', valueSealed: new Uint8Array([1, 2, 3]) },
          { name: 'OTHER', valueSealed: new Uint8Array([]) },
        ];
        const tags = await s.idp.actions.create(action('aws-session-tags', { secrets, bound: true }));
        expect(tags).toMatchObject({ name: 'aws-session-tags', bound: true, order: 1, runtime: 'node18' });
        expect(tags.secrets).toEqual(secrets);
        expect(tags.secrets[0]?.valueSealed).toBeInstanceOf(Uint8Array);
        const draft = await s.idp.actions.create(action('draft', { runtime: 'node22' }));
        expect(draft.bound).toBe(false);
        expect(draft).not.toHaveProperty('order');
        const second = await s.idp.actions.create(action('second', { bound: true }));
        expect(second.order).toBe(2);
        const first = await s.idp.actions.create(action('zeroth', { bound: true, order: 5 }));
        expect(first.order).toBe(5);
        expect(await s.idp.actions.get(tags.id)).toEqual(tags);
        expect((await s.idp.actions.listBoundInOrder(TENANT)).map((a) => a.name)).toEqual(['aws-session-tags', 'second', 'zeroth']);
        expect((await s.idp.actions.list(TENANT)).map((a) => a.name)).toEqual(['aws-session-tags', 'second', 'zeroth', 'draft']);
      }));

      it('refuses a taken name or id, a taken bound order, and malformed input', withStore(async (s) => {
        const a = await s.idp.actions.create(action('a', { bound: true, order: 1 }));
        await rejectsWith(s.idp.actions.create(action('a')), 'ERR_STORE_CONFLICT', { idpEntity: 'action', field: 'name', key: 'a' });
        await rejectsWith(s.idp.actions.create(action('b', { id: a.id })), 'ERR_STORE_CONFLICT', { field: 'id' });
        await rejectsWith(s.idp.actions.create(action('c', { bound: true, order: 1 })), 'ERR_STORE_CONFLICT', { field: 'order', key: '1' });
        await rejectsWith(s.idp.actions.create(action('d', { order: 3 })), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.idp.actions.create(action('e', { runtime: 'node12' as 'node18' })), 'ERR_STORE_INVALID_INPUT');
        const dup = [
          { name: 'S', valueSealed: new Uint8Array([1]) },
          { name: 'S', valueSealed: new Uint8Array([2]) },
        ];
        await rejectsWith(s.idp.actions.create(action('f', { secrets: dup })), 'ERR_STORE_INVALID_INPUT');
      }));

      it('updates code, runtime and secrets, refusing another Action\'s name', withStore(async (s) => {
        const a = await s.idp.actions.create(action('a', { bound: true }));
        await s.idp.actions.create(action('b'));
        const u = await s.idp.actions.update(a.id, {
          code: 'exports.onExecutePostLogin = async () => {};',
          runtime: 'node22',
          secrets: [{ name: 'K', valueSealed: new Uint8Array([7]) }],
          updateDate: at(1),
        });
        expect(u).toEqual({
          ...a,
          code: 'exports.onExecutePostLogin = async () => {};',
          runtime: 'node22',
          secrets: [{ name: 'K', valueSealed: new Uint8Array([7]) }],
          updateDate: at(1),
        });
        await rejectsWith(s.idp.actions.update(a.id, { name: 'b', updateDate: at(2) }), 'ERR_STORE_CONFLICT', { field: 'name' });
        expect((await s.idp.actions.update(a.id, { name: 'renamed', updateDate: at(2) })).name).toBe('renamed');
        await rejectsWith(s.idp.actions.update('nope', { updateDate: at(2) }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'action', key: 'nope' });
      }));

      it('replaces the post-login bindings atomically, and deletes Actions', withStore(async (s) => {
        const a = await s.idp.actions.create(action('a', { bound: true }));
        const b = await s.idp.actions.create(action('b', { bound: true }));
        const c = await s.idp.actions.create(action('c'));
        const bound = await s.idp.actions.setBindings(TENANT, [c.id, a.id], at(1));
        expect(bound.map((x) => `${x.name}:${String(x.order)}`)).toEqual(['c:1', 'a:2']);
        expect((await s.idp.actions.get(b.id))?.bound).toBe(false);
        expect(await s.idp.actions.get(b.id)).not.toHaveProperty('order');
        await s.idp.tenants.create(tenant('other'));
        const foreign = await s.idp.actions.create(action('foreign', { tenantId: 'other' }));
        await rejectsWith(s.idp.actions.setBindings(TENANT, [b.id, foreign.id], at(2)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'action', key: foreign.id });
        await rejectsWith(s.idp.actions.setBindings(TENANT, [a.id, a.id], at(2)), 'ERR_STORE_INVALID_INPUT');
        // A refused change changed nothing.
        expect((await s.idp.actions.listBoundInOrder(TENANT)).map((x) => x.name)).toEqual(['c', 'a']);
        expect(await s.idp.actions.setBindings(TENANT, [], at(3))).toEqual([]);
        expect(await s.idp.actions.listBoundInOrder(TENANT)).toEqual([]);
        await s.idp.actions.delete(a.id);
        expect(await s.idp.actions.get(a.id)).toBeUndefined();
        await rejectsWith(s.idp.actions.delete(a.id), 'ERR_STORE_NOT_FOUND', { idpEntity: 'action' });
      }));
    });

    describe('SSO sessions', () => {
      it('creates a session keyed by its hash and reads it until it expires, absolutely or idly', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        const sess = session('hash-1', u.userId, { clients: ['C1'] });
        expect(await s.idp.idpSessions.create(sess)).toEqual(sess);
        expect(await s.idp.idpSessions.get('hash-1', at(60))).toEqual(sess);
        expect(await s.idp.idpSessions.get('hash-1', at(30 * 60))).toBeUndefined();
        expect(await s.idp.idpSessions.get('unknown', T0)).toBeUndefined();
        await s.idp.idpSessions.create(session('hash-2', u.userId, { idleExpiresAt: at(24 * 3600) }));
        expect(await s.idp.idpSessions.get('hash-2', at(12 * 3600 - 1))).toBeDefined();
        expect(await s.idp.idpSessions.get('hash-2', at(12 * 3600))).toBeUndefined();
        await rejectsWith(s.idp.idpSessions.create(session('hash-1', u.userId)), 'ERR_STORE_CONFLICT', { idpEntity: 'idpSession', field: 'sessionIdHash' });
      }));

      it('refuses a session for an unknown user or a user of another tenant', withStore(async (s) => {
        await rejectsWith(s.idp.idpSessions.create(session('h', 'auth0|nobody')), 'ERR_STORE_NOT_FOUND', { idpEntity: 'idpUser' });
        await s.idp.tenants.create(tenant('other'));
        const foreign = await s.idp.idpUsers.create(idpUser('x@example.com', { tenantId: 'other' }));
        await rejectsWith(s.idp.idpSessions.create(session('h', foreign.userId)), 'ERR_STORE_NOT_FOUND', { idpEntity: 'idpUser' });
      }));

      it('touches a live session, adding each client once, and never revives an expired one', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        await s.idp.idpSessions.create(session('h', u.userId, { clients: ['C1'] }));
        const t1 = await s.idp.idpSessions.touch('h', { lastSeen: at(600), idleExpiresAt: at(600 + 1800), addClient: 'C2' });
        expect(t1).toMatchObject({ lastSeen: at(600), idleExpiresAt: at(2400), clients: ['C1', 'C2'] });
        const t2 = await s.idp.idpSessions.touch('h', { lastSeen: at(700), idleExpiresAt: at(2500), addClient: 'C1' });
        expect(t2.clients).toEqual(['C1', 'C2']);
        // A late touch from a node behind the others moves nothing backwards.
        const late = await s.idp.idpSessions.touch('h', { lastSeen: at(650), idleExpiresAt: at(2450) });
        expect(late).toMatchObject({ lastSeen: at(700), idleExpiresAt: at(2500) });
        expect(await s.idp.idpSessions.get('h', at(2499))).toBeDefined();
        await rejectsWith(s.idp.idpSessions.touch('h', { lastSeen: at(2500), idleExpiresAt: at(9999) }), 'ERR_STORE_NOT_FOUND', { idpEntity: 'idpSession' });
        expect(await s.idp.idpSessions.get('h', at(2500))).toBeUndefined();
        await rejectsWith(s.idp.idpSessions.touch('nope', { lastSeen: T0, idleExpiresAt: at(1) }), 'ERR_STORE_NOT_FOUND');
      }));

      it('keeps every client two nodes add to one session at once', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        await s.idp.idpSessions.create(session('h', u.userId));
        await Promise.all(
          Array.from({ length: 10 }, (_, k) => (k % 2 === 0 ? s : other).idp.idpSessions.touch('h', { lastSeen: at(k), idleExpiresAt: at(1800 + k), addClient: `C${k}` })),
        );
        expect((await s.idp.idpSessions.get('h', at(10)))?.clients.slice().sort()).toEqual(Array.from({ length: 10 }, (_, k) => `C${k}`).sort());
      }));

      it('deletes one session, every session of a user, and the expired ones', withStore(async (s) => {
        const jane = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        const bob = await s.idp.idpUsers.create(idpUser('bob@example.com'));
        await s.idp.idpSessions.create(session('j1', jane.userId));
        await s.idp.idpSessions.create(session('j2', jane.userId));
        await s.idp.idpSessions.create(session('b1', bob.userId, { idleExpiresAt: at(100) }));
        await s.idp.idpSessions.create(session('b2', bob.userId, { expiresAt: at(50), idleExpiresAt: at(50) }));
        await s.idp.idpSessions.create(session('b3', bob.userId));
        expect(await s.idp.idpSessions.delete('b3')).toBe(true);
        expect(await s.idp.idpSessions.delete('b3')).toBe(false);
        expect(await s.idp.idpSessions.deleteByUser(jane.userId)).toBe(2);
        expect(await s.idp.idpSessions.get('j1', T0)).toBeUndefined();
        expect(await s.idp.idpSessions.sweep(at(50))).toBe(1);
        expect(await s.idp.idpSessions.get('b1', at(99))).toBeDefined();
        expect(await s.idp.idpSessions.sweep(at(100))).toBe(1);
        expect(await s.idp.idpSessions.sweep(at(100))).toBe(0);
      }));
    });

    describe('login throttles', () => {
      it('counts hits in fixed windows and opens a new window at the end of the last', withStore(async (s) => {
        const k = 'user:tessera:jane@example.com';
        expect(await s.idp.loginThrottle.hit(k, T0, 60)).toEqual({ count: 1, windowStart: T0, windowEnd: at(60) });
        expect(await s.idp.loginThrottle.hit(k, at(10), 60)).toEqual({ count: 2, windowStart: T0, windowEnd: at(60) });
        expect(await s.idp.loginThrottle.hit(k, at(59.999), 60)).toMatchObject({ count: 3 });
        expect(await s.idp.loginThrottle.hit(k, at(60), 60)).toEqual({ count: 1, windowStart: at(60), windowEnd: at(120) });
        expect(await s.idp.loginThrottle.hit('ip:203.0.113.7', at(61), 60)).toMatchObject({ count: 1 });
        await s.idp.loginThrottle.reset(k);
        await s.idp.loginThrottle.reset('never-seen');
        expect(await s.idp.loginThrottle.hit(k, at(70), 60)).toEqual({ count: 1, windowStart: at(70), windowEnd: at(130) });
        expect(await s.idp.loginThrottle.sweep(at(121))).toBe(1);
        expect(await s.idp.loginThrottle.sweep(at(130))).toBe(1);
        await rejectsWith(s.idp.loginThrottle.hit(k, T0, 0), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.idp.loginThrottle.hit('', T0, 60), 'ERR_STORE_INVALID_INPUT');
      }));

      it('counts every hit exactly when two nodes hit one key at once', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const results = await Promise.all(Array.from({ length: 100 }, (_, k) => (k % 2 === 0 ? s : other).idp.loginThrottle.hit('ip:198.51.100.1', at(k / 100), 300)));
        expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
      }));
    });

    describe('tenant log', () => {
      it('appends entries and lists them newest first, ties in reverse order of appending', withStore(async (s) => {
        const a = await s.idp.tenantLogs.append(logEntry(at(1), { type: 'fp', description: 'Wrong email or password.', userName: 'jane@example.com', ip: '203.0.113.7' }));
        expect(a).toEqual(logEntry(at(1), { id: a.id, type: 'fp', description: 'Wrong email or password.', userName: 'jane@example.com', ip: '203.0.113.7' }));
        expect(a).not.toHaveProperty('clientId');
        const b = await s.idp.tenantLogs.append(
          logEntry(at(3), { clientId: 'C1', clientName: 'AWS', userId: 'auth0|1', details: { prompts: [{ name: 'login' }] } }),
        );
        const c = await s.idp.tenantLogs.append(logEntry(at(2), { type: 'limit_wc' }));
        const d = await s.idp.tenantLogs.append(logEntry(at(3), { type: 'slo' }));
        expect((await s.idp.tenantLogs.list(TENANT)).items.map((e) => e.id)).toEqual([d.id, b.id, c.id, a.id]);
        expect((await s.idp.tenantLogs.list(TENANT)).items[1]).toEqual(b);
        const pages = await drain((t) => s.idp.tenantLogs.list(TENANT, { maxItems: 1, ...tok(t) }), 1);
        expect(pages.flat().map((e) => e.id)).toEqual([d.id, b.id, c.id, a.id]);
        await rejectsWith(s.idp.tenantLogs.append(logEntry(at(4), { id: a.id })), 'ERR_STORE_CONFLICT', { idpEntity: 'tenantLog', field: 'id' });
        await rejectsWith(s.idp.tenantLogs.append(logEntry(at(4), { type: 'nonsense' as 's' })), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.idp.tenantLogs.list(TENANT, { nextToken: 'garbage' }), 'ERR_STORE_INVALID_TOKEN');
        expect((await s.idp.tenantLogs.list('other')).items).toEqual([]);
      }));

      it('prunes each tenant to its newest entries', withStore(async (s) => {
        await s.idp.tenants.create(tenant('other'));
        const ids: string[] = [];
        for (let k = 0; k < 10; k++) ids.push((await s.idp.tenantLogs.append(logEntry(at(k % 4)))).id);
        await s.idp.tenantLogs.append(logEntry(T0, { tenantId: 'other' }));
        const before = (await s.idp.tenantLogs.list(TENANT)).items.map((e) => e.id);
        expect(await s.idp.tenantLogs.prune(TENANT, 4)).toBe(6);
        expect((await s.idp.tenantLogs.list(TENANT)).items.map((e) => e.id)).toEqual(before.slice(0, 4));
        expect(await s.idp.tenantLogs.prune(TENANT, 4)).toBe(0);
        expect(await s.idp.tenantLogs.prune(TENANT, 100)).toBe(0);
        expect(await s.idp.tenantLogs.prune(TENANT, 0)).toBe(4);
        expect((await s.idp.tenantLogs.list('other')).items).toHaveLength(1);
        await rejectsWith(s.idp.tenantLogs.prune(TENANT, -1), 'ERR_STORE_INVALID_INPUT');
      }));
    });

    describe('SAML assertion replay', () => {
      it('is a ReplayGuard: claims an assertion once until it expires', withStore(async (s) => {
        const guard: ReplayGuard = s.idp.samlReplay;
        expect(await guard.claim('urn:idp', '_a1', 2_000, 1_000)).toBe(true);
        expect(await guard.claim('urn:idp', '_a1', 2_000, 1_500)).toBe(false);
        expect(await guard.claim('urn:other', '_a1', 2_000, 1_500)).toBe(true);
        expect(await guard.claim('urn:idp', '_a1', 4_000, 2_000)).toBe(true);
        expect(await guard.claim('urn:idp', '_a1', 4_000, 3_999)).toBe(false);
        expect(await guard.claim('a:b', 'c', 9_000, 0)).toBe(true);
        expect(await guard.claim('a', 'b:c', 9_000, 0)).toBe(true);
        // Already expired: nothing to protect, refused.
        expect(await guard.claim('urn:idp', '_late', 1_000, 1_000)).toBe(false);
      }));

      it('lets exactly one of many concurrent claims from two nodes win', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const results = await Promise.all(Array.from({ length: 50 }, (_, k) => (k % 2 === 0 ? s : other).idp.samlReplay.claim('urn:idp', '_race', 10_000, 1_000 + k)));
        expect(results.filter(Boolean)).toHaveLength(1);
      }));

      it('sweeps expired claims', withStore(async (s) => {
        await s.idp.samlReplay.claim('urn:idp', '_1', 1_000, 0);
        await s.idp.samlReplay.claim('urn:idp', '_2', 2_000, 0);
        expect(await s.idp.samlReplay.sweep(new Date(1_000))).toBe(1);
        expect(await s.idp.samlReplay.claim('urn:idp', '_2', 3_000, 1_500)).toBe(false);
        expect(await s.idp.samlReplay.sweep(new Date(5_000))).toBe(1);
      }));
    });

    describe('transactions and durability', () => {
      it('commits IdP writes of a transaction together, visible to every node', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const app = application('AWS');
        await s.transaction(async (tx) => {
          await tx.idp.signingKeys.create(signingKey('k1', 'current'));
          await tx.idp.applications.create(app);
          await tx.idp.rules.create(rule('r'));
          await tx.idp.rulesConfig.set(TENANT, { key: 'K', valueSealed: new Uint8Array([1]) });
        });
        expect((await other.idp.signingKeys.getCurrent(TENANT))?.kid).toBe('k1');
        expect(await other.idp.applications.get(app.clientId)).toEqual(app);
        expect(await other.idp.rules.listEnabledInOrder(TENANT)).toHaveLength(1);
      }));

      it('rolls back every IdP write when the function rejects', withStore(async (s) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        const boom = new Error('boom');
        await expect(
          s.transaction(async (tx) => {
            await tx.idp.idpUsers.recordLogin(u.userId, { at: at(1), ip: '203.0.113.7' });
            await tx.idp.idpUsers.mergeMetadata(u.userId, { appMetadata: { x: 1 }, updateDate: at(1) });
            await tx.idp.idpSessions.create(session('h', u.userId));
            await tx.idp.loginThrottle.hit('k', T0, 60);
            await tx.idp.tenantLogs.append(logEntry(T0));
            expect(await tx.idp.samlReplay.claim('urn:idp', '_tx', 9_000, 0)).toBe(true);
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await s.idp.idpUsers.get(u.userId)).toEqual(u);
        expect(await s.idp.idpSessions.get('h', T0)).toBeUndefined();
        expect((await s.idp.loginThrottle.hit('k', T0, 60)).count).toBe(1);
        expect((await s.idp.tenantLogs.list(TENANT)).items).toEqual([]);
        expect(await s.idp.samlReplay.claim('urn:idp', '_tx', 9_000, 0)).toBe(true);
      }));

      it('rolls back when a store error escapes, and keeps going when one is caught', withStore(async (s) => {
        await s.idp.rules.create(rule('taken', { order: 1 }));
        await rejectsWith(
          s.transaction(async (tx) => {
            await tx.idp.rules.create(rule('new', { order: 2 }));
            await tx.idp.rules.create(rule('other', { order: 1 }));
          }),
          'ERR_STORE_CONFLICT',
          { field: 'order' },
        );
        expect((await s.idp.rules.list(TENANT)).map((r) => r.name)).toEqual(['taken']);
        await s.transaction(async (tx) => {
          await tx.idp.rules.create(rule('new', { order: 2 }));
          await expect(tx.idp.rules.create(rule('taken'))).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' });
        });
        expect((await s.idp.rules.list(TENANT)).map((r) => r.name)).toEqual(['taken', 'new']);
      }));

      it('refuses the store itself inside its own transaction, and the tx after it ended', withStore(async (s) => {
        let leaked: Parameters<Parameters<Store['transaction']>[0]>[0] | undefined;
        await rejectsWith(
          s.transaction(async (tx) => {
            leaked = tx;
            await s.idp.tenants.get(TENANT);
          }),
          'ERR_STORE_TX_DEADLOCK',
        );
        await rejectsWith((leaked as NonNullable<typeof leaked>).idp.tenants.get(TENANT), 'ERR_STORE_TX_CLOSED');
      }));

      it('keeps every acknowledged IdP write across a close and a reopen', withStore(async (s, fx) => {
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com', { appMetadata: { costCenter: 'marketing' } }));
        await s.idp.idpUsers.recordLogin(u.userId, { at: at(1), ip: '203.0.113.7' });
        await s.idp.signingKeys.create(signingKey('k1', 'current', { privateKeySealed: new Uint8Array([42, 0, 255]) }));
        await s.idp.actions.create(action('a', { bound: true, secrets: [{ name: 'S', valueSealed: new Uint8Array([5]) }] }));
        await s.idp.idpSessions.create(session('h', u.userId, { clients: ['C1'] }));
        await s.idp.loginThrottle.hit('ip:1', T0, 60);
        await s.idp.tenantLogs.append(logEntry(T0));
        await s.idp.samlReplay.claim('urn:idp', '_kept', 9_000, 0);
        await s.close();
        const b = await fx.openAnother();
        expect(await b.idp.tenants.get(TENANT)).toEqual(tenant());
        expect(await b.idp.idpUsers.get(u.userId)).toMatchObject({ loginsCount: 1, lastIp: '203.0.113.7', appMetadata: { costCenter: 'marketing' } });
        expect([...((await b.idp.signingKeys.getCurrent(TENANT))?.privateKeySealed ?? [])]).toEqual([42, 0, 255]);
        expect((await b.idp.actions.listBoundInOrder(TENANT))[0]?.secrets).toEqual([{ name: 'S', valueSealed: new Uint8Array([5]) }]);
        expect((await b.idp.idpSessions.get('h', T0))?.clients).toEqual(['C1']);
        expect((await b.idp.loginThrottle.hit('ip:1', at(1), 60)).count).toBe(2);
        expect((await b.idp.tenantLogs.list(TENANT)).items).toHaveLength(1);
        expect(await b.idp.samlReplay.claim('urn:idp', '_kept', 9_000, 1)).toBe(false);
      }));
    });
  });
}
