// The store contract: the behaviour every adapter of src/store/port.ts must show, written once and
// run against each adapter (test/store/sqlite.test.ts today, the PostgreSQL adapter of issue #8
// later). It speaks only the port: codes, entities and observable results, never SQL or files.

import { describe, expect, it } from 'vitest';
import {
  INSTANCE_STATE_CODES,
  type Instance,
  type InstanceQuery,
  type InstanceStateName,
  type NewInstance,
  type NewManagedPolicy,
  type Page,
  type Role,
  type SamlProvider,
  type Store,
  type StoreErrorCode,
  type Tag,
  type User,
  type ValueMatch,
} from '../../src/store/index.js';

export interface StoreFixture {
  /** A fresh, empty, migrated store. */
  readonly store: Store;
  /** Another handle on the same database: what a second Tessera node would hold. */
  openAnother(): Promise<Store>;
  /** Closes every handle and removes the database. */
  dispose(): Promise<void>;
}

export interface StoreHarness {
  readonly name: string;
  create(): Promise<StoreFixture>;
}

const ACCOUNT = '013823792818';
const T0 = new Date('2024-01-02T03:04:05.678Z');

export function role(name: string, over: Partial<Role> = {}): Role {
  return {
    roleId: `AROA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`,
    roleName: name,
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    maxSessionDuration: 3600,
    createDate: T0,
    tags: [],
    ...over,
  };
}

export function user(name: string, over: Partial<User> = {}): User {
  return {
    userId: `AIDA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`,
    userName: name,
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    createDate: T0,
    tags: [],
    ...over,
  };
}

export function policy(name: string, over: Partial<NewManagedPolicy> = {}): NewManagedPolicy {
  return {
    policyId: `ANPA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`,
    policyName: name,
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
    policyDocument: `{"Version":"2012-10-17","Statement":[{"Sid":"${name}","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`,
    createDate: T0,
    tags: [],
    ...over,
  };
}

export function samlProvider(name: string, over: Partial<SamlProvider> = {}): SamlProvider {
  return {
    arn: `arn:aws:iam::${ACCOUNT}:saml-provider/${name}`,
    name,
    samlMetadataDocument: `<EntityDescriptor entityID="urn:${name}"/>`,
    createDate: T0,
    tags: [],
    ...over,
  };
}

let instanceCounter = 0;
export function instance(tags: readonly Tag[] = [], over: Partial<NewInstance> = {}): NewInstance {
  const n = ++instanceCounter;
  return {
    instanceId: `i-${n.toString(16).padStart(17, '0')}`,
    reservationId: 'r-0123456789abcdef0',
    amiLaunchIndex: 0,
    imageId: 'ami-0abcdef1234567890',
    instanceType: 't3.micro',
    state: 'running',
    stateTransitionReason: '',
    launchTime: T0,
    availabilityZone: 'us-east-1a',
    privateIpAddress: `10.0.${(n >> 8) & 255}.${n & 255}`,
    privateDnsName: `ip-10-0-${(n >> 8) & 255}-${n & 255}.ec2.internal`,
    tags,
    ...over,
  };
}

function tag(key: string, value: string): Tag {
  return { key, value };
}

async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode, more: Record<string, unknown> = {}): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'StoreError', code, ...more });
}

/** Every item of a paged list, following tokens; checks each page's size. */
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

function ids(items: readonly Instance[]): string[] {
  return items.map((i) => i.instanceId);
}

export function storeContract(harness: StoreHarness): void {
  /** Runs `body` against a fresh store and disposes of it whatever happens. */
  function withStore(body: (store: Store, fx: StoreFixture) => Promise<void>): () => Promise<void> {
    return async () => {
      const fx = await harness.create();
      try {
        await body(fx.store, fx);
      } finally {
        await fx.dispose();
      }
    };
  }

  describe(`store contract: ${harness.name}`, () => {
    describe('account settings', () => {
      it('is empty on a fresh store', withStore(async (s) => {
        expect(await s.account.get()).toBeUndefined();
      }));

      it('keeps the first initialization when several nodes initialize at once', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const a = { accountId: ACCOUNT, adminAccessKeyId: 'AKIAAAAAAAAAAAAAAAAA', adminSecretSealed: new Uint8Array([1, 2, 3]), updateDate: T0 };
        const b = { ...a, adminAccessKeyId: 'AKIABBBBBBBBBBBBBBBB', adminSecretSealed: new Uint8Array([9]) };
        const [ra, rb] = await Promise.all([s.account.initialize(a), other.account.initialize(b)]);
        expect(rb).toEqual(ra);
        const stored = await s.account.get();
        expect(stored).toEqual(ra);
        expect(stored?.adminSecretSealed).toBeInstanceOf(Uint8Array);
        expect([...(stored?.adminSecretSealed ?? [])]).toEqual(ra.adminAccessKeyId === a.adminAccessKeyId ? [1, 2, 3] : [9]);
      }));

      it('replaces the settings with put', withStore(async (s) => {
        await s.account.initialize({ accountId: ACCOUNT, adminAccessKeyId: 'AKIAAAAAAAAAAAAAAAAA', adminSecretSealed: new Uint8Array([1]), updateDate: T0 });
        const later = new Date(T0.getTime() + 1000);
        await s.account.put({ accountId: ACCOUNT, adminAccessKeyId: 'AKIACCCCCCCCCCCCCCCC', adminSecretSealed: new Uint8Array([7, 7]), updateDate: later });
        expect(await s.account.get()).toEqual({
          accountId: ACCOUNT,
          adminAccessKeyId: 'AKIACCCCCCCCCCCCCCCC',
          adminSecretSealed: new Uint8Array([7, 7]),
          updateDate: later,
        });
      }));
    });

    describe('SAML providers', () => {
      it('creates, reads, lists, updates and deletes a provider', withStore(async (s) => {
        const validUntil = new Date('2124-01-01T00:00:00.000Z');
        const p = samlProvider('Auth0', { validUntil, tags: [tag('Team', 'sec')] });
        expect(await s.samlProviders.create(p)).toEqual(p);
        expect(await s.samlProviders.get(p.arn)).toEqual(p);
        await s.samlProviders.create(samlProvider('Another'));
        expect((await s.samlProviders.list()).map((x) => x.name)).toEqual(['Another', 'Auth0']);
        const updated = await s.samlProviders.update(p.arn, { samlMetadataDocument: '<EntityDescriptor entityID="urn:new"/>' });
        expect(updated).toEqual({ ...p, samlMetadataDocument: '<EntityDescriptor entityID="urn:new"/>' });
        expect(await s.samlProviders.update(p.arn, { validUntil: null })).not.toHaveProperty('validUntil');
        await s.samlProviders.delete(p.arn);
        expect(await s.samlProviders.get(p.arn)).toBeUndefined();
        await rejectsWith(s.samlProviders.delete(p.arn), 'ERR_STORE_NOT_FOUND', { entity: 'samlProvider' });
        await rejectsWith(s.samlProviders.update(p.arn, {}), 'ERR_STORE_NOT_FOUND', { entity: 'samlProvider' });
      }));

      it('refuses a second provider with the same name', withStore(async (s) => {
        await s.samlProviders.create(samlProvider('Auth0'));
        await rejectsWith(s.samlProviders.create(samlProvider('Auth0')), 'ERR_STORE_CONFLICT', { entity: 'samlProvider', key: 'Auth0' });
      }));

      it('treats its tag keys case-sensitively', withStore(async (s) => {
        const p = await s.samlProviders.create(samlProvider('Auth0', { tags: [tag('Env', 'prod')] }));
        const tagged = await s.samlProviders.tag(p.arn, [tag('env', 'dev'), tag('Env', 'test')]);
        expect(tagged.tags).toEqual([tag('Env', 'test'), tag('env', 'dev')]);
        expect((await s.samlProviders.untag(p.arn, ['env', 'Missing'])).tags).toEqual([tag('Env', 'test')]);
        expect((await s.samlProviders.get(p.arn))?.tags).toEqual([tag('Env', 'test')]);
      }));
    });

    describe('roles', () => {
      it('round-trips every field and omits the optional ones that were not given', withStore(async (s) => {
        const plain = role('Plain');
        expect(await s.roles.create(plain)).toEqual(plain);
        const stored = await s.roles.get('Plain');
        expect(stored).toEqual(plain);
        expect(stored).not.toHaveProperty('description');
        expect(stored).not.toHaveProperty('permissionsBoundaryArn');
        const full = role('AccessByCostCenter', {
          path: '/federated/',
          arn: `arn:aws:iam::${ACCOUNT}:role/federated/AccessByCostCenter`,
          description: 'ABAC by CostCenter',
          maxSessionDuration: 43200,
          permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
          tags: [tag('CostCenter', '123'), tag('Team', 'eng')],
        });
        await s.roles.create(full);
        expect(await s.roles.get('AccessByCostCenter')).toEqual(full);
        expect(await s.roles.getById(full.roleId)).toEqual(full);
        expect(await s.roles.getById('AROANOPE')).toBeUndefined();
        expect(await s.roles.get('Nope')).toBeUndefined();
      }));

      it('finds a role by its name in any case and refuses a name that differs only in case', withStore(async (s) => {
        await s.roles.create(role('AccessByCostCenter'));
        expect((await s.roles.get('accessbycostcenter'))?.roleName).toBe('AccessByCostCenter');
        await rejectsWith(
          s.roles.create(role('ACCESSBYCOSTCENTER', { roleId: 'AROAOTHEROTHEROTHER' })),
          'ERR_STORE_CONFLICT',
          { entity: 'role', key: 'ACCESSBYCOSTCENTER' },
        );
      }));

      it('refuses a second role with the same role id', withStore(async (s) => {
        const a = await s.roles.create(role('A'));
        await rejectsWith(s.roles.create(role('B', { roleId: a.roleId })), 'ERR_STORE_CONFLICT', { entity: 'role' });
        expect(await s.roles.get('B')).toBeUndefined();
      }));

      it('updates the description, session duration, trust policy and boundary', withStore(async (s) => {
        await s.roles.create(role('R'));
        const boundary = `arn:aws:iam::${ACCOUNT}:policy/Boundary`;
        const u = await s.roles.update('r', {
          description: 'now described',
          maxSessionDuration: 7200,
          assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny"}]}',
          permissionsBoundaryArn: boundary,
        });
        expect(u).toMatchObject({ roleName: 'R', description: 'now described', maxSessionDuration: 7200, permissionsBoundaryArn: boundary });
        expect(await s.roles.get('R')).toEqual(u);
        const cleared = await s.roles.update('R', { permissionsBoundaryArn: null });
        expect(cleared).not.toHaveProperty('permissionsBoundaryArn');
        expect(cleared.description).toBe('now described');
        await rejectsWith(s.roles.update('Nope', {}), 'ERR_STORE_NOT_FOUND', { entity: 'role', key: 'Nope' });
      }));

      it('replaces a tag whose key differs only in case, as IAM does for roles', withStore(async (s) => {
        await s.roles.create(role('R', { tags: [tag('Department', 'finance'), tag('Team', 'a')] }));
        const t = await s.roles.tag('R', [tag('department', 'hr'), tag('CostCenter', '1')]);
        expect(t.tags).toEqual([tag('department', 'hr'), tag('Team', 'a'), tag('CostCenter', '1')]);
        expect((await s.roles.untag('R', ['TEAM', 'absent'])).tags).toEqual([tag('department', 'hr'), tag('CostCenter', '1')]);
        expect((await s.roles.get('R'))?.tags).toEqual([tag('department', 'hr'), tag('CostCenter', '1')]);
      }));

      it('refuses duplicate tag keys in one request and more than 50 tags', withStore(async (s) => {
        await rejectsWith(s.roles.create(role('R', { tags: [tag('Dept', 'a'), tag('dept', 'b')] })), 'ERR_STORE_INVALID_INPUT');
        const fifty = Array.from({ length: 50 }, (_, i) => tag(`k${i}`, 'v'));
        await rejectsWith(s.roles.create(role('R', { tags: [...fifty, tag('one-more', 'v')] })), 'ERR_STORE_LIMIT_EXCEEDED', { reason: 'tags' });
        await s.roles.create(role('R', { tags: fifty }));
        await rejectsWith(s.roles.tag('R', [tag('one-more', 'v')]), 'ERR_STORE_LIMIT_EXCEEDED', { entity: 'role', reason: 'tags' });
        expect((await s.roles.tag('R', [tag('K0', 'replaced')])).tags).toHaveLength(50);
        await rejectsWith(s.roles.tag('R', [tag('x', '1'), tag('X', '2')]), 'ERR_STORE_INVALID_INPUT');
      }));

      it('lists roles by name, case-insensitively, in pages, filtered by path prefix', withStore(async (s) => {
        for (const n of ['delta', 'Alpha', 'charlie', 'Bravo', 'echo']) {
          await s.roles.create(role(n, { path: n === 'charlie' || n === 'echo' ? '/team/' : '/' }));
        }
        const pages = await drain((nextToken) => s.roles.list({ maxItems: 2, ...(nextToken === undefined ? {} : { nextToken }) }), 2);
        expect(pages.map((p) => p.map((r) => r.roleName))).toEqual([['Alpha', 'Bravo'], ['charlie', 'delta'], ['echo']]);
        expect((await s.roles.list()).items.map((r) => r.roleName)).toEqual(['Alpha', 'Bravo', 'charlie', 'delta', 'echo']);
        expect((await s.roles.list()).nextToken).toBeUndefined();
        expect((await s.roles.list({ pathPrefix: '/team/' })).items.map((r) => r.roleName)).toEqual(['charlie', 'echo']);
        expect((await s.roles.list({ pathPrefix: '/TEAM/' })).items).toEqual([]);
        const exact = await s.roles.list({ maxItems: 5 });
        expect(exact.items).toHaveLength(5);
        expect(exact.nextToken).toBeUndefined();
      }));

      it('refuses a malformed page token and a page size that is not a positive integer', withStore(async (s) => {
        await s.roles.create(role('A'));
        await rejectsWith(s.roles.list({ nextToken: 'not a token!' }), 'ERR_STORE_INVALID_TOKEN');
        await rejectsWith(s.roles.list({ nextToken: 'eyJ4IjoxfQ' }), 'ERR_STORE_INVALID_TOKEN');
        await rejectsWith(s.roles.list({ maxItems: 0 }), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.roles.list({ maxItems: 1.5 }), 'ERR_STORE_INVALID_INPUT');
        const usersToken = (await (async () => {
          await s.users.create(user('u1'));
          await s.users.create(user('u2'));
          return s.users.list({ maxItems: 1 });
        })()).nextToken as string;
        await rejectsWith(s.roles.list({ nextToken: usersToken }), 'ERR_STORE_INVALID_TOKEN');
      }));

      it('puts, replaces, reads, lists and deletes inline policies', withStore(async (s) => {
        await s.roles.create(role('R'));
        await s.roles.putInlinePolicy('R', { policyName: 'b', policyDocument: '{"v":1}' });
        await s.roles.putInlinePolicy('r', { policyName: 'a', policyDocument: '{"v":2}' });
        await s.roles.putInlinePolicy('R', { policyName: 'B', policyDocument: '{"v":3}' });
        await s.roles.putInlinePolicy('R', { policyName: 'b', policyDocument: '{"v":4}' });
        expect(await s.roles.getInlinePolicy('R', 'b')).toEqual({ policyName: 'b', policyDocument: '{"v":4}' });
        expect((await s.roles.listInlinePolicyNames('R')).items).toEqual(['B', 'a', 'b']);
        const pages = await drain((t) => s.roles.listInlinePolicyNames('R', { maxItems: 2, ...(t === undefined ? {} : { nextToken: t }) }), 2);
        expect(pages).toEqual([['B', 'a'], ['b']]);
        await s.roles.deleteInlinePolicy('R', 'B');
        await rejectsWith(s.roles.getInlinePolicy('R', 'B'), 'ERR_STORE_NOT_FOUND', { entity: 'roleInlinePolicy', key: 'B' });
        await rejectsWith(s.roles.deleteInlinePolicy('R', 'B'), 'ERR_STORE_NOT_FOUND', { entity: 'roleInlinePolicy' });
        await rejectsWith(s.roles.getInlinePolicy('Nope', 'a'), 'ERR_STORE_NOT_FOUND', { entity: 'role', key: 'Nope' });
        await rejectsWith(s.roles.putInlinePolicy('Nope', { policyName: 'a', policyDocument: '{}' }), 'ERR_STORE_NOT_FOUND', { entity: 'role' });
      }));

      it('attaches managed policies idempotently and counts each attachment once', withStore(async (s) => {
        await s.roles.create(role('R'));
        const p = await s.policies.create(policy('VirtualMachineAccessByCostCenter'));
        const q = await s.policies.create(policy('Another', { path: '/x/', arn: `arn:aws:iam::${ACCOUNT}:policy/x/Another` }));
        expect(await s.roles.attachPolicy('R', p.arn)).toBe(true);
        expect(await s.roles.attachPolicy('r', p.arn)).toBe(false);
        await s.roles.attachPolicy('R', q.arn);
        expect((await s.policies.get(p.arn))?.attachmentCount).toBe(1);
        expect((await s.roles.listAttachedPolicies('R')).items).toEqual([
          { policyName: 'Another', policyArn: q.arn },
          { policyName: 'VirtualMachineAccessByCostCenter', policyArn: p.arn },
        ]);
        expect((await s.roles.listAttachedPolicies('R', { pathPrefix: '/x/' })).items).toEqual([{ policyName: 'Another', policyArn: q.arn }]);
        const pages = await drain((t) => s.roles.listAttachedPolicies('R', { maxItems: 1, ...(t === undefined ? {} : { nextToken: t }) }), 1);
        expect(pages.flat().map((a) => a.policyName)).toEqual(['Another', 'VirtualMachineAccessByCostCenter']);
        await s.roles.detachPolicy('R', p.arn);
        expect((await s.policies.get(p.arn))?.attachmentCount).toBe(0);
        await rejectsWith(s.roles.detachPolicy('R', p.arn), 'ERR_STORE_NOT_FOUND', { entity: 'roleAttachment', key: p.arn });
        await rejectsWith(s.roles.attachPolicy('R', `arn:aws:iam::${ACCOUNT}:policy/Missing`), 'ERR_STORE_NOT_FOUND', { entity: 'managedPolicy' });
        await rejectsWith(s.roles.attachPolicy('Nope', p.arn), 'ERR_STORE_NOT_FOUND', { entity: 'role' });
      }));

      it('refuses to delete a role that still has inline or attached policies', withStore(async (s) => {
        await s.roles.create(role('R'));
        const p = await s.policies.create(policy('P'));
        await s.roles.putInlinePolicy('R', { policyName: 'inline', policyDocument: '{}' });
        await s.roles.attachPolicy('R', p.arn);
        await rejectsWith(s.roles.delete('R'), 'ERR_STORE_DELETE_CONFLICT', { entity: 'role', key: 'R', reason: 'inlinePolicies' });
        await s.roles.deleteInlinePolicy('R', 'inline');
        await rejectsWith(s.roles.delete('R'), 'ERR_STORE_DELETE_CONFLICT', { reason: 'attachedPolicies' });
        await s.roles.detachPolicy('R', p.arn);
        await s.roles.delete('r');
        expect(await s.roles.get('R')).toBeUndefined();
        await rejectsWith(s.roles.delete('R'), 'ERR_STORE_NOT_FOUND', { entity: 'role' });
        await s.roles.create(role('R', { roleId: 'AROANEWNEWNEWNEWNEW' }));
        expect((await s.roles.get('R'))?.roleId).toBe('AROANEWNEWNEWNEWNEW');
      }));

      it('reads the policy set: inline policies, default versions of attached policies, the boundary', withStore(async (s) => {
        const boundary = await s.policies.create(policy('Boundary'));
        const p = await s.policies.create(policy('P'));
        await s.roles.create(role('R', { permissionsBoundaryArn: boundary.arn }));
        await s.roles.putInlinePolicy('R', { policyName: 'inline', policyDocument: '{"inline":true}' });
        await s.roles.attachPolicy('R', p.arn);
        const before = await s.roles.getPolicySet('R');
        expect(before).toEqual({
          inlinePolicies: [{ policyName: 'inline', policyDocument: '{"inline":true}' }],
          attachedPolicies: [{ policyArn: p.arn, policyName: 'P', versionId: 'v1', document: policy('P').policyDocument }],
          permissionsBoundary: { policyArn: boundary.arn, policyName: 'Boundary', versionId: 'v1', document: policy('Boundary').policyDocument },
        });
        await s.policies.createVersion(p.arn, { document: '{"v":2}', createDate: T0, setAsDefault: true });
        expect((await s.roles.getPolicySet('R')).attachedPolicies).toEqual([{ policyArn: p.arn, policyName: 'P', versionId: 'v2', document: '{"v":2}' }]);
        await s.roles.create(role('Bare', { permissionsBoundaryArn: 'arn:aws:iam::aws:policy/NotStored' }));
        expect(await s.roles.getPolicySet('Bare')).toEqual({ inlinePolicies: [], attachedPolicies: [] });
        await rejectsWith(s.roles.getPolicySet('Nope'), 'ERR_STORE_NOT_FOUND', { entity: 'role' });
      }));

      it('returns copies: changing a returned role changes nothing stored', withStore(async (s) => {
        const r = await s.roles.create(role('R', { tags: [tag('a', '1')] }));
        (r.tags as Tag[]).push(tag('b', '2'));
        (r as { roleName: string }).roleName = 'Other';
        const again = await s.roles.get('R');
        expect(again?.tags).toEqual([tag('a', '1')]);
        (again?.tags as Tag[]).pop();
        expect((await s.roles.get('R'))?.tags).toEqual([tag('a', '1')]);
      }));
    });

    describe('users and access keys', () => {
      it('creates, finds case-insensitively, tags and deletes users', withStore(async (s) => {
        const u = user('Jane', { tags: [tag('CostCenter', '123')] });
        expect(await s.users.create(u)).toEqual(u);
        expect(await s.users.get('JANE')).toEqual(u);
        expect(await s.users.getById(u.userId)).toEqual(u);
        await rejectsWith(s.users.create(user('jane', { userId: 'AIDAOTHEROTHEROTHER' })), 'ERR_STORE_CONFLICT', { entity: 'user' });
        expect((await s.users.tag('jane', [tag('costcenter', '456')])).tags).toEqual([tag('costcenter', '456')]);
        const b = `arn:aws:iam::${ACCOUNT}:policy/B`;
        expect((await s.users.update('Jane', { permissionsBoundaryArn: b })).permissionsBoundaryArn).toBe(b);
        expect(await s.users.update('Jane', { permissionsBoundaryArn: null })).not.toHaveProperty('permissionsBoundaryArn');
        await s.users.create(user('adam', { path: '/ops/' }));
        expect((await s.users.list()).items.map((x) => x.userName)).toEqual(['adam', 'Jane']);
        expect((await s.users.list({ pathPrefix: '/ops/' })).items.map((x) => x.userName)).toEqual(['adam']);
        await s.users.delete('jane');
        expect(await s.users.get('Jane')).toBeUndefined();
      }));

      it('keeps inline and attached policies for users as for roles', withStore(async (s) => {
        await s.users.create(user('U'));
        const p = await s.policies.create(policy('P'));
        await s.users.putInlinePolicy('U', { policyName: 'i', policyDocument: '{}' });
        expect(await s.users.attachPolicy('U', p.arn)).toBe(true);
        expect((await s.policies.listAttachments(p.arn)).users).toEqual([{ userName: 'U', userId: user('U').userId }]);
        expect(await s.users.getPolicySet('U')).toEqual({
          inlinePolicies: [{ policyName: 'i', policyDocument: '{}' }],
          attachedPolicies: [{ policyArn: p.arn, policyName: 'P', versionId: 'v1', document: policy('P').policyDocument }],
        });
        await rejectsWith(s.users.getInlinePolicy('U', 'x'), 'ERR_STORE_NOT_FOUND', { entity: 'userInlinePolicy' });
        await rejectsWith(s.users.detachPolicy('U', `arn:aws:iam::${ACCOUNT}:policy/P2`), 'ERR_STORE_NOT_FOUND', { entity: 'managedPolicy' });
        await rejectsWith(s.users.delete('U'), 'ERR_STORE_DELETE_CONFLICT', { entity: 'user', reason: 'inlinePolicies' });
        await s.users.deleteInlinePolicy('U', 'i');
        await rejectsWith(s.users.delete('U'), 'ERR_STORE_DELETE_CONFLICT', { reason: 'attachedPolicies' });
        await s.users.detachPolicy('U', p.arn);
        await rejectsWith(s.users.detachPolicy('U', p.arn), 'ERR_STORE_NOT_FOUND', { entity: 'userAttachment' });
        await s.users.delete('U');
      }));

      it('stores access keys with their sealed secret, two per user at most', withStore(async (s) => {
        await s.users.create(user('Jane'));
        const k1 = { accessKeyId: 'AKIAJANE000000000001', userName: 'jane', secretSealed: new Uint8Array([0, 255, 1]), status: 'Active' as const, createDate: T0 };
        const created = await s.accessKeys.create(k1);
        expect(created).toEqual({ ...k1, userName: 'Jane' });
        expect(await s.accessKeys.get(k1.accessKeyId)).toEqual(created);
        expect(await s.accessKeys.get('AKIANOPE')).toBeUndefined();
        await rejectsWith(s.accessKeys.create({ ...k1 }), 'ERR_STORE_CONFLICT', { entity: 'accessKey', key: k1.accessKeyId });
        const k2 = { ...k1, accessKeyId: 'AKIAJANE000000000002', createDate: new Date(T0.getTime() + 1) };
        await s.accessKeys.create(k2);
        await rejectsWith(s.accessKeys.create({ ...k1, accessKeyId: 'AKIAJANE000000000003' }), 'ERR_STORE_LIMIT_EXCEEDED', {
          entity: 'user',
          reason: 'accessKeys',
        });
        expect((await s.accessKeys.listByUser('JANE')).map((k) => k.accessKeyId)).toEqual([k1.accessKeyId, k2.accessKeyId]);
        expect((await s.accessKeys.updateStatus(k1.accessKeyId, 'Inactive')).status).toBe('Inactive');
        await rejectsWith(s.accessKeys.updateStatus('AKIANOPE', 'Active'), 'ERR_STORE_NOT_FOUND', { entity: 'accessKey' });
        await rejectsWith(s.users.delete('Jane'), 'ERR_STORE_DELETE_CONFLICT', { reason: 'accessKeys' });
        await s.accessKeys.delete(k1.accessKeyId);
        await s.accessKeys.delete(k2.accessKeyId);
        await rejectsWith(s.accessKeys.delete(k2.accessKeyId), 'ERR_STORE_NOT_FOUND', { entity: 'accessKey' });
        await s.users.delete('Jane');
        await rejectsWith(s.accessKeys.create(k1), 'ERR_STORE_NOT_FOUND', { entity: 'user' });
        await rejectsWith(s.accessKeys.listByUser('Jane'), 'ERR_STORE_NOT_FOUND', { entity: 'user' });
      }));
    });

    describe('managed policies', () => {
      it('creates a policy with v1 as its default version', withStore(async (s) => {
        const input = policy('VirtualMachineAccessByCostCenter', { description: 'ABAC', tags: [tag('Owner', 'sec')] });
        const p = await s.policies.create(input);
        expect(p).toEqual({
          policyId: input.policyId,
          policyName: input.policyName,
          path: '/',
          arn: input.arn,
          description: 'ABAC',
          defaultVersionId: 'v1',
          attachmentCount: 0,
          permissionsBoundaryUsageCount: 0,
          createDate: T0,
          updateDate: T0,
          tags: [tag('Owner', 'sec')],
        });
        expect(await s.policies.get(input.arn)).toEqual(p);
        expect(await s.policies.getVersion(input.arn, 'v1')).toEqual({ versionId: 'v1', document: input.policyDocument, isDefaultVersion: true, createDate: T0 });
        expect(await s.policies.get(`arn:aws:iam::${ACCOUNT}:policy/Nope`)).toBeUndefined();
      }));

      it('refuses a second policy whose name differs only in case', withStore(async (s) => {
        await s.policies.create(policy('Abac'));
        await rejectsWith(s.policies.create(policy('ABAC')), 'ERR_STORE_CONFLICT', { entity: 'managedPolicy', key: 'ABAC' });
      }));

      it('keeps at most five versions and moves the default as asked', withStore(async (s) => {
        const p = await s.policies.create(policy('P'));
        const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);
        const v2 = await s.policies.createVersion(p.arn, { document: '{"v":2}', createDate: day(1), setAsDefault: false });
        expect(v2).toEqual({ versionId: 'v2', document: '{"v":2}', isDefaultVersion: false, createDate: day(1) });
        await s.policies.createVersion(p.arn, { document: '{"v":3}', createDate: day(2), setAsDefault: true });
        await s.policies.createVersion(p.arn, { document: '{"v":4}', createDate: day(3), setAsDefault: false });
        await s.policies.createVersion(p.arn, { document: '{"v":5}', createDate: day(4), setAsDefault: false });
        await rejectsWith(
          s.policies.createVersion(p.arn, { document: '{"v":6}', createDate: day(5), setAsDefault: true }),
          'ERR_STORE_LIMIT_EXCEEDED',
          { entity: 'managedPolicy', reason: 'policyVersions' },
        );
        const got = await s.policies.get(p.arn);
        expect(got).toMatchObject({ defaultVersionId: 'v3', updateDate: day(4), createDate: T0 });
        const versions = await s.policies.listVersions(p.arn);
        expect(versions.map((v) => [v.versionId, v.isDefaultVersion])).toEqual([
          ['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false],
        ]);
        expect((await s.policies.setDefaultVersion(p.arn, 'v4')).defaultVersionId).toBe('v4');
        expect((await s.policies.getVersion(p.arn, 'v4')).isDefaultVersion).toBe(true);
        expect((await s.policies.getVersion(p.arn, 'v3')).isDefaultVersion).toBe(false);
        await rejectsWith(s.policies.deleteVersion(p.arn, 'v4'), 'ERR_STORE_DELETE_CONFLICT', { entity: 'policyVersion', reason: 'defaultVersion' });
        await s.policies.deleteVersion(p.arn, 'v2');
        // IAM never reuses a version id: the next one is v6, not v2.
        const v6 = await s.policies.createVersion(p.arn, { document: '{"v":6}', createDate: day(6), setAsDefault: false });
        expect(v6.versionId).toBe('v6');
        for (const bad of ['v2', 'v02', 'V3', '3', 'v0', 'v', '']) {
          await rejectsWith(s.policies.getVersion(p.arn, bad), 'ERR_STORE_NOT_FOUND', { entity: 'policyVersion' });
        }
        await rejectsWith(s.policies.setDefaultVersion(p.arn, 'v99'), 'ERR_STORE_NOT_FOUND', { entity: 'policyVersion' });
        await rejectsWith(s.policies.deleteVersion(p.arn, 'v2'), 'ERR_STORE_NOT_FOUND', { entity: 'policyVersion' });
        await rejectsWith(s.policies.listVersions(`arn:aws:iam::${ACCOUNT}:policy/Nope`), 'ERR_STORE_NOT_FOUND', { entity: 'managedPolicy' });
      }));

      it('refuses to delete a policy that is attached or has other versions', withStore(async (s) => {
        const p = await s.policies.create(policy('P'));
        await s.roles.create(role('R'));
        await s.roles.attachPolicy('R', p.arn);
        await s.policies.createVersion(p.arn, { document: '{}', createDate: T0, setAsDefault: true });
        await rejectsWith(s.policies.delete(p.arn), 'ERR_STORE_DELETE_CONFLICT', { entity: 'managedPolicy', reason: 'attachments' });
        await s.roles.detachPolicy('R', p.arn);
        await rejectsWith(s.policies.delete(p.arn), 'ERR_STORE_DELETE_CONFLICT', { reason: 'policyVersions' });
        await s.policies.deleteVersion(p.arn, 'v1');
        await s.policies.delete(p.arn);
        expect(await s.policies.get(p.arn)).toBeUndefined();
        await rejectsWith(s.policies.delete(p.arn), 'ERR_STORE_NOT_FOUND', { entity: 'managedPolicy' });
        // The name is free again, with a fresh version history.
        const again = await s.policies.create(policy('P', { policyId: 'ANPAAGAINAGAINAGAIN' }));
        expect(again.defaultVersionId).toBe('v1');
        expect((await s.policies.listVersions(again.arn)).map((v) => v.versionId)).toEqual(['v1']);
      }));

      it('counts permissions-boundary use and lists by path, attachment and page', withStore(async (s) => {
        const b = await s.policies.create(policy('Boundary'));
        const x = await s.policies.create(policy('xOps', { path: '/ops/', arn: `arn:aws:iam::${ACCOUNT}:policy/ops/xOps` }));
        await s.policies.create(policy('alpha'));
        await s.roles.create(role('R', { permissionsBoundaryArn: b.arn }));
        await s.users.create(user('U', { permissionsBoundaryArn: b.arn }));
        await s.users.attachPolicy('U', x.arn);
        expect((await s.policies.get(b.arn))?.permissionsBoundaryUsageCount).toBe(2);
        expect((await s.policies.list()).items.map((p) => p.policyName)).toEqual(['alpha', 'Boundary', 'xOps']);
        expect((await s.policies.list({ pathPrefix: '/ops/' })).items.map((p) => p.policyName)).toEqual(['xOps']);
        expect((await s.policies.list({ onlyAttached: true })).items.map((p) => p.policyName)).toEqual(['xOps']);
        const pages = await drain((t) => s.policies.list({ maxItems: 2, ...(t === undefined ? {} : { nextToken: t }) }), 2);
        expect(pages.map((p) => p.map((q) => q.policyName))).toEqual([['alpha', 'Boundary'], ['xOps']]);
      }));

      it('treats its tag keys case-sensitively', withStore(async (s) => {
        const p = await s.policies.create(policy('P', { tags: [tag('Env', 'a')] }));
        expect((await s.policies.tag(p.arn, [tag('env', 'b')])).tags).toEqual([tag('Env', 'a'), tag('env', 'b')]);
        expect((await s.policies.untag(p.arn, ['Env'])).tags).toEqual([tag('env', 'b')]);
      }));
    });

    describe('EC2 instances', () => {
      it('creates a reservation of instances and reads them back', withStore(async (s) => {
        const a = instance([tag('CostCenter', 'marketing')], { vpcId: 'vpc-1', subnetId: 'subnet-1' });
        const b = instance([], { amiLaunchIndex: 1, state: 'pending' });
        const created = await s.instances.create([a, b]);
        expect(created).toHaveLength(2);
        const expectedA: Instance = { ...a, state: { name: 'running', code: 16 } };
        expect(created[0]).toEqual(expectedA);
        expect(await s.instances.get(a.instanceId)).toEqual(expectedA);
        const gotB = await s.instances.get(b.instanceId);
        expect(gotB?.state).toEqual({ name: 'pending', code: 0 });
        expect(gotB).not.toHaveProperty('vpcId');
        expect(await s.instances.get('i-0000000000000dead')).toBeUndefined();
      }));

      it('creates all instances of a batch or none', withStore(async (s) => {
        const a = instance();
        await s.instances.create([a]);
        const b = instance();
        await rejectsWith(s.instances.create([b, { ...instance(), instanceId: a.instanceId }]), 'ERR_STORE_CONFLICT', { entity: 'instance', key: a.instanceId });
        expect(await s.instances.get(b.instanceId)).toBeUndefined();
        await rejectsWith(s.instances.create([instance([tag('k', '1'), tag('k', '2')])]), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.instances.create([instance([], { state: 'sleeping' as InstanceStateName })]), 'ERR_STORE_INVALID_INPUT');
      }));

      it('describes by instance id, ignoring unknown ids', withStore(async (s) => {
        const [a, b, c] = [instance(), instance(), instance()];
        await s.instances.create([a, b, c]);
        const page = await s.instances.describe({ instanceIds: [c.instanceId, 'i-0000000000000dead', a.instanceId] });
        expect(ids(page.items)).toEqual([a.instanceId, c.instanceId]);
        expect((await s.instances.describe({ instanceIds: [] })).items).toEqual([]);
      }));

      describe('filters', () => {
        async function seed(s: Store): Promise<Record<string, string>> {
          const defs: [string, Tag[], Partial<NewInstance>][] = [
            ['website', [tag('CostCenter', 'marketing'), tag('Name', 'website'), tag('ec2', 'test1'), tag('EC2', 'test2')], {}],
            ['dashboard', [tag('CostCenter', 'engineering'), tag('Name', 'dashboard')], { instanceType: 'm5.large' }],
            ['reports', [tag('CostCenter', 'engineering'), tag('Name', 'reports')], { state: 'stopped' }],
            ['bare', [], { state: 'stopped', instanceType: 'm5.large' }],
            ['weird', [tag('Name', 'web*site?'), tag('costcenter', 'marketing')], {}],
          ];
          const out: Record<string, string> = {};
          const made = defs.map(([name, tags, over]) => {
            const i = instance(tags, over);
            out[name] = i.instanceId;
            return i;
          });
          await s.instances.create(made);
          return out;
        }

        async function names(s: Store, byId: Record<string, string>, q: InstanceQuery): Promise<string[]> {
          const back = Object.fromEntries(Object.entries(byId).map(([k, v]) => [v, k]));
          return ids((await s.instances.describe(q)).items).map((id) => back[id] as string);
        }

        it('matches nothing with a filter value or tag key holding U+0000, and still the other values', withStore(async (s) => {
          const n = await seed(s);
          const tagIs = (key: string, ...values: { equals: string }[] | { wildcard: string }[]) => ({ filters: [{ kind: 'tag' as const, key, values }] });
          expect(await names(s, n, tagIs('Name', { equals: 'web\u0000site' }))).toEqual([]);
          expect(await names(s, n, tagIs('Name', { wildcard: '*\u0000*' }))).toEqual([]);
          expect(await names(s, n, tagIs('Na\u0000me', { equals: 'website' }))).toEqual([]);
          expect(await names(s, n, tagIs('Name', { equals: 'x\u0000' }, { equals: 'website' }))).toEqual(['website']);
          expect(await names(s, n, { filters: [{ kind: 'tagKey', values: [{ equals: 'Name\u0000' }] }] })).toEqual([]);
          expect((await s.instances.describeTags({ filters: [{ kind: 'key', values: [{ equals: '\u0000' }] }] })).items).toEqual([]);
        }));

        it('matches tag:K exactly and case-sensitively, values OR-ed', withStore(async (s) => {
          const n = await seed(s);
          const tagIs = (key: string, ...values: string[]) => ({ filters: [{ kind: 'tag' as const, key, values: values.map((equals) => ({ equals })) }] });
          expect(await names(s, n, tagIs('CostCenter', 'marketing'))).toEqual(['website']);
          expect(await names(s, n, tagIs('CostCenter', 'engineering', 'marketing'))).toEqual(['website', 'dashboard', 'reports']);
          expect(await names(s, n, tagIs('costcenter', 'marketing'))).toEqual(['weird']);
          expect(await names(s, n, tagIs('CostCenter', 'Marketing'))).toEqual([]);
          expect(await names(s, n, tagIs('ec2', 'test1'))).toEqual(['website']);
          expect(await names(s, n, tagIs('EC2', 'test1'))).toEqual([]);
          expect(await names(s, n, tagIs('CostCenter'))).toEqual([]);
        }));

        it('matches EC2 wildcards: * any run, ? zero or one character, \\ escapes', withStore(async (s) => {
          const n = await seed(s);
          const nameIs = (...values: ValueMatch[]) => ({
            filters: [{ kind: 'tag' as const, key: 'Name', values }],
          });
          expect(await names(s, n, nameIs({ wildcard: 'web*' }))).toEqual(['website', 'weird']);
          expect(await names(s, n, nameIs({ wildcard: '*s' }))).toEqual(['reports']);
          expect(await names(s, n, nameIs({ wildcard: 'dashboard?' }))).toEqual(['dashboard']);
          expect(await names(s, n, nameIs({ wildcard: 'dash?board' }))).toEqual(['dashboard']);
          expect(await names(s, n, nameIs({ wildcard: 'd?board' }))).toEqual([]);
          expect(await names(s, n, nameIs({ wildcard: 'web\\*site\\?' }))).toEqual(['weird']);
          expect(await names(s, n, nameIs({ wildcard: 'Web*' }))).toEqual([]);
          expect(await names(s, n, nameIs({ wildcard: 'rep*' }, { equals: 'dashboard' }))).toEqual(['dashboard', 'reports']);
        }));

        it('matches tag-key, attributes and state, AND-ing filters', withStore(async (s) => {
          const n = await seed(s);
          expect(await names(s, n, { filters: [{ kind: 'tagKey', values: [{ equals: 'CostCenter' }] }] })).toEqual(['website', 'dashboard', 'reports']);
          expect(await names(s, n, { filters: [{ kind: 'tagKey', values: [{ wildcard: 'ec?' }] }] })).toEqual(['website']);
          expect(await names(s, n, { filters: [{ kind: 'field', field: 'instanceType', values: [{ equals: 'm5.large' }] }] })).toEqual(['dashboard', 'bare']);
          expect(await names(s, n, { filters: [{ kind: 'field', field: 'stateName', values: [{ equals: 'stopped' }] }] })).toEqual(['reports', 'bare']);
          expect(await names(s, n, { filters: [{ kind: 'field', field: 'instanceId', values: [{ equals: n.bare as string }] }] })).toEqual(['bare']);
          expect(await names(s, n, { filters: [{ kind: 'field', field: 'vpcId', values: [{ wildcard: '*' }] }] })).toEqual([]);
          expect(
            await names(s, n, {
              filters: [
                { kind: 'tag', key: 'CostCenter', values: [{ equals: 'engineering' }] },
                { kind: 'field', field: 'stateName', values: [{ equals: 'running' }, { equals: 'pending' }] },
              ],
            }),
          ).toEqual(['dashboard']);
          expect(
            await names(s, n, {
              instanceIds: [n.website as string, n.reports as string],
              filters: [{ kind: 'tagKey', values: [{ equals: 'CostCenter' }] }, { kind: 'tag', key: 'Name', values: [{ wildcard: 'r*' }] }],
            }),
          ).toEqual(['reports']);
          expect(await names(s, n, { filters: [{ kind: 'tagKey', values: [] }] })).toEqual([]);
          await rejectsWith(
            s.instances.describe({ filters: [{ kind: 'field', field: 'color' as 'vpcId', values: [{ equals: 'x' }] }] }),
            'ERR_STORE_INVALID_INPUT',
          );
        }));

        it('keeps the tag filter in step with tag changes', withStore(async (s) => {
          const n = await seed(s);
          const marketing = { filters: [{ kind: 'tag' as const, key: 'CostCenter', values: [{ equals: 'marketing' }] }] };
          await s.instances.createTags([n.dashboard as string], [tag('CostCenter', 'marketing')]);
          expect(await names(s, n, marketing)).toEqual(['website', 'dashboard']);
          await s.instances.deleteTags([n.website as string], [{ key: 'CostCenter' }]);
          expect(await names(s, n, marketing)).toEqual(['dashboard']);
          await s.instances.delete([n.dashboard as string]);
          expect(await names(s, n, marketing)).toEqual([]);
        }));
      });

      it('pages in a stable order without gaps or repeats, with and without filters', withStore(async (s) => {
        const all = Array.from({ length: 23 }, (_, k) => instance(k % 3 === 0 ? [tag('Team', 'a')] : [tag('Team', 'b')]));
        await s.instances.create(all.slice(0, 10));
        await s.instances.create(all.slice(10));
        const pages = await drain((t) => s.instances.describe({ maxItems: 5, ...(t === undefined ? {} : { nextToken: t }) }), 5);
        expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
        expect(pages.flat().map((i) => i.instanceId)).toEqual(all.map((i) => i.instanceId));
        const teamA = all.filter((_, k) => k % 3 === 0).map((i) => i.instanceId);
        const filter = { filters: [{ kind: 'tag' as const, key: 'Team', values: [{ equals: 'a' }] }] };
        const fp = await drain((t) => s.instances.describe({ ...filter, maxItems: 3, ...(t === undefined ? {} : { nextToken: t }) }), 3);
        expect(fp.flat().map((i) => i.instanceId)).toEqual(teamA);
        const wild = { filters: [{ kind: 'tag' as const, key: 'Team', values: [{ wildcard: '?a' }] }] };
        const wp = await drain((t) => s.instances.describe({ ...wild, maxItems: 2, ...(t === undefined ? {} : { nextToken: t }) }), 2);
        expect(wp.flat().map((i) => i.instanceId)).toEqual(teamA);
        // A page boundary survives a write between pages: new instances come after, nothing repeats.
        const first = await s.instances.describe({ maxItems: 20 });
        const late = instance();
        await s.instances.create([late]);
        const rest = await s.instances.describe({ maxItems: 20, nextToken: first.nextToken as string });
        expect(rest.items.map((i) => i.instanceId)).toEqual([...all.slice(20).map((i) => i.instanceId), late.instanceId]);
        await rejectsWith(s.instances.describe({ nextToken: 'garbage' }), 'ERR_STORE_INVALID_TOKEN');
        await rejectsWith(s.instances.describe({ nextToken: (await s.roles.list()).nextToken ?? 'eyJsIjoicm9sZSIsInAiOiJhIn0' }), 'ERR_STORE_INVALID_TOKEN');
      }));

      it('creates and overwrites tags on several instances at once, all or none', withStore(async (s) => {
        const [a, b] = [instance([tag('Name', 'a')]), instance()];
        await s.instances.create([a, b]);
        await s.instances.createTags([a.instanceId, b.instanceId], [tag('Name', 'x'), tag('name', 'lower')]);
        expect((await s.instances.get(a.instanceId))?.tags).toEqual([tag('Name', 'x'), tag('name', 'lower')]);
        expect((await s.instances.get(b.instanceId))?.tags).toEqual([tag('Name', 'x'), tag('name', 'lower')]);
        await rejectsWith(s.instances.createTags([a.instanceId, 'i-0000000000000dead'], [tag('Env', 'prod')]), 'ERR_STORE_NOT_FOUND', {
          entity: 'instance',
          key: 'i-0000000000000dead',
        });
        expect((await s.instances.get(a.instanceId))?.tags).not.toContainEqual(tag('Env', 'prod'));
        const many = Array.from({ length: 48 }, (_, i) => tag(`k${i}`, ''));
        await s.instances.createTags([a.instanceId], many);
        await rejectsWith(s.instances.createTags([a.instanceId], [tag('one-more', '')]), 'ERR_STORE_LIMIT_EXCEEDED', { reason: 'tags' });
      }));

      it('deletes tags by key, by key and value, or all but aws: tags', withStore(async (s) => {
        const a = instance([tag('Name', 'web'), tag('Env', 'prod'), tag('aws:cloudformation:stack-name', 's'), tag('Team', '')]);
        await s.instances.create([a]);
        await s.instances.deleteTags([a.instanceId], [{ key: 'Env', value: 'dev' }]);
        expect((await s.instances.get(a.instanceId))?.tags).toHaveLength(4);
        await s.instances.deleteTags([a.instanceId], [{ key: 'Env', value: 'prod' }, { key: 'name' }]);
        expect((await s.instances.get(a.instanceId))?.tags.map((t) => t.key)).toEqual(['Name', 'aws:cloudformation:stack-name', 'Team']);
        await s.instances.deleteTags([a.instanceId], [{ key: 'Team', value: '' }]);
        await s.instances.deleteTags([a.instanceId]);
        expect((await s.instances.get(a.instanceId))?.tags).toEqual([tag('aws:cloudformation:stack-name', 's')]);
        await rejectsWith(s.instances.deleteTags(['i-0000000000000dead']), 'ERR_STORE_NOT_FOUND', { entity: 'instance' });
      }));

      it('describes tags with filters and pages', withStore(async (s) => {
        const [a, b] = [instance([tag('Name', 'web'), tag('CostCenter', 'm')]), instance([tag('CostCenter', 'e')])];
        await s.instances.create([a, b]);
        expect((await s.instances.describeTags()).items).toEqual([
          { resourceId: a.instanceId, resourceType: 'instance', key: 'CostCenter', value: 'm' },
          { resourceId: a.instanceId, resourceType: 'instance', key: 'Name', value: 'web' },
          { resourceId: b.instanceId, resourceType: 'instance', key: 'CostCenter', value: 'e' },
        ]);
        const pages = await drain((t) => s.instances.describeTags({ maxItems: 2, ...(t === undefined ? {} : { nextToken: t }) }), 2);
        expect(pages.map((p) => p.length)).toEqual([2, 1]);
        expect((await s.instances.describeTags({ filters: [{ kind: 'key', values: [{ equals: 'CostCenter' }] }, { kind: 'value', values: [{ wildcard: 'e*' }] }] })).items)
          .toEqual([{ resourceId: b.instanceId, resourceType: 'instance', key: 'CostCenter', value: 'e' }]);
        expect((await s.instances.describeTags({ filters: [{ kind: 'resourceId', values: [{ equals: b.instanceId }] }] })).items).toHaveLength(1);
        await rejectsWith(s.instances.describeTags({ nextToken: 'eyJsIjoidGFnIiwicCI6Inh4In0' }), 'ERR_STORE_INVALID_TOKEN');
      }));

      it('changes state only from an expected state (compare-and-set)', withStore(async (s) => {
        const a = instance();
        await s.instances.create([a]);
        const change = await s.instances.updateInstanceState(a.instanceId, ['running'], 'stopping', { stateTransitionReason: 'User initiated' });
        expect(change).toEqual({
          instanceId: a.instanceId,
          previousState: { name: 'running', code: INSTANCE_STATE_CODES.running },
          currentState: { name: 'stopping', code: INSTANCE_STATE_CODES.stopping },
        });
        expect(await s.instances.get(a.instanceId)).toMatchObject({ state: { name: 'stopping', code: 64 }, stateTransitionReason: 'User initiated' });
        await rejectsWith(s.instances.updateInstanceState(a.instanceId, ['running', 'pending'], 'stopping'), 'ERR_STORE_CAS_FAILED', {
          entity: 'instance',
          key: a.instanceId,
          currentState: 'stopping',
        });
        await s.instances.updateInstanceState(a.instanceId, ['stopping'], 'stopped');
        expect((await s.instances.get(a.instanceId))?.stateTransitionReason).toBe('User initiated');
        await rejectsWith(s.instances.updateInstanceState('i-0000000000000dead', ['running'], 'stopped'), 'ERR_STORE_NOT_FOUND', { entity: 'instance' });
        await rejectsWith(s.instances.updateInstanceState(a.instanceId, ['stopped'], 'asleep' as InstanceStateName), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(s.instances.updateInstanceState(a.instanceId, [], 'running'), 'ERR_STORE_CAS_FAILED');
      }));

      it('lets exactly one of two concurrent callers win a transition', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const a = instance();
        await s.instances.create([a]);
        const results = await Promise.allSettled([
          s.instances.updateInstanceState(a.instanceId, ['running'], 'stopping'),
          other.instances.updateInstanceState(a.instanceId, ['running'], 'stopping'),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(lost.reason).toMatchObject({ code: 'ERR_STORE_CAS_FAILED', currentState: 'stopping' });
      }));

      it('ends consistent after a storm of Start and Stop from two nodes', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        const a = instance();
        await s.instances.create([a]);
        const attempts: Promise<{ from: string; to: string } | undefined>[] = [];
        for (let k = 0; k < 200; k++) {
          const node = k % 2 === 0 ? s : other;
          const stop = (k * 7919) % 3 !== 0;
          attempts.push(
            node.instances
              .updateInstanceState(a.instanceId, stop ? ['running'] : ['stopped'], stop ? 'stopped' : 'running')
              .then((c) => ({ from: c.previousState.name, to: c.currentState.name }))
              .catch((e: { code?: string }) => {
                if (e.code !== 'ERR_STORE_CAS_FAILED') throw e;
                return undefined;
              }),
          );
        }
        const done = (await Promise.all(attempts)).filter((x) => x !== undefined);
        const stops = done.filter((c) => c.to === 'stopped').length;
        const starts = done.filter((c) => c.to === 'running').length;
        // Successful transitions alternate: running → stopped → running …
        expect(stops - starts === 0 || stops - starts === 1).toBe(true);
        const final = (await other.instances.get(a.instanceId))?.state.name;
        expect(final).toBe(stops === starts ? 'running' : 'stopped');
      }));
    });

    describe('transactions', () => {
      it('commits every write of a transaction together', withStore(async (s) => {
        const result = await s.transaction(async (tx) => {
          await tx.roles.create(role('R'));
          await tx.policies.create(policy('P'));
          await tx.roles.attachPolicy('R', policy('P').arn);
          return 'done';
        });
        expect(result).toBe('done');
        expect((await s.roles.listAttachedPolicies('R')).items).toHaveLength(1);
      }));

      it('rolls back every write when the function rejects, and rejects with its error', withStore(async (s) => {
        await s.roles.create(role('Existing'));
        const boom = new Error('boom');
        await expect(
          s.transaction(async (tx) => {
            await tx.roles.create(role('R'));
            await tx.instances.create([instance([tag('a', 'b')])]);
            await tx.roles.update('Existing', { description: 'changed' });
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await s.roles.get('R')).toBeUndefined();
        expect((await s.instances.describe()).items).toEqual([]);
        expect((await s.instances.describeTags()).items).toEqual([]);
        expect(await s.roles.get('Existing')).not.toHaveProperty('description');
      }));

      it('rolls back when a store error escapes the function, and keeps going when one is caught', withStore(async (s) => {
        await s.roles.create(role('Taken'));
        await rejectsWith(
          s.transaction(async (tx) => {
            await tx.roles.create(role('New'));
            await tx.roles.create(role('TAKEN', { roleId: 'AROAXXXXXXXXXXXXXXXX' }));
          }),
          'ERR_STORE_CONFLICT',
        );
        expect(await s.roles.get('New')).toBeUndefined();
        await s.transaction(async (tx) => {
          await tx.roles.create(role('New'));
          await expect(tx.instances.create([instance(), { ...instance(), instanceId: '' }])).rejects.toMatchObject({ code: 'ERR_STORE_INVALID_INPUT' });
          const p = await tx.policies.create(policy('P'));
          await tx.policies.createVersion(p.arn, { document: '{}', createDate: T0, setAsDefault: false });
          await expect(tx.policies.delete(p.arn)).rejects.toMatchObject({ code: 'ERR_STORE_DELETE_CONFLICT' });
        });
        expect(await s.roles.get('New')).toBeDefined();
        expect((await s.policies.listVersions(policy('P').arn)).map((v) => v.versionId)).toEqual(['v2', 'v1']);
      }));

      it('keeps other work out of a running transaction: no dirty reads, no writes swept into its rollback', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let inside!: () => void;
        const started = new Promise<void>((r) => (inside = r));
        const tx = s.transaction(async (t) => {
          await t.roles.create(role('Uncommitted'));
          inside();
          await gate;
          throw new Error('roll back');
        });
        await started;
        const reads = [s.roles.get('Uncommitted'), other.roles.get('Uncommitted')];
        const write = s.roles.create(role('Outside'));
        await new Promise((r) => setTimeout(r, 20));
        release();
        await expect(tx).rejects.toThrow('roll back');
        // Had they run inside the transaction, the reads would have seen its row and the write
        // would have been rolled back with it after being acknowledged.
        expect(await Promise.all(reads)).toEqual([undefined, undefined]);
        await write;
        expect(await other.roles.get('Outside')).toBeDefined();
        expect(await other.roles.get('Uncommitted')).toBeUndefined();
      }));

      it('makes a committed transaction visible to every node at once', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        await s.transaction(async (t) => {
          await t.roles.create(role('Committed'));
          await new Promise((r) => setTimeout(r, 5));
        });
        expect(await other.roles.get('Committed')).toBeDefined();
      }));

      it('serializes read-modify-write transactions: no update is lost', withStore(async (s, fx) => {
        const other = await fx.openAnother();
        await s.roles.create(role('Counter', { tags: [tag('n', '0')] }));
        await Promise.all(
          Array.from({ length: 12 }, (_, k) =>
            (k % 2 === 0 ? s : other).transaction(async (tx) => {
              const r = await tx.roles.get('Counter');
              const n = Number(r?.tags.find((t) => t.key === 'n')?.value);
              await new Promise((res) => setTimeout(res, 1));
              await tx.roles.tag('Counter', [tag('n', String(n + 1))]);
            }),
          ),
        );
        expect((await s.roles.get('Counter'))?.tags).toEqual([tag('n', '12')]);
      }));

      it('refuses the store itself inside its own transaction, and the tx after it ended', withStore(async (s) => {
        let leaked: Parameters<Parameters<Store['transaction']>[0]>[0] | undefined;
        await rejectsWith(
          s.transaction(async (tx) => {
            leaked = tx;
            await s.roles.get('R');
          }),
          'ERR_STORE_TX_DEADLOCK',
        );
        await rejectsWith(s.transaction(async () => s.transaction(async () => 1)), 'ERR_STORE_TX_DEADLOCK');
        await rejectsWith((leaked as NonNullable<typeof leaked>).roles.get('R'), 'ERR_STORE_TX_CLOSED');
        // The store is still usable afterwards.
        await s.roles.create(role('R'));
      }));
    });

    describe('keyring', () => {
      it('keeps the first key when several nodes initialize at once, and rewraps it', withStore(async (s, fx) => {
        expect(await s.keyring.get('sealing')).toBeUndefined();
        const other = await fx.openAnother();
        const [ra, rb] = await Promise.all([
          s.keyring.initialize({ name: 'sealing', wrapped: new Uint8Array([1, 2, 3]), createDate: T0 }),
          other.keyring.initialize({ name: 'sealing', wrapped: new Uint8Array([4, 5]), createDate: new Date(T0.getTime() + 1) }),
        ]);
        expect(rb).toEqual(ra);
        const stored = await s.keyring.get('sealing');
        expect(stored).toEqual(ra);
        expect(stored?.wrapped).toBeInstanceOf(Uint8Array);
        const rewrapped = await other.keyring.rewrap('sealing', new Uint8Array([9, 9, 9, 9]));
        expect(rewrapped).toEqual({ name: 'sealing', wrapped: new Uint8Array([9, 9, 9, 9]), createDate: ra.createDate });
        expect(await s.keyring.get('sealing')).toEqual(rewrapped);
        expect(await s.keyring.get('other')).toBeUndefined();
      }));

      it('refuses to rewrap a key it does not hold', withStore(async (s) => {
        await rejectsWith(s.keyring.rewrap('missing', new Uint8Array([1])), 'ERR_STORE_NOT_FOUND');
        expect(await s.keyring.get('missing')).toBeUndefined();
      }));

      it('rolls a key back with its transaction', withStore(async (s) => {
        await expect(
          s.transaction(async (tx) => {
            await tx.keyring.initialize({ name: 'sealing', wrapped: new Uint8Array([1]), createDate: T0 });
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        expect(await s.keyring.get('sealing')).toBeUndefined();
      }));
    });

    describe('closing', () => {
      it('finishes running work, then refuses new calls', withStore(async (_s, fx) => {
        const s = await fx.openAnother();
        const tx = s.transaction(async (t) => {
          await new Promise((r) => setTimeout(r, 10));
          await t.roles.create(role('BeforeClose'));
        });
        const closing = s.close();
        await tx;
        await closing;
        await s.close();
        await rejectsWith(s.roles.get('BeforeClose'), 'ERR_STORE_CLOSED');
        await rejectsWith(s.transaction(async () => 1), 'ERR_STORE_CLOSED');
        expect(await fx.store.roles.get('BeforeClose')).toBeDefined();
      }));
    });
  });
}
