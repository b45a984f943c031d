// Roles and users on PostgreSQL: one implementation, two table layouts. Names are unique
// case-insensitively (a unique index on lower(name); IAM names are ASCII); tag keys fold case as IAM
// does for these two; inline policies, attachments and access keys block a delete (IAM's
// DeleteConflict) instead of cascading. Read-modify-writes run in one serializable `atomic` block;
// reads are single statements (one snapshot each), so authorization's getPolicySet is one round trip.

import { conflict, deleteConflict, invalidInput, limitExceeded, notFound, type StoreEntity, type StoreReason } from '../errors.js';
import {
  TAGS_PER_RESOURCE_LIMIT,
  type AttachedPolicy,
  type EffectivePolicy,
  type InlinePolicy,
  type Page,
  type PageRequest,
  type PathListRequest,
  type PrincipalPolicySet,
  type PrincipalRepository,
  type Role,
  type RoleUpdate,
  type Tag,
  type User,
  type UserUpdate,
} from '../port.js';
import { applyRole, applyUser, nonNegativeInt, validateRole, validateUser, type Principal } from '../iam-values.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import { checkDistinctKeys, mergeTags, removeTags } from '../tags.js';
import { date, isUniqueViolation, ms, parseTags, pgConstraint, tagsJson, type Row, type Sql } from './db.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface PrincipalSpec<T extends Principal, U> {
  readonly entity: 'role' | 'user';
  readonly table: 'roles' | 'users';
  readonly idCol: 'role_id' | 'user_id';
  readonly nameCol: 'role_name' | 'user_name';
  readonly inlineTable: 'role_inline_policies' | 'user_inline_policies';
  readonly attachTable: 'role_policy_attachments' | 'user_policy_attachments';
  readonly inlineEntity: StoreEntity;
  readonly attachEntity: StoreEntity;
  /** `RETURNING *`; parameters from `insertValues`. */
  readonly insertSql: string;
  /** Sets every mutable column from `updateValues` (`$1` is the id), `RETURNING *`. */
  readonly updateSql: string;
  /** Checked in order before a delete. */
  readonly dependents: readonly { readonly table: string; readonly reason: StoreReason }[];
  fromRow(r: Row): T;
  insertValues(p: T): unknown[];
  updateValues(p: T): unknown[];
  apply(cur: T, patch: U): T;
  id(p: T): string;
  name(p: T): string;
  validate(p: T): void;
}

export const ROLE_SPEC: PrincipalSpec<Role, RoleUpdate> = {
  entity: 'role',
  table: 'roles',
  idCol: 'role_id',
  nameCol: 'role_name',
  inlineTable: 'role_inline_policies',
  attachTable: 'role_policy_attachments',
  inlineEntity: 'roleInlinePolicy',
  attachEntity: 'roleAttachment',
  insertSql: `INSERT INTO roles (role_id, role_name, path, arn, assume_role_policy_document, description, max_session_duration,
    permissions_boundary_arn, create_date, tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
  updateSql: `UPDATE roles SET assume_role_policy_document = $2, description = $3, max_session_duration = $4,
    permissions_boundary_arn = $5, tags = $6 WHERE role_id = $1 RETURNING *`,
  dependents: [
    { table: 'role_inline_policies', reason: 'inlinePolicies' },
    { table: 'role_policy_attachments', reason: 'attachedPolicies' },
  ],
  fromRow(r) {
    const role: Mutable<Role> = {
      roleId: r.role_id as string,
      roleName: r.role_name as string,
      path: r.path as string,
      arn: r.arn as string,
      assumeRolePolicyDocument: r.assume_role_policy_document as string,
      maxSessionDuration: r.max_session_duration as number,
      createDate: date(r.create_date),
      tags: parseTags(r.tags),
    };
    if (r.description !== null) role.description = r.description as string;
    if (r.permissions_boundary_arn !== null) role.permissionsBoundaryArn = r.permissions_boundary_arn as string;
    return role;
  },
  insertValues(p) {
    return [
      p.roleId,
      p.roleName,
      p.path,
      p.arn,
      p.assumeRolePolicyDocument,
      p.description ?? null,
      nonNegativeInt(p.maxSessionDuration, 'maxSessionDuration'),
      p.permissionsBoundaryArn ?? null,
      ms(p.createDate, 'createDate'),
      tagsJson(p.tags),
    ];
  },
  updateValues(p) {
    return [
      p.roleId,
      p.assumeRolePolicyDocument,
      p.description ?? null,
      nonNegativeInt(p.maxSessionDuration, 'maxSessionDuration'),
      p.permissionsBoundaryArn ?? null,
      tagsJson(p.tags),
    ];
  },
  apply: applyRole,
  id: (p) => p.roleId,
  name: (p) => p.roleName,
  validate: validateRole,
};

export const USER_SPEC: PrincipalSpec<User, UserUpdate> = {
  entity: 'user',
  table: 'users',
  idCol: 'user_id',
  nameCol: 'user_name',
  inlineTable: 'user_inline_policies',
  attachTable: 'user_policy_attachments',
  inlineEntity: 'userInlinePolicy',
  attachEntity: 'userAttachment',
  insertSql: `INSERT INTO users (user_id, user_name, path, arn, permissions_boundary_arn, create_date, tags)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
  updateSql: 'UPDATE users SET permissions_boundary_arn = $2, tags = $3 WHERE user_id = $1 RETURNING *',
  dependents: [
    { table: 'user_inline_policies', reason: 'inlinePolicies' },
    { table: 'user_policy_attachments', reason: 'attachedPolicies' },
    { table: 'access_keys', reason: 'accessKeys' },
  ],
  fromRow(r) {
    const user: Mutable<User> = {
      userId: r.user_id as string,
      userName: r.user_name as string,
      path: r.path as string,
      arn: r.arn as string,
      createDate: date(r.create_date),
      tags: parseTags(r.tags),
    };
    if (r.permissions_boundary_arn !== null) user.permissionsBoundaryArn = r.permissions_boundary_arn as string;
    return user;
  },
  insertValues(p) {
    return [p.userId, p.userName, p.path, p.arn, p.permissionsBoundaryArn ?? null, ms(p.createDate, 'createDate'), tagsJson(p.tags)];
  },
  updateValues(p) {
    return [p.userId, p.permissionsBoundaryArn ?? null, tagsJson(p.tags)];
  },
  apply: applyUser,
  id: (p) => p.userId,
  name: (p) => p.userName,
  validate: validateUser,
};

function effective(r: Row): EffectivePolicy {
  return {
    policyArn: r.policy_arn as string,
    policyName: r.policy_name as string,
    versionId: `v${r.default_version as number}`,
    document: r.document as string,
  };
}

/** Every statement of one spec, built once from its table names (never from values). */
function statements(spec: PrincipalSpec<Principal, unknown>) {
  const { table, idCol, nameCol, inlineTable, attachTable } = spec;
  const byName = `lower(${nameCol}) = lower($1::text COLLATE "C")`;
  const effectiveJoin = 'JOIN policy_versions v ON v.policy_id = p.policy_id AND v.version_number = p.default_version';
  return {
    get: `SELECT * FROM ${table} WHERE ${byName}`,
    getById: `SELECT * FROM ${table} WHERE ${idCol} = $1`,
    idByName: `SELECT ${idCol} AS id, ${nameCol} AS name FROM ${table} WHERE ${byName}`,
    nameTaken: `SELECT 1 FROM ${table} WHERE ${byName}`,
    setTags: `UPDATE ${table} SET tags = $2 WHERE ${idCol} = $1`,
    list: `SELECT * FROM ${table} WHERE ($1::text IS NULL OR starts_with(path, $1::text))
      AND ($2::text IS NULL OR lower(${nameCol}) > lower($2::text COLLATE "C")) ORDER BY lower(${nameCol}) LIMIT $3::bigint`,
    delete: `DELETE FROM ${table} WHERE ${idCol} = $1`,
    policyIdByArn: 'SELECT policy_id FROM managed_policies WHERE arn = $1',
    attach: `INSERT INTO ${attachTable} (${idCol}, policy_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    detach: `DELETE FROM ${attachTable} WHERE ${idCol} = $1 AND policy_id = $2`,
    // The principal's row, left-joined with the page: no row at all means no such principal.
    listAttached: `SELECT x.policy_name, x.arn FROM ${table} r LEFT JOIN (
        SELECT a.${idCol} AS owner, p.policy_name, p.arn FROM ${attachTable} a JOIN managed_policies p ON p.policy_id = a.policy_id
        WHERE ($2::text IS NULL OR starts_with(p.path, $2::text)) AND ($3::text IS NULL OR lower(p.policy_name) > lower($3::text COLLATE "C"))
      ) x ON x.owner = r.${idCol}
      WHERE lower(r.${nameCol}) = lower($1::text COLLATE "C") ORDER BY lower(x.policy_name) LIMIT $4::bigint`,
    putInline: `INSERT INTO ${inlineTable} (${idCol}, policy_name, policy_document)
      SELECT ${idCol}, $2, $3 FROM ${table} WHERE ${byName}
      ON CONFLICT (${idCol}, policy_name) DO UPDATE SET policy_document = excluded.policy_document`,
    getInline: `SELECT i.policy_name, i.policy_document FROM ${table} r
      LEFT JOIN ${inlineTable} i ON i.${idCol} = r.${idCol} AND i.policy_name = $2
      WHERE lower(r.${nameCol}) = lower($1::text COLLATE "C")`,
    listInlineNames: `SELECT i.policy_name FROM ${table} r
      LEFT JOIN ${inlineTable} i ON i.${idCol} = r.${idCol} AND ($2::text IS NULL OR i.policy_name > $2::text)
      WHERE lower(r.${nameCol}) = lower($1::text COLLATE "C") ORDER BY i.policy_name LIMIT $3::bigint`,
    deleteInline: `DELETE FROM ${inlineTable} WHERE ${idCol} = $1 AND policy_name = $2`,
    // Inline policies (kind 0, by name), attached default versions (1, by name in any case, as
    // managed policy names compare), the boundary (2) and the principal itself (3, so an empty set is
    // told apart from a missing principal): one statement, one snapshot, one round trip.
    policySet: `WITH pr AS (SELECT ${idCol} AS id, permissions_boundary_arn AS boundary FROM ${table} WHERE ${byName})
      SELECT 0 AS kind, i.policy_name AS sort_key, i.policy_name, i.policy_document AS document, NULL::text AS policy_arn,
          NULL::integer AS default_version
        FROM pr JOIN ${inlineTable} i ON i.${idCol} = pr.id
      UNION ALL
      SELECT 1, lower(p.policy_name), p.policy_name, v.document, p.arn, p.default_version
        FROM pr JOIN ${attachTable} a ON a.${idCol} = pr.id JOIN managed_policies p ON p.policy_id = a.policy_id ${effectiveJoin}
      UNION ALL
      SELECT 2, NULL, p.policy_name, v.document, p.arn, p.default_version
        FROM pr JOIN managed_policies p ON p.arn = pr.boundary ${effectiveJoin}
      UNION ALL
      SELECT 3, NULL, NULL, NULL, NULL, NULL FROM pr
      ORDER BY kind, sort_key`,
    dependents: spec.dependents.map((d) => ({ sql: `SELECT 1 FROM ${d.table} WHERE ${idCol} = $1 LIMIT 1`, reason: d.reason })),
  };
}

export class PgPrincipals<T extends Principal, U> implements PrincipalRepository<T, U> {
  readonly #sql: Sql;
  readonly #spec: PrincipalSpec<T, U>;
  readonly #s: ReturnType<typeof statements>;

  constructor(sql: Sql, spec: PrincipalSpec<T, U>) {
    this.#sql = sql;
    this.#spec = spec;
    this.#s = statements(spec as unknown as PrincipalSpec<Principal, unknown>);
  }

  async create(p: T): Promise<T> {
    const spec = this.#spec;
    spec.validate(p);
    checkDistinctKeys(p.tags, 'insensitive');
    if (p.tags.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded(spec.entity, spec.name(p), 'tags', TAGS_PER_RESOURCE_LIMIT);
    const values = spec.insertValues(p);
    return this.#sql.atomic(async (sql) => {
      if ((await sql.row(this.#s.nameTaken, [spec.name(p)])) !== undefined) throw conflict(spec.entity, spec.name(p));
      try {
        return spec.fromRow((await sql.row(spec.insertSql, values)) as Row);
      } catch (e) {
        if (isUniqueViolation(e)) {
          // The name was free when read: the id or the ARN is taken (or a racing node took the name).
          const c = pgConstraint(e);
          throw conflict(spec.entity, c === `${spec.table}_name_key` ? spec.name(p) : c === `${spec.table}_pkey` ? spec.id(p) : p.arn);
        }
        throw e;
      }
    });
  }

  async get(name: string): Promise<T | undefined> {
    const r = await this.#sql.row(this.#s.get, [name]);
    return r === undefined ? undefined : this.#spec.fromRow(r);
  }

  async getById(id: string): Promise<T | undefined> {
    const r = await this.#sql.row(this.#s.getById, [id]);
    return r === undefined ? undefined : this.#spec.fromRow(r);
  }

  async list(request?: PathListRequest): Promise<Page<T>> {
    const list = this.#spec.entity;
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken(list, request.nextToken, 'string');
    const rows = await this.#sql.rows(this.#s.list, [request?.pathPrefix ?? null, after, size === undefined ? null : size + 1]);
    const items = rows.slice(0, size ?? rows.length).map((r) => this.#spec.fromRow(r));
    if (size === undefined || rows.length <= size) return { items };
    return { items, nextToken: encodeToken(list, this.#spec.name(items[items.length - 1] as T)) };
  }

  async update(name: string, patch: U): Promise<T> {
    return this.#sql.atomic(async (sql) => {
      const cur = await this.#mustGet(sql, name);
      const next = this.#spec.apply(cur, patch);
      return this.#spec.fromRow((await sql.row(this.#spec.updateSql, this.#spec.updateValues(next))) as Row);
    });
  }

  async tag(name: string, tags: readonly Tag[]): Promise<T> {
    checkDistinctKeys(tags, 'insensitive');
    return this.#sql.atomic(async (sql) => {
      const cur = await this.#mustGet(sql, name);
      const next = mergeTags(cur.tags, tags, 'insensitive');
      if (next.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded(this.#spec.entity, this.#spec.name(cur), 'tags', TAGS_PER_RESOURCE_LIMIT);
      await sql.run(this.#s.setTags, [this.#spec.id(cur), tagsJson(next)]);
      return { ...cur, tags: next };
    });
  }

  async untag(name: string, keys: readonly string[]): Promise<T> {
    return this.#sql.atomic(async (sql) => {
      const cur = await this.#mustGet(sql, name);
      const next = removeTags(cur.tags, keys, 'insensitive');
      await sql.run(this.#s.setTags, [this.#spec.id(cur), tagsJson(next)]);
      return { ...cur, tags: next };
    });
  }

  async delete(name: string): Promise<void> {
    await this.#sql.atomic(async (sql) => {
      const { id, name: stored } = await this.#mustFind(sql, name);
      for (const d of this.#s.dependents) {
        if ((await sql.row(d.sql, [id])) !== undefined) throw deleteConflict(this.#spec.entity, stored, d.reason);
      }
      await sql.run(this.#s.delete, [id]);
    });
  }

  async attachPolicy(name: string, policyArn: string): Promise<boolean> {
    return this.#sql.atomic(async (sql) => {
      const { id } = await this.#mustFind(sql, name);
      return (await sql.run(this.#s.attach, [id, await this.#policyId(sql, policyArn)])) > 0;
    });
  }

  async detachPolicy(name: string, policyArn: string): Promise<void> {
    await this.#sql.atomic(async (sql) => {
      const { id } = await this.#mustFind(sql, name);
      if ((await sql.run(this.#s.detach, [id, await this.#policyId(sql, policyArn)])) === 0) throw notFound(this.#spec.attachEntity, policyArn);
    });
  }

  async listAttachedPolicies(name: string, request?: PathListRequest): Promise<Page<AttachedPolicy>> {
    const list = this.#spec.attachEntity;
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken(list, request.nextToken, 'string');
    const rows = await this.#sql.rows(this.#s.listAttached, [name, request?.pathPrefix ?? null, after, size === undefined ? null : size + 1]);
    if (rows.length === 0) throw notFound(this.#spec.entity, name);
    const found = rows.filter((r) => r.policy_name !== null);
    const items = found.slice(0, size ?? found.length).map((r) => ({ policyName: r.policy_name as string, policyArn: r.arn as string }));
    if (size === undefined || found.length <= size) return { items };
    return { items, nextToken: encodeToken(list, (items[items.length - 1] as AttachedPolicy).policyName) };
  }

  async putInlinePolicy(name: string, policy: InlinePolicy): Promise<void> {
    if (typeof policy.policyName !== 'string' || typeof policy.policyDocument !== 'string') {
      throw invalidInput('inline policy needs a policyName and a policyDocument', this.#spec.inlineEntity);
    }
    // One statement: the insert selects the principal, so no row written means no such principal.
    const n = await this.#sql.atomic((sql) => sql.run(this.#s.putInline, [name, policy.policyName, policy.policyDocument]));
    if (n === 0) throw notFound(this.#spec.entity, name);
  }

  async getInlinePolicy(name: string, policyName: string): Promise<InlinePolicy> {
    const r = await this.#sql.row(this.#s.getInline, [name, policyName]);
    if (r === undefined) throw notFound(this.#spec.entity, name);
    if (r.policy_name === null) throw notFound(this.#spec.inlineEntity, policyName);
    return { policyName: r.policy_name as string, policyDocument: r.policy_document as string };
  }

  async listInlinePolicyNames(name: string, request?: PageRequest): Promise<Page<string>> {
    const list = this.#spec.inlineEntity;
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken(list, request.nextToken, 'string');
    const rows = await this.#sql.rows(this.#s.listInlineNames, [name, after, size === undefined ? null : size + 1]);
    if (rows.length === 0) throw notFound(this.#spec.entity, name);
    const found = rows.filter((r) => r.policy_name !== null).map((r) => r.policy_name as string);
    const items = found.slice(0, size ?? found.length);
    if (size === undefined || found.length <= size) return { items };
    return { items, nextToken: encodeToken(list, items[items.length - 1] as string) };
  }

  async deleteInlinePolicy(name: string, policyName: string): Promise<void> {
    await this.#sql.atomic(async (sql) => {
      const { id } = await this.#mustFind(sql, name);
      if ((await sql.run(this.#s.deleteInline, [id, policyName])) === 0) throw notFound(this.#spec.inlineEntity, policyName);
    });
  }

  async getPolicySet(name: string): Promise<PrincipalPolicySet> {
    const rows = await this.#sql.rows(this.#s.policySet, [name]);
    if (rows.length === 0) throw notFound(this.#spec.entity, name);
    const set: Mutable<PrincipalPolicySet> = { inlinePolicies: [], attachedPolicies: [] };
    const inline: InlinePolicy[] = [];
    const attached: EffectivePolicy[] = [];
    for (const r of rows) {
      if (r.kind === 0) inline.push({ policyName: r.policy_name as string, policyDocument: r.document as string });
      else if (r.kind === 1) attached.push(effective(r));
      else if (r.kind === 2) set.permissionsBoundary = effective(r);
    }
    set.inlinePolicies = inline;
    set.attachedPolicies = attached;
    return set;
  }

  async #mustGet(sql: Sql, name: string): Promise<T> {
    const r = await sql.row(this.#s.get, [name]);
    if (r === undefined) throw notFound(this.#spec.entity, name);
    return this.#spec.fromRow(r);
  }

  async #mustFind(sql: Sql, name: string): Promise<{ id: string; name: string }> {
    const r = await sql.row<{ id: string; name: string }>(this.#s.idByName, [name]);
    if (r === undefined) throw notFound(this.#spec.entity, name);
    return r;
  }

  async #policyId(sql: Sql, arn: string): Promise<string> {
    const r = await sql.row<{ policy_id: string }>(this.#s.policyIdByArn, [arn]);
    if (r === undefined) throw notFound('managedPolicy', arn);
    return r.policy_id;
  }
}
