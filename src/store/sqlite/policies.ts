// Customer managed policies and their versions. Version ids are `v<n>` with n from a per-policy
// counter that never goes back, so a deleted version's id is never reused (as IAM). The five-version
// limit, the default-version rules and the delete preconditions are checked inside the write
// transaction, so two nodes creating versions at once cannot end with six.

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
import { date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { parseTags, tagsJson, type Sync } from './sync.js';

const SELECT_POLICY = `SELECT p.*,
  (SELECT count(*) FROM role_policy_attachments WHERE policy_id = p.policy_id)
    + (SELECT count(*) FROM user_policy_attachments WHERE policy_id = p.policy_id) AS attachment_count,
  (SELECT count(*) FROM roles WHERE permissions_boundary_arn = p.arn)
    + (SELECT count(*) FROM users WHERE permissions_boundary_arn = p.arn) AS boundary_count
  FROM managed_policies p`;

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
}

export class SqliteManagedPolicies implements Sync<ManagedPolicyRepository> {
  readonly #db: Db;
  readonly #s: Record<
    | 'get' | 'key' | 'nameTaken' | 'insert' | 'insertVersion' | 'list' | 'attached' | 'versionCount' | 'delete'
    | 'bumpVersion' | 'getVersion' | 'listVersions' | 'setDefault' | 'deleteVersion' | 'attachedRoles' | 'attachedUsers'
    | 'setTags',
    Statement
  >;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      get: db.prepare(`${SELECT_POLICY} WHERE p.arn = ?`),
      key: db.prepare(
        'SELECT policy_id, policy_name, default_version, next_version, tags FROM managed_policies WHERE arn = ?',
      ),
      nameTaken: db.prepare('SELECT 1 FROM managed_policies WHERE policy_name = ?'),
      insert: db.prepare(
        `INSERT INTO managed_policies (policy_id, policy_name, path, arn, description, default_version, next_version,
         create_date, update_date, tags) VALUES (?, ?, ?, ?, ?, 1, 2, ?, ?, ?)`,
      ),
      insertVersion: db.prepare('INSERT INTO policy_versions (policy_id, version_number, document, create_date) VALUES (?, ?, ?, ?)'),
      list: db.prepare(
        `${SELECT_POLICY} WHERE (@prefix IS NULL OR substr(p.path, 1, length(@prefix)) = @prefix)
         AND (@onlyAttached = 0 OR EXISTS (SELECT 1 FROM role_policy_attachments WHERE policy_id = p.policy_id)
              OR EXISTS (SELECT 1 FROM user_policy_attachments WHERE policy_id = p.policy_id))
         AND (@after IS NULL OR p.policy_name > @after) ORDER BY p.policy_name LIMIT @limit`,
      ),
      attached: db.prepare(
        `SELECT EXISTS (SELECT 1 FROM role_policy_attachments WHERE policy_id = @id)
             OR EXISTS (SELECT 1 FROM user_policy_attachments WHERE policy_id = @id) AS attached`,
      ),
      versionCount: db.prepare('SELECT count(*) AS n FROM policy_versions WHERE policy_id = ?'),
      delete: db.prepare('DELETE FROM managed_policies WHERE policy_id = ?'),
      bumpVersion: db.prepare(
        'UPDATE managed_policies SET next_version = ?, default_version = ?, update_date = ? WHERE policy_id = ?',
      ),
      getVersion: db.prepare('SELECT * FROM policy_versions WHERE policy_id = ? AND version_number = ?'),
      listVersions: db.prepare('SELECT * FROM policy_versions WHERE policy_id = ? ORDER BY version_number DESC'),
      setDefault: db.prepare('UPDATE managed_policies SET default_version = ? WHERE policy_id = ?'),
      deleteVersion: db.prepare('DELETE FROM policy_versions WHERE policy_id = ? AND version_number = ?'),
      attachedRoles: db.prepare(
        `SELECT r.role_name, r.role_id FROM role_policy_attachments a JOIN roles r ON r.role_id = a.role_id
         WHERE a.policy_id = ? ORDER BY r.role_name`,
      ),
      attachedUsers: db.prepare(
        `SELECT u.user_name, u.user_id FROM user_policy_attachments a JOIN users u ON u.user_id = a.user_id
         WHERE a.policy_id = ? ORDER BY u.user_name`,
      ),
      setTags: db.prepare('UPDATE managed_policies SET tags = ? WHERE policy_id = ?'),
    };
  }

  create(p: NewManagedPolicy): ManagedPolicy {
    if (typeof p.policyId !== 'string' || typeof p.policyName !== 'string' || typeof p.arn !== 'string' || typeof p.policyDocument !== 'string') {
      throw invalidInput('policy needs a policyId, policyName, arn and policyDocument', 'managedPolicy');
    }
    checkDistinctKeys(p.tags, 'sensitive');
    if (p.tags.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('managedPolicy', p.policyName, 'tags', TAGS_PER_RESOURCE_LIMIT);
    const created = ms(p.createDate, 'createDate');
    return this.#db.write(() => {
      if (this.#s.nameTaken.get(p.policyName) !== undefined) throw conflict('managedPolicy', p.policyName);
      try {
        this.#s.insert.run(p.policyId, p.policyName, p.path, p.arn, p.description ?? null, created, created, tagsJson(p.tags));
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('managedPolicy', p.arn);
        throw e;
      }
      this.#s.insertVersion.run(p.policyId, 1, p.policyDocument, created);
      return fromRow(this.#s.get.get(p.arn) as Row);
    });
  }

  get(arn: string): ManagedPolicy | undefined {
    const r = this.#s.get.get(arn) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(request?: ManagedPolicyListRequest): Page<ManagedPolicy> {
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? null : decodeToken('managedPolicy', request.nextToken, 'string');
    const rows = this.#s.list.all({
      prefix: request?.pathPrefix ?? null,
      onlyAttached: request?.onlyAttached === true ? 1 : 0,
      after,
      limit: size === undefined ? -1 : size + 1,
    }) as Row[];
    const items = rows.slice(0, size ?? rows.length).map(fromRow);
    if (size === undefined || rows.length <= size) return { items };
    return { items, nextToken: encodeToken('managedPolicy', (items[items.length - 1] as ManagedPolicy).policyName) };
  }

  delete(arn: string): void {
    this.#db.write(() => {
      const k = this.#key(arn);
      // IAM: "you must first detach the policy from all users, groups, and roles … and delete all
      // of the policy's versions" except the default, which goes with the policy.
      if ((this.#s.attached.get({ id: k.policyId }) as { attached: number }).attached === 1) {
        throw deleteConflict('managedPolicy', k.policyName, 'attachments');
      }
      if ((this.#s.versionCount.get(k.policyId) as { n: number }).n > 1) throw deleteConflict('managedPolicy', k.policyName, 'policyVersions');
      this.#s.delete.run(k.policyId);
    });
  }

  createVersion(arn: string, v: NewPolicyVersion): PolicyVersion {
    if (typeof v.document !== 'string') throw invalidInput('policy version needs a document', 'policyVersion');
    const created = ms(v.createDate, 'createDate');
    return this.#db.write(() => {
      const k = this.#key(arn);
      if ((this.#s.versionCount.get(k.policyId) as { n: number }).n >= POLICY_VERSIONS_LIMIT) {
        throw limitExceeded('managedPolicy', k.policyName, 'policyVersions', POLICY_VERSIONS_LIMIT);
      }
      const n = k.nextVersion;
      this.#s.insertVersion.run(k.policyId, n, v.document, created);
      const defaultVersion = v.setAsDefault ? n : k.defaultVersion;
      this.#s.bumpVersion.run(n + 1, defaultVersion, created, k.policyId);
      return versionFromRow(this.#s.getVersion.get(k.policyId, n) as Row, defaultVersion);
    });
  }

  getVersion(arn: string, versionId: string): PolicyVersion {
    return this.#db.read(() => {
      const k = this.#key(arn);
      const n = versionNumber(versionId);
      const r = n === undefined ? undefined : (this.#s.getVersion.get(k.policyId, n) as Row | undefined);
      if (r === undefined) throw notFound('policyVersion', versionId);
      return versionFromRow(r, k.defaultVersion);
    });
  }

  listVersions(arn: string): readonly PolicyVersion[] {
    return this.#db.read(() => {
      const k = this.#key(arn);
      return (this.#s.listVersions.all(k.policyId) as Row[]).map((r) => versionFromRow(r, k.defaultVersion));
    });
  }

  setDefaultVersion(arn: string, versionId: string): ManagedPolicy {
    return this.#db.write(() => {
      const k = this.#key(arn);
      const n = versionNumber(versionId);
      if (n === undefined || this.#s.getVersion.get(k.policyId, n) === undefined) throw notFound('policyVersion', versionId);
      this.#s.setDefault.run(n, k.policyId);
      return fromRow(this.#s.get.get(arn) as Row);
    });
  }

  deleteVersion(arn: string, versionId: string): void {
    this.#db.write(() => {
      const k = this.#key(arn);
      const n = versionNumber(versionId);
      if (n === undefined || this.#s.getVersion.get(k.policyId, n) === undefined) throw notFound('policyVersion', versionId);
      if (n === k.defaultVersion) throw deleteConflict('policyVersion', versionId, 'defaultVersion');
      this.#s.deleteVersion.run(k.policyId, n);
    });
  }

  listAttachments(arn: string): PolicyAttachments {
    return this.#db.read(() => {
      const k = this.#key(arn);
      return {
        roles: (this.#s.attachedRoles.all(k.policyId) as Row[]).map((r) => ({ roleName: r.role_name as string, roleId: r.role_id as string })),
        users: (this.#s.attachedUsers.all(k.policyId) as Row[]).map((r) => ({ userName: r.user_name as string, userId: r.user_id as string })),
      };
    });
  }

  tag(arn: string, tags: readonly Tag[]): ManagedPolicy {
    return this.#db.write(() => {
      const k = this.#key(arn);
      const next = mergeTags(k.tags, tags, 'sensitive');
      if (next.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('managedPolicy', k.policyName, 'tags', TAGS_PER_RESOURCE_LIMIT);
      this.#s.setTags.run(tagsJson(next), k.policyId);
      return fromRow(this.#s.get.get(arn) as Row);
    });
  }

  untag(arn: string, keys: readonly string[]): ManagedPolicy {
    return this.#db.write(() => {
      const k = this.#key(arn);
      this.#s.setTags.run(tagsJson(removeTags(k.tags, keys, 'sensitive')), k.policyId);
      return fromRow(this.#s.get.get(arn) as Row);
    });
  }

  #key(arn: string): PolicyKey & { readonly tags: readonly Tag[] } {
    const r = this.#s.key.get(arn) as Row | undefined;
    if (r === undefined) throw notFound('managedPolicy', arn);
    return {
      policyId: r.policy_id as string,
      policyName: r.policy_name as string,
      defaultVersion: r.default_version as number,
      nextVersion: r.next_version as number,
      tags: parseTags(r.tags),
    };
  }
}
