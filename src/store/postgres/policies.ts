// Customer managed policies and their versions on PostgreSQL. Version ids are `v<n>` with n from a
// per-policy counter that never goes back, so a deleted version's id is never reused (as IAM). The
// five-version limit, the default-version rules and the delete preconditions are checked in one
// serializable `atomic` block with the write, so two nodes creating versions at once cannot end with six.

import { conflict, deleteConflict, invalidInput, limitExceeded, notFound } from '../errors.js';
import {
  POLICY_VERSIONS_LIMIT,
  TAGS_PER_RESOURCE_LIMIT,
  type ManagedPolicy,
  type ManagedPolicyListRequest,
  type ManagedPolicyRepository,
  type NewManagedPolicy,
  type NewPolicyVersion,
  type Page,
  type PolicyAttachments,
  type PolicyVersion,
  type Tag,
} from '../port.js';
import { versionNumber } from '../iam-values.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import { checkDistinctKeys, mergeTags, removeTags } from '../tags.js';
import { date, isUniqueViolation, ms, parseTags, pgConstraint, tagsJson, type Row, type Sql } from './db.js';

const SELECT_POLICY = `SELECT p.*,
  (SELECT count(*) FROM role_policy_attachments WHERE policy_id = p.policy_id)
    + (SELECT count(*) FROM user_policy_attachments WHERE policy_id = p.policy_id) AS attachment_count,
  (SELECT count(*) FROM roles WHERE permissions_boundary_arn = p.arn)
    + (SELECT count(*) FROM users WHERE permissions_boundary_arn = p.arn) AS boundary_count
  FROM managed_policies p`;

const GET = `${SELECT_POLICY} WHERE p.arn = $1`;
const KEY = 'SELECT policy_id, policy_name, default_version, next_version, tags FROM managed_policies WHERE arn = $1';
const VERSION_EXISTS = 'SELECT 1 FROM policy_versions WHERE policy_id = $1 AND version_number = $2';
const VERSION_COUNT = 'SELECT count(*) AS n FROM policy_versions WHERE policy_id = $1';
const INSERT_VERSION = 'INSERT INTO policy_versions (policy_id, version_number, document, create_date) VALUES ($1, $2, $3, $4)';
const SET_TAGS = 'UPDATE managed_policies SET tags = $2 WHERE policy_id = $1';

function fromRow(r: Row): ManagedPolicy {
  const p: { -readonly [K in keyof ManagedPolicy]: ManagedPolicy[K] } = {
    policyId: r.policy_id as string,
    policyName: r.policy_name as string,
    path: r.path as string,
    arn: r.arn as string,
    defaultVersionId: `v${r.default_version as number}`,
    attachmentCount: r.attachment_count as number,
    permissionsBoundaryUsageCount: r.boundary_count as number,
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
    tags: parseTags(r.tags),
  };
  if (r.description !== null) p.description = r.description as string;
  return p;
}

function versionFromRow(r: Row, defaultVersion: number): PolicyVersion {
  return {
    versionId: `v${r.version_number as number}`,
    document: r.document as string,
    isDefaultVersion: r.version_number === defaultVersion,
    createDate: date(r.create_date),
  };
}

interface PolicyKey {
  readonly policyId: string;
  readonly policyName: string;
  readonly defaultVersion: number;
  readonly nextVersion: number;
  readonly tags: readonly Tag[];
}

async function policyKey(sql: Sql, arn: string): Promise<PolicyKey> {
  const r = await sql.row(KEY, [arn]);
  if (r === undefined) throw notFound('managedPolicy', arn);
  return {
    policyId: r.policy_id as string,
    policyName: r.policy_name as string,
    defaultVersion: r.default_version as number,
    nextVersion: r.next_version as number,
    tags: parseTags(r.tags),
  };
}

async function mustGet(sql: Sql, arn: string): Promise<ManagedPolicy> {
  const r = await sql.row(GET, [arn]);
  if (r === undefined) throw notFound('managedPolicy', arn);
  return fromRow(r);
}

export class PgManagedPolicies implements ManagedPolicyRepository {
  constructor(private readonly sql: Sql) {}

  async create(p: NewManagedPolicy): Promise<ManagedPolicy> {
    if (typeof p.policyId !== 'string' || typeof p.policyName !== 'string' || typeof p.arn !== 'string' || typeof p.policyDocument !== 'string') {
      throw invalidInput('policy needs a policyId, policyName, arn and policyDocument', 'managedPolicy');
    }
    checkDistinctKeys(p.tags, 'sensitive');
    if (p.tags.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('managedPolicy', p.policyName, 'tags', TAGS_PER_RESOURCE_LIMIT);
    const created = ms(p.createDate, 'createDate');
    return this.sql.atomic(async (sql) => {
      if ((await sql.row('SELECT 1 FROM managed_policies WHERE lower(policy_name) = lower($1::text COLLATE "C")', [p.policyName])) !== undefined) {
        throw conflict('managedPolicy', p.policyName);
      }
      try {
        await sql.run(
          `INSERT INTO managed_policies (policy_id, policy_name, path, arn, description, default_version, next_version,
           create_date, update_date, tags) VALUES ($1, $2, $3, $4, $5, 1, 2, $6, $6, $7)`,
          [p.policyId, p.policyName, p.path, p.arn, p.description ?? null, created, tagsJson(p.tags)],
        );
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('managedPolicy', pgConstraint(e) === 'managed_policies_name_key' ? p.policyName : p.arn);
        throw e;
      }
      await sql.run(INSERT_VERSION, [p.policyId, 1, p.policyDocument, created]);
      return mustGet(sql, p.arn);
    });
  }

  async get(arn: string): Promise<ManagedPolicy | undefined> {
    const r = await this.sql.row(GET, [arn]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(request?: ManagedPolicyListRequest): Promise<Page<ManagedPolicy>> {
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken('managedPolicy', request.nextToken, 'string');
    const rows = await this.sql.rows(
      `${SELECT_POLICY} WHERE ($1::text IS NULL OR starts_with(p.path, $1::text))
       AND (NOT $2::boolean OR EXISTS (SELECT 1 FROM role_policy_attachments WHERE policy_id = p.policy_id)
            OR EXISTS (SELECT 1 FROM user_policy_attachments WHERE policy_id = p.policy_id))
       AND ($3::text IS NULL OR lower(p.policy_name) > lower($3::text COLLATE "C")) ORDER BY lower(p.policy_name) LIMIT $4::bigint`,
      [request?.pathPrefix ?? null, request?.onlyAttached === true, after, size === undefined ? null : size + 1],
    );
    const items = rows.slice(0, size ?? rows.length).map(fromRow);
    if (size === undefined || rows.length <= size) return { items };
    return { items, nextToken: encodeToken('managedPolicy', (items[items.length - 1] as ManagedPolicy).policyName) };
  }

  async delete(arn: string): Promise<void> {
    await this.sql.atomic(async (sql) => {
      const k = await policyKey(sql, arn);
      // IAM: "you must first detach the policy from all users, groups, and roles … and delete all
      // of the policy's versions" except the default, which goes with the policy.
      const attached = await sql.row<{ attached: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM role_policy_attachments WHERE policy_id = $1)
             OR EXISTS (SELECT 1 FROM user_policy_attachments WHERE policy_id = $1) AS attached`,
        [k.policyId],
      );
      if (attached?.attached === true) throw deleteConflict('managedPolicy', k.policyName, 'attachments');
      if (((await sql.row<{ n: number }>(VERSION_COUNT, [k.policyId]))?.n ?? 0) > 1) throw deleteConflict('managedPolicy', k.policyName, 'policyVersions');
      await sql.run('DELETE FROM managed_policies WHERE policy_id = $1', [k.policyId]);
    });
  }

  async createVersion(arn: string, v: NewPolicyVersion): Promise<PolicyVersion> {
    if (typeof v.document !== 'string') throw invalidInput('policy version needs a document', 'policyVersion');
    const created = ms(v.createDate, 'createDate');
    return this.sql.atomic(async (sql) => {
      const k = await policyKey(sql, arn);
      if (((await sql.row<{ n: number }>(VERSION_COUNT, [k.policyId]))?.n ?? 0) >= POLICY_VERSIONS_LIMIT) {
        throw limitExceeded('managedPolicy', k.policyName, 'policyVersions', POLICY_VERSIONS_LIMIT);
      }
      const n = k.nextVersion;
      await sql.run(INSERT_VERSION, [k.policyId, n, v.document, created]);
      const defaultVersion = v.setAsDefault ? n : k.defaultVersion;
      await sql.run('UPDATE managed_policies SET next_version = $1, default_version = $2, update_date = $3 WHERE policy_id = $4', [
        n + 1,
        defaultVersion,
        created,
        k.policyId,
      ]);
      return { versionId: `v${n}`, document: v.document, isDefaultVersion: n === defaultVersion, createDate: new Date(created) };
    });
  }

  async getVersion(arn: string, versionId: string): Promise<PolicyVersion> {
    const n = versionNumber(versionId) ?? null;
    const r = await this.sql.row(
      `SELECT p.default_version, v.version_number, v.document, v.create_date FROM managed_policies p
       LEFT JOIN policy_versions v ON v.policy_id = p.policy_id AND v.version_number = $2::integer WHERE p.arn = $1`,
      [arn, n],
    );
    if (r === undefined) throw notFound('managedPolicy', arn);
    if (r.version_number === null) throw notFound('policyVersion', versionId);
    return versionFromRow(r, r.default_version as number);
  }

  async listVersions(arn: string): Promise<readonly PolicyVersion[]> {
    const rows = await this.sql.rows(
      `SELECT p.default_version, v.version_number, v.document, v.create_date FROM managed_policies p
       LEFT JOIN policy_versions v ON v.policy_id = p.policy_id WHERE p.arn = $1 ORDER BY v.version_number DESC`,
      [arn],
    );
    if (rows.length === 0) throw notFound('managedPolicy', arn);
    return rows.filter((r) => r.version_number !== null).map((r) => versionFromRow(r, r.default_version as number));
  }

  async setDefaultVersion(arn: string, versionId: string): Promise<ManagedPolicy> {
    return this.sql.atomic(async (sql) => {
      const k = await policyKey(sql, arn);
      const n = versionNumber(versionId);
      if (n === undefined || (await sql.row(VERSION_EXISTS, [k.policyId, n])) === undefined) throw notFound('policyVersion', versionId);
      await sql.run('UPDATE managed_policies SET default_version = $1 WHERE policy_id = $2', [n, k.policyId]);
      return mustGet(sql, arn);
    });
  }

  async deleteVersion(arn: string, versionId: string): Promise<void> {
    await this.sql.atomic(async (sql) => {
      const k = await policyKey(sql, arn);
      const n = versionNumber(versionId);
      if (n === undefined || (await sql.row(VERSION_EXISTS, [k.policyId, n])) === undefined) throw notFound('policyVersion', versionId);
      if (n === k.defaultVersion) throw deleteConflict('policyVersion', versionId, 'defaultVersion');
      await sql.run('DELETE FROM policy_versions WHERE policy_id = $1 AND version_number = $2', [k.policyId, n]);
    });
  }

  async listAttachments(arn: string): Promise<PolicyAttachments> {
    return this.sql.atomic(async (sql) => {
      const k = await policyKey(sql, arn);
      const roles = await sql.rows(
        `SELECT r.role_name, r.role_id FROM role_policy_attachments a JOIN roles r ON r.role_id = a.role_id
         WHERE a.policy_id = $1 ORDER BY lower(r.role_name)`,
        [k.policyId],
      );
      const users = await sql.rows(
        `SELECT u.user_name, u.user_id FROM user_policy_attachments a JOIN users u ON u.user_id = a.user_id
         WHERE a.policy_id = $1 ORDER BY lower(u.user_name)`,
        [k.policyId],
      );
      return {
        roles: roles.map((r) => ({ roleName: r.role_name as string, roleId: r.role_id as string })),
        users: users.map((r) => ({ userName: r.user_name as string, userId: r.user_id as string })),
      };
    });
  }

  async tag(arn: string, tags: readonly Tag[]): Promise<ManagedPolicy> {
    checkDistinctKeys(tags, 'sensitive');
    return this.sql.atomic(async (sql) => {
      const k = await policyKey(sql, arn);
      const next = mergeTags(k.tags, tags, 'sensitive');
      if (next.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('managedPolicy', k.policyName, 'tags', TAGS_PER_RESOURCE_LIMIT);
      await sql.run(SET_TAGS, [k.policyId, tagsJson(next)]);
      return mustGet(sql, arn);
    });
  }

  async untag(arn: string, keys: readonly string[]): Promise<ManagedPolicy> {
    return this.sql.atomic(async (sql) => {
      const k = await policyKey(sql, arn);
      await sql.run(SET_TAGS, [k.policyId, tagsJson(removeTags(k.tags, keys, 'sensitive'))]);
      return mustGet(sql, arn);
    });
  }
}
