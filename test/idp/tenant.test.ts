// The tenant and its keys (issue #5): created once for the server's host, its signing key generated
// once and sealed at rest, reused on every start and by every node, the issuer following the host;
// Auth0's rollover (a `next` key published in metadata, rotate, revoke) end to end through the
// endpoints; and the admin API refusing what Auth0's Management API refuses, with secrets sealed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdp, isIdpError } from '../../src/idp/index.js';
import { ManualClock } from '../../src/kernel/index.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import { verifySamlResponse } from '../../src/saml/verify.js';
import { Sealer } from '../../src/services/sealer.js';
import { openSqliteStore } from '../../src/store/index.js';
import { Browser, JANE_EMAIL, JANE_PASSWORD, postedForm, seedWorld, startHarness, type Harness } from './support.js';

describe('tenant bootstrap', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-idp-tenant-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates the tenant and its key once; a restart (on another port) reuses the key, the issuer follows the host', async () => {
    const first = await startHarness({ dataDir });
    const pem1 = (await new Browser(first.url).get('/pem')).body;
    const issuer1 = first.idp.issuer;
    expect(issuer1).toBe(`urn:${new URL(first.url).host}`);
    const keys = await first.idp.store.idp.signingKeys.list(first.idp.tenant.tenantId);
    expect(keys).toHaveLength(1);
    // Sealed at rest: no PEM in the stored bytes.
    expect(Buffer.from(keys[0]?.privateKeySealed as Uint8Array).toString('latin1')).not.toContain('PRIVATE KEY');
    await first.close();

    const second = await startHarness({ dataDir });
    expect((await new Browser(second.url).get('/pem')).body).toBe(pem1);
    expect(second.idp.tenant.tenantId).toBe('default');
    expect(second.idp.issuer).toBe(`urn:${new URL(second.url).host}`);
    expect(await second.idp.store.idp.tenants.list()).toHaveLength(1);
    expect(await second.idp.store.idp.signingKeys.list(second.idp.tenant.tenantId)).toHaveLength(1);
    await second.close();
  }, 120_000);

  it('several nodes starting together on one store converge on one tenant and one key', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    const sealer = new Sealer(randomBytes(32));
    const sandbox = createSandbox();
    const clock = new ManualClock(new Date());
    try {
      const nodes = await Promise.all([1, 2, 3].map(() => createIdp({ store, sealer, sandbox, clock, publicUrl: 'https://login.example.com' })));
      const kids = await Promise.all(nodes.map(async (n) => (await n.keys.current()).kid));
      expect(new Set(kids).size).toBe(1);
      expect(new Set(nodes.map((n) => n.tenant.tenantId)).size).toBe(1);
      expect(nodes[0]?.issuer).toBe('urn:login.example.com');
      expect(nodes[0]?.secure).toBe(true);
    } finally {
      await sandbox.close();
      await store.close();
    }
  });

  it('refuses to sign with a key sealed under another master key', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    const sandbox = createSandbox();
    const clock = new ManualClock(new Date());
    try {
      await createIdp({ store, sealer: new Sealer(randomBytes(32)), sandbox, clock, publicUrl: 'http://127.0.0.1:4750' });
      const error = await createIdp({ store, sealer: new Sealer(randomBytes(32)), sandbox, clock, publicUrl: 'http://127.0.0.1:4750' }).catch((e: unknown) => e);
      expect(isIdpError(error, 'ERR_IDP_SEALED_VALUE')).toBe(true);
    } finally {
      await sandbox.close();
      await store.close();
    }
  });
});

describe('signing key rollover', () => {
  let h: Harness;
  let clientId: string;
  beforeAll(async () => {
    h = await startHarness();
    clientId = (await seedWorld(h.idp)).app.clientId;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const metadata = async () => parseIdpMetadata((await new Browser(h.url).get(`/samlp/metadata/${clientId}`)).body);
  const issue = async () => postedForm((await new Browser(h.url).login(`/samlp/${clientId}`, JANE_EMAIL, JANE_PASSWORD)).body).SAMLResponse as string;
  const verifiesWith = (response: string, certificates: readonly string[]) => {
    try {
      verifySamlResponse(response, { idp: { entityId: h.idp.issuer, certificates }, now: h.clock.now().getTime() });
      return true;
    } catch {
      return false;
    }
  };

  it('publishes the next key beside the current one, switches the signer at rotate, drops the old one at revoke', async () => {
    const current = await h.idp.keys.current();
    const next = await h.idp.keys.prepareRollover();
    const during = await metadata();
    expect(during.signingCertificates).toHaveLength(2);
    const before = await issue();
    expect(verifiesWith(before, [current.certificatePem])).toBe(true);
    // An SP that registered the rollover metadata accepts the old signer and, later, the new one.
    expect(verifiesWith(before, during.signingCertificates)).toBe(true);

    const rotated = await h.idp.keys.rotate();
    expect(rotated.kid).toBe(next.kid);
    expect((await new Browser(h.url).get('/pem')).body).toBe((await h.idp.keys.current()).certificatePem);
    const after = await issue();
    expect(verifiesWith(after, [current.certificatePem])).toBe(false);
    expect(verifiesWith(after, during.signingCertificates)).toBe(true);
    expect((await metadata()).signingCertificates).toHaveLength(2); // current + previous

    await h.idp.keys.revoke(current.kid);
    expect((await metadata()).signingCertificates).toHaveLength(1);
    const e = await h.idp.keys.revoke(next.kid).catch((x: unknown) => x);
    expect(isIdpError(e, 'ERR_IDP_KEY_STATE')).toBe(true);
  });
});

describe('the admin API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const code = async (p: Promise<unknown>) => ((await p.then(() => undefined, (e: unknown) => e)) as { code?: string; issues?: unknown } | undefined);

  it('creates users as Auth0 does (auth0| id, name = email, nickname, picture) and refuses a second account for an email', async () => {
    const user = await h.idp.admin.createUser({ email: 'Kim@Example.com', password: 'a long password 1' });
    expect(user.userId).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(user).toMatchObject({ name: 'Kim@Example.com', nickname: 'Kim', emailVerified: false, connection: 'Username-Password-Authentication' });
    expect(user.picture).toMatch(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?/);
    expect(user.passwordHash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect((await code(h.idp.admin.createUser({ email: 'kim@example.com', password: 'another password' })))?.code).toBe('ERR_IDP_CONFLICT');
    expect((await code(h.idp.admin.createUser({ email: 'not-an-email', password: 'x' })))?.code).toBe('ERR_IDP_INVALID_INPUT');
    expect((await code(h.idp.admin.createUser({ email: 'meta@example.com', password: 'a long password', appMetadata: { 'a.b': 1 } })))?.code).toBe('ERR_IDP_INVALID_INPUT');
  });

  it('validates applications: http(s) callbacks only, add-on settings as Auth0 types them', async () => {
    const bad = await code(h.idp.admin.createApplication({ name: 'x', callbacks: ['javascript:alert(1)'], addons: { samlp: {} } }));
    expect(bad).toMatchObject({ code: 'ERR_IDP_INVALID_INPUT', issues: [{ path: 'callbacks[0]' }] });
    const settings = await code(h.idp.admin.createApplication({ name: 'x', callbacks: ['https://a.example/acs'], addons: { samlp: { lifetimeInSeconds: 'long' } } }));
    expect(settings).toMatchObject({ code: 'ERR_IDP_INVALID_INPUT', issues: [{ path: 'addons.samlp.lifetimeInSeconds' }] });
    const noCallback = await code(h.idp.admin.createApplication({ name: 'x', callbacks: [], addons: { samlp: {} } }));
    expect(noCallback).toMatchObject({ code: 'ERR_IDP_INVALID_INPUT', issues: [{ path: 'callbacks' }] });
    const app = await h.idp.admin.createApplication({ name: 'Fixed', clientId: 'FixedClientId', callbacks: ['https://a.example/acs'], addons: { samlp: '// the dashboard text\n{ "audience": "urn:a" }' } });
    expect(app.addons.samlp).toEqual({ audience: 'urn:a' });
  });

  it('validates rules as the Management API does and keeps order unique', async () => {
    expect((await code(h.idp.admin.createRule({ name: '-bad name', script: 'function (u, c, cb) { cb(null, u, c); }' })))?.code).toBe('ERR_IDP_INVALID_INPUT');
    await h.idp.admin.createRule({ name: 'one', order: 1, script: 'function (u, c, cb) { cb(null, u, c); }' });
    expect((await code(h.idp.admin.createRule({ name: 'two', order: 1, script: 'function (u, c, cb) { cb(null, u, c); }' })))?.code).toBe('ERR_IDP_CONFLICT');
    const last = await h.idp.admin.createRule({ name: 'last', script: 'function (u, c, cb) { cb(null, u, c); }' });
    expect(last.order).toBe(2);
  });

  it('seals rules-configuration values and Action secrets at rest', async () => {
    await h.idp.admin.setRulesConfig('API_KEY', 'plain-text-secret-value');
    const stored = await h.idp.store.idp.rulesConfig.getAll(h.idp.tenant.tenantId);
    expect(Buffer.from(stored[0]?.valueSealed as Uint8Array).toString('latin1')).not.toContain('plain-text-secret-value');
    expect(await h.idp.admin.listRulesConfigKeys()).toEqual(['API_KEY']);
    const action = await h.idp.admin.createAction({ name: 'with-secret', code: 'exports.onExecutePostLogin = async () => {};', secrets: [{ name: 'TOKEN', value: 'action-secret-value' }] });
    expect(action.bound).toBe(true);
    expect(Buffer.from(action.secrets[0]?.valueSealed as Uint8Array).toString('latin1')).not.toContain('action-secret-value');
    expect((await code(h.idp.admin.createAction({ name: 'dup', code: 'x', secrets: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] })))?.code).toBe('ERR_IDP_INVALID_INPUT');
  });
});
