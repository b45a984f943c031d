// Roles and users: one implementation, two table layouts. Names are unique case-insensitively (the
// name columns are COLLATE NOCASE); tag keys fold case as IAM does for these two; inline policies,
// attachments and access keys block a delete (IAM's DeleteConflict) instead of cascading.

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
import { date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { parseTags, tagsJson, type Sync } from './sync.js';

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
  /** Named parameters from `params`. */
  readonly insertSql: string;
  /** Sets every mutable column from `params`, `WHERE <id> = @id`. */
  readonly updateSql: string;
  /** Checked in order before a delete. */
  readonly dependents: readonly { readonly table: string; readonly reason: StoreReason }[];
  fromRow(r: Row): T;
  params(p: T): Record<string, unknown>;
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
    permissions_boundary_arn, create_date, tags)
    VALUES (@id, @name, @path, @arn, @trust, @description, @maxSessionDuration, @boundary, @createDate, @tags)`,
  updateSql: `UPDATE roles SET assume_role_policy_document = @trust, description = @description,
    max_session_duration = @maxSessionDuration, permissions_boundary_arn = @boundary, tags = @tags WHERE role_id = @id`,
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
  params(p) {
    return {
      id: p.roleId,
      name: p.roleName,
      path: p.path,
      arn: p.arn,
      trust: p.assumeRolePolicyDocument,
      description: p.description ?? null,
      maxSessionDuration: nonNegativeInt(p.maxSessionDuration, 'maxSessionDuration'),
      boundary: p.permissionsBoundaryArn ?? null,
      createDate: ms(p.createDate, 'createDate'),
      tags: tagsJson(p.tags),
    };
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
    VALUES (@id, @name, @path, @arn, @boundary, @createDate, @tags)`,
  updateSql: 'UPDATE users SET permissions_boundary_arn = @boundary, tags = @tags WHERE user_id = @id',
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
  params(p) {
    return {
      id: p.userId,
      name: p.userName,
      path: p.path,
      arn: p.arn,
      boundary: p.permissionsBoundaryArn ?? null,
      createDate: ms(p.createDate, 'createDate'),
      tags: tagsJson(p.tags),
    };
  },
  apply: applyUser,
  id: (p) => p.userId,
  name: (p) => p.userName,
  validate: validateUser,
};

/** The named parameters a statement uses, in order of appearance. */
function paramNames(sql: string): readonly string[] {
  return [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string))];
}

/** Only the keys a statement names: better-sqlite3 refuses named parameters the SQL does not use. */
function pick(params: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = params[n];
  return out;
}

const EFFECTIVE_COLUMNS = 'p.arn AS policy_arn, p.policy_name, p.default_version, v.document';
const EFFECTIVE_JOIN = 'JOIN policy_versions v ON v.policy_id = p.policy_id AND v.version_number = p.default_version';

function effective(r: Row): EffectivePolicy {
  return {
    policyArn: r.policy_arn as string,
    policyName: r.policy_name as string,
    versionId: `v${r.default_version as number}`,
    document: r.document as string,
  };
}

export class SqlitePrincipals<T extends Principal, U> implements Sync<PrincipalRepository<T, U>> {
  readonly #db: Db;
  readonly #spec: PrincipalSpec<T, U>;
  readonly #s: Record<
    | 'get' | 'getById' | 'idByName' | 'insert' | 'update' | 'setTags' | 'list' | 'delete' | 'policyIdByArn' | 'attach'
    | 'detach' | 'listAttached' | 'putInline' | 'getInline' | 'listInlineNames' | 'deleteInline' | 'allInline'
    | 'allAttached' | 'boundary',
    Statement
  >;
  readonly #dependents: readonly { readonly stmt: Statement; readonly reason: StoreReason }[];
  readonly #insertParams: readonly string[];
  readonly #updateParams: readonly string[];

  constructor(db: Db, spec: PrincipalSpec<T, U>) {
    this.#db = db;
    this.#spec = spec;
    this.#insertParams = paramNames(spec.insertSql);
    this.#updateParams = paramNames(spec.updateSql);
    const { table, idCol, nameCol, inlineTable, attachTable } = spec;
    this.#s = {
      get: db.prepare(`SELECT * FROM ${table} WHERE ${nameCol} = ?`),
      getById: db.prepare(`SELECT * FROM ${table} WHERE ${idCol} = ?`),
      idByName: db.prepare(`SELECT ${idCol} AS id, ${nameCol} AS name FROM ${table} WHERE ${nameCol} = ?`),
      insert: db.prepare(spec.insertSql),
      update: db.prepare(spec.updateSql),
      setTags: db.prepare(`UPDATE ${table} SET tags = ? WHERE ${idCol} = ?`),
      list: db.prepare(
        `SELECT * FROM ${table} WHERE (@prefix IS NULL OR substr(path, 1, length(@prefix)) = @prefix)
         AND (@after IS NULL OR ${nameCol} > @after) ORDER BY ${nameCol} LIMIT @limit`,
      ),
      delete: db.prepare(`DELETE FROM ${table} WHERE ${idCol} = ?`),
      policyIdByArn: db.prepare('SELECT policy_id FROM managed_policies WHERE arn = ?'),
      attach: db.prepare(`INSERT INTO ${attachTable} (${idCol}, policy_id) VALUES (?, ?) ON CONFLICT DO NOTHING`),
      detach: db.prepare(`DELETE FROM ${attachTable} WHERE ${idCol} = ? AND policy_id = ?`),
      listAttached: db.prepare(
        `SELECT p.policy_name, p.arn FROM ${attachTable} a JOIN managed_policies p ON p.policy_id = a.policy_id
         WHERE a.${idCol} = @id AND (@prefix IS NULL OR substr(p.path, 1, length(@prefix)) = @prefix)
         AND (@after IS NULL OR p.policy_name > @after) ORDER BY p.policy_name LIMIT @limit`,
      ),
      putInline: db.prepare(
        `INSERT INTO ${inlineTable} (${idCol}, policy_name, policy_document) VALUES (?, ?, ?)
         ON CONFLICT (${idCol}, policy_name) DO UPDATE SET policy_document = excluded.policy_document`,
      ),
      getInline: db.prepare(`SELECT policy_name, policy_document FROM ${inlineTable} WHERE ${idCol} = ? AND policy_name = ?`),
      listInlineNames: db.prepare(
        `SELECT policy_name FROM ${inlineTable} WHERE ${idCol} = @id AND (@after IS NULL OR policy_name > @after)
         ORDER BY policy_name LIMIT @limit`,
      ),
      deleteInline: db.prepare(`DELETE FROM ${inlineTable} WHERE ${idCol} = ? AND policy_name = ?`),
      allInline: db.prepare(`SELECT policy_name, policy_document FROM ${inlineTable} WHERE ${idCol} = ? ORDER BY policy_name`),
      allAttached: db.prepare(
        `SELECT ${EFFECTIVE_COLUMNS} FROM ${attachTable} a JOIN managed_policies p ON p.policy_id = a.policy_id ${EFFECTIVE_JOIN}
         WHERE a.${idCol} = ? ORDER BY p.policy_name`,
      ),
      boundary: db.prepare(`SELECT ${EFFECTIVE_COLUMNS} FROM managed_policies p ${EFFECTIVE_JOIN} WHERE p.arn = ?`),
    };
    this.#dependents = spec.dependents.map((d) => ({
      stmt: db.prepare(`SELECT 1 FROM ${d.table} WHERE ${idCol} = ? LIMIT 1`),
      reason: d.reason,
    }));
  }

  create(p: T): T {
    const spec = this.#spec;
    spec.validate(p);
    checkDistinctKeys(p.tags, 'insensitive');
    if (p.tags.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded(spec.entity, spec.name(p), 'tags', TAGS_PER_RESOURCE_LIMIT);
    return this.#db.write(() => {
      if (this.#s.idByName.get(spec.name(p)) !== undefined) throw conflict(spec.entity, spec.name(p));
      try {
        this.#s.insert.run(pick(spec.params(p), this.#insertParams));
      } catch (e) {
        // The name was free, so the id or the ARN is taken.
        if (isUniqueViolation(e)) throw conflict(spec.entity, this.#s.getById.get(spec.id(p)) ? spec.id(p) : p.arn);
        throw e;
      }
      return spec.fromRow(this.#s.getById.get(spec.id(p)) as Row);
    });
  }

  get(name: string): T | undefined {
    const r = this.#s.get.get(name) as Row | undefined;
    return r === undefined ? undefined : this.#spec.fromRow(r);
  }

  getById(id: string): T | undefined {
    const r = this.#s.getById.get(id) as Row | undefined;
    return r === undefined ? undefined : this.#spec.fromRow(r);
  }

  list(request?: PathListRequest): Page<T> {
    const list = this.#spec.entity;
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken(list, request.nextToken, 'string');
    const rows = this.#s.list.all({ prefix: request?.pathPrefix ?? null, after, limit: size === undefined ? -1 : size + 1 }) as Row[];
    const items = rows.slice(0, size ?? rows.length).map((r) => this.#spec.fromRow(r));
    if (size === undefined || rows.length <= size) return { items };
    return { items, nextToken: encodeToken(list, this.#spec.name(items[items.length - 1] as T)) };
  }

  update(name: string, patch: U): T {
    return this.#db.write(() => {
      const cur = this.#mustGet(name);
      const next = this.#spec.apply(cur, patch);
      this.#s.update.run(pick(this.#spec.params(next), this.#updateParams));
      return this.#spec.fromRow(this.#s.getById.get(this.#spec.id(cur)) as Row);
    });
  }

  tag(name: string, tags: readonly Tag[]): T {
    return this.#db.write(() => {
      const cur = this.#mustGet(name);
      const next = mergeTags(cur.tags, tags, 'insensitive');
      if (next.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded(this.#spec.entity, this.#spec.name(cur), 'tags', TAGS_PER_RESOURCE_LIMIT);
      this.#s.setTags.run(tagsJson(next), this.#spec.id(cur));
      return { ...cur, tags: next };
    });
  }

  untag(name: string, keys: readonly string[]): T {
    return this.#db.write(() => {
      const cur = this.#mustGet(name);
      const next = removeTags(cur.tags, keys, 'insensitive');
      this.#s.setTags.run(tagsJson(next), this.#spec.id(cur));
      return { ...cur, tags: next };
    });
  }

  delete(name: string): void {
    this.#db.write(() => {
      const { id, name: stored } = this.#mustFind(name);
      for (const d of this.#dependents) if (d.stmt.get(id) !== undefined) throw deleteConflict(this.#spec.entity, stored, d.reason);
      this.#s.delete.run(id);
    });
  }

  attachPolicy(name: string, policyArn: string): boolean {
    return this.#db.write(() => {
      const { id } = this.#mustFind(name);
      return this.#s.attach.run(id, this.#policyId(policyArn)).changes > 0;
    });
  }

  detachPolicy(name: string, policyArn: string): void {
    this.#db.write(() => {
      const { id } = this.#mustFind(name);
      if (this.#s.detach.run(id, this.#policyId(policyArn)).changes === 0) throw notFound(this.#spec.attachEntity, policyArn);
    });
  }

  listAttachedPolicies(name: string, request?: PathListRequest): Page<AttachedPolicy> {
    const list = this.#spec.attachEntity;
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken(list, request.nextToken, 'string');
    return this.#db.read(() => {
      const { id } = this.#mustFind(name);
      const rows = this.#s.listAttached.all({
        id,
        prefix: request?.pathPrefix ?? null,
        after,
        limit: size === undefined ? -1 : size + 1,
      }) as Row[];
      const items = rows.slice(0, size ?? rows.length).map((r) => ({ policyName: r.policy_name as string, policyArn: r.arn as string }));
      if (size === undefined || rows.length <= size) return { items };
      return { items, nextToken: encodeToken(list, (items[items.length - 1] as AttachedPolicy).policyName) };
    });
  }

  putInlinePolicy(name: string, policy: InlinePolicy): void {
    if (typeof policy.policyName !== 'string' || typeof policy.policyDocument !== 'string') {
      throw invalidInput('inline policy needs a policyName and a policyDocument', this.#spec.inlineEntity);
    }
    this.#db.write(() => {
      const { id } = this.#mustFind(name);
      this.#s.putInline.run(id, policy.policyName, policy.policyDocument);
    });
  }

  getInlinePolicy(name: string, policyName: string): InlinePolicy {
    return this.#db.read(() => {
      const { id } = this.#mustFind(name);
      const r = this.#s.getInline.get(id, policyName) as Row | undefined;
      if (r === undefined) throw notFound(this.#spec.inlineEntity, policyName);
      return { policyName: r.policy_name as string, policyDocument: r.policy_document as string };
    });
  }

  listInlinePolicyNames(name: string, request?: PageRequest): Page<string> {
    const list = this.#spec.inlineEntity;
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken(list, request.nextToken, 'string');
    return this.#db.read(() => {
      const { id } = this.#mustFind(name);
      const rows = this.#s.listInlineNames.all({ id, after, limit: size === undefined ? -1 : size + 1 }) as Row[];
      const items = rows.slice(0, size ?? rows.length).map((r) => r.policy_name as string);
      if (size === undefined || rows.length <= size) return { items };
      return { items, nextToken: encodeToken(list, items[items.length - 1] as string) };
    });
  }

  deleteInlinePolicy(name: string, policyName: string): void {
    this.#db.write(() => {
      const { id } = this.#mustFind(name);
      if (this.#s.deleteInline.run(id, policyName).changes === 0) throw notFound(this.#spec.inlineEntity, policyName);
    });
  }

  getPolicySet(name: string): PrincipalPolicySet {
    return this.#db.read(() => {
      const p = this.#mustGet(name);
      const id = this.#spec.id(p);
      const set: Mutable<PrincipalPolicySet> = {
        inlinePolicies: (this.#s.allInline.all(id) as Row[]).map((r) => ({
          policyName: r.policy_name as string,
          policyDocument: r.policy_document as string,
        })),
        attachedPolicies: (this.#s.allAttached.all(id) as Row[]).map(effective),
      };
      if (p.permissionsBoundaryArn !== undefined) {
        const b = this.#s.boundary.get(p.permissionsBoundaryArn) as Row | undefined;
        if (b !== undefined) set.permissionsBoundary = effective(b);
      }
      return set;
    });
  }

  #mustGet(name: string): T {
    const p = this.get(name);
    if (p === undefined) throw notFound(this.#spec.entity, name);
    return p;
  }

  #mustFind(name: string): { id: string; name: string } {
    const r = this.#s.idByName.get(name) as { id: string; name: string } | undefined;
    if (r === undefined) throw notFound(this.#spec.entity, name);
    return r;
  }

  #policyId(arn: string): string {
    const r = this.#s.policyIdByArn.get(arn) as { policy_id: string } | undefined;
    if (r === undefined) throw notFound('managedPolicy', arn);
    return r.policy_id;
  }
}
