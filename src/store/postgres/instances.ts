// EC2 instances on PostgreSQL. DescribeInstances runs in SQL: filters become indexed lookups on
// instance_tags (tag:K, tag-key) or column tests, AND-ed in one statement ordered by seq, so a page
// is one query however many instances exist. Tags live twice: the JSON column is what reads return,
// the instance_tags rows are the filter index; every write updates both in one `atomic` block.
// Statement text depends only on the query's shape (which filters, how many values of each kind),
// never on a value: values, wildcard patterns included, are always bound parameters.

import { StoreError, conflict, invalidInput, limitExceeded, notFound } from '../errors.js';
import {
  INSTANCE_FILTER_FIELDS,
  TAGS_PER_RESOURCE_LIMIT,
  instanceState,
  type Instance,
  type InstanceFilter,
  type InstanceFilterField,
  type InstanceQuery,
  type InstanceRepository,
  type InstanceStateChange,
  type InstanceStateName,
  type NewInstance,
  type Page,
  type ResourceTag,
  type Tag,
  type TagDeletion,
  type TagQuery,
  type ValueMatch,
} from '../port.js';
import { REQUIRED_STRINGS, checkState, checkValues, created } from '../instance-values.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import { checkDistinctKeys, mergeTags } from '../tags.js';
import { date, isUniqueViolation, ms, parseTags, tagsJson, type Row, type Sql } from './db.js';

const COLUMNS = `i.seq, i.instance_id, i.reservation_id, i.ami_launch_index, i.image_id, i.instance_type, i.state_name,
  i.state_transition_reason, i.launch_time, i.availability_zone, i.private_ip_address, i.private_dns_name, i.vpc_id,
  i.subnet_id, i.tags`;

const FIELD_COLUMNS: Readonly<Record<InstanceFilterField, string>> = {
  instanceId: 'i.instance_id',
  imageId: 'i.image_id',
  instanceType: 'i.instance_type',
  availabilityZone: 'i.availability_zone',
  reservationId: 'i.reservation_id',
  privateIpAddress: 'i.private_ip_address',
  privateDnsName: 'i.private_dns_name',
  vpcId: 'i.vpc_id',
  subnetId: 'i.subnet_id',
  stateName: 'i.state_name',
};

function fromRow(r: Row): Instance {
  const i: { -readonly [K in keyof Instance]: Instance[K] } = {
    instanceId: r.instance_id as string,
    reservationId: r.reservation_id as string,
    amiLaunchIndex: r.ami_launch_index as number,
    imageId: r.image_id as string,
    instanceType: r.instance_type as string,
    state: instanceState(r.state_name as InstanceStateName),
    stateTransitionReason: r.state_transition_reason as string,
    launchTime: date(r.launch_time),
    availabilityZone: r.availability_zone as string,
    privateIpAddress: r.private_ip_address as string,
    privateDnsName: r.private_dns_name as string,
    tags: parseTags(r.tags),
  };
  if (r.vpc_id !== null) i.vpcId = r.vpc_id as string;
  if (r.subnet_id !== null) i.subnetId = r.subnet_id as string;
  return i;
}

function checkIds(ids: unknown): readonly string[] {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw invalidInput('instance ids must be strings');
  return ids as readonly string[];
}

/**
 * An EC2 wildcard pattern (wildcard.ts: `*` any run, `?` zero or one character, `\` escapes the
 * next character) as an anchored PostgreSQL regular expression with the same meaning. Every ASCII
 * character other than a letter or digit is escaped (`\` before a non-alphanumeric character is
 * that character in PostgreSQL's AREs), so a value can never be read as regex syntax; `.` matches
 * any character, newline included (AREs are not newline-sensitive by default), one code point as
 * wildcard.ts counts them. No backreferences or nested quantifiers.
 *
 * Attack stopped here: a filter value of many `?` (`Filter.1.Value.1=????…`) made PostgreSQL's
 * regex COMPILER, not its matcher, take seconds to minutes (`.?` × 600: 4.7 s; × 1,200: 68 s) on the
 * database every node shares. A run of wildcards is therefore written as one bounded repetition:
 * any run holding a `*` is `.*` (`?*` and `*?` mean `*`), a run of k `?` is `.{0,k}` (in pieces of
 * at most 255, PostgreSQL's repetition limit) — `.{0,255}` compiles in ~2 ms. The pool's
 * statement_timeout (store.ts) bounds anything else.
 */
export function wildcardRegex(pattern: string): string {
  let out = '^';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; ) {
    const c = chars[i] as string;
    if (c === '*' || c === '?') {
      let star = false;
      let marks = 0;
      for (; i < chars.length && (chars[i] === '*' || chars[i] === '?'); i++) {
        if (chars[i] === '*') star = true;
        else marks++;
      }
      if (star) out += '.*';
      else for (; marks > 0; marks -= 255) out += `.{0,${Math.min(marks, 255)}}`;
      continue;
    }
    out += literal(c === '\\' && i + 1 < chars.length ? (chars[++i] as string) : c);
    i++;
  }
  return `${out}$`;
}

function literal(c: string): string {
  const code = c.codePointAt(0) as number;
  const alnum = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return code < 128 && !alnum ? `\\${c}` : c;
}

/** Bound parameters of one statement: `add` returns the placeholder of the value it binds. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * SQL testing `col` against the values (OR): exact values through `=` or `= ANY(array)` (index
 * friendly), wildcards through an anchored regex match (see wildcardRegex).
 */
function matchSql(col: string, values: readonly ValueMatch[], p: Params): string {
  const exact: string[] = [];
  const parts: string[] = [];
  // PostgreSQL text cannot hold U+0000, so no stored value contains one: a filter value that does
  // matches nothing (as on SQLite), instead of failing the statement.
  values = values.filter((v) => !('equals' in v ? v.equals : v.wildcard).includes('\u0000'));
  for (const v of values) if ('equals' in v) exact.push(v.equals);
  if (exact.length === 1) parts.push(`${col} = ${p.add(exact[0])}`);
  else if (exact.length > 1) parts.push(`${col} = ANY(${p.add(exact)}::text[])`);
  for (const v of values) if ('wildcard' in v) parts.push(`${col} ~ ${p.add(wildcardRegex(v.wildcard))}`);
  if (parts.length === 0) return 'false';
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`;
}

function filterSql(f: InstanceFilter, p: Params): string {
  if (typeof f !== 'object' || f === null) throw invalidInput('a filter must be an object');
  const values = checkValues((f as { values?: unknown }).values);
  switch (f.kind) {
    case 'field': {
      const col = (INSTANCE_FILTER_FIELDS as readonly string[]).includes(f.field) ? FIELD_COLUMNS[f.field] : undefined;
      if (col === undefined) throw invalidInput(`unknown instance filter field \`${String(f.field)}\``);
      return matchSql(col, values, p);
    }
    case 'tag': {
      if (typeof f.key !== 'string') throw invalidInput('tag filter needs a key');
      if (f.key.includes('\u0000')) return 'false';
      const key = p.add(f.key);
      return `EXISTS (SELECT 1 FROM instance_tags t WHERE t.instance_seq = i.seq AND t.key = ${key} AND ${matchSql('t.value', values, p)})`;
    }
    case 'tagKey':
      return `EXISTS (SELECT 1 FROM instance_tags t WHERE t.instance_seq = i.seq AND ${matchSql('t.key', values, p)})`;
    default: {
      const never: never = f;
      throw invalidInput(`unknown instance filter kind \`${String((never as { kind?: unknown }).kind)}\``);
    }
  }
}

/** A filter that can drive the query from instance_tags' indexes: one exact tag value, or one exact tag key. */
function drives(f: InstanceFilter): boolean {
  if (f === null || typeof f !== 'object' || (f.kind !== 'tag' && f.kind !== 'tagKey') || !Array.isArray(f.values)) return false;
  const v = f.values[0] as ValueMatch | undefined;
  return f.values.length === 1 && typeof v === 'object' && v !== null && typeof (v as { equals?: unknown }).equals === 'string' &&
    !(v as { equals: string }).equals.includes('\u0000') &&
    (f.kind === 'tagKey' || (typeof f.key === 'string' && !f.key.includes('\u0000')));
}

/** The rows of `ids` (each once, in the order given), or ERR_STORE_NOT_FOUND naming the first missing id. */
async function findAll(sql: Sql, ids: readonly string[]): Promise<{ seq: number; id: string; tags: Tag[] }[]> {
  const unique = [...new Set(ids)];
  const rows = await sql.rows('SELECT seq, instance_id, tags FROM instances WHERE instance_id = ANY($1::text[])', [unique]);
  const byId = new Map(rows.map((r) => [r.instance_id as string, r]));
  return unique.map((id) => {
    const r = byId.get(id);
    if (r === undefined) throw notFound('instance', id);
    return { seq: r.seq as number, id, tags: parseTags(r.tags) };
  });
}

/** The instance id a unique violation reports (`Key (instance_id)=(i-…) already exists.`). */
function takenId(e: unknown): string | undefined {
  const cause = e instanceof StoreError ? e.cause : e;
  const detail = typeof cause === 'object' && cause !== null ? (cause as { detail?: unknown }).detail : undefined;
  const m = typeof detail === 'string' ? /^Key \(instance_id\)=\((.*)\) already exists\.$/s.exec(detail) : null;
  return m?.[1];
}

export class PgInstances implements InstanceRepository {
  constructor(private readonly sql: Sql) {}

  async create(instances: readonly NewInstance[]): Promise<readonly Instance[]> {
    if (!Array.isArray(instances)) throw invalidInput('instances must be a list', 'instance');
    const cols: unknown[][] = Array.from({ length: 14 }, () => []);
    const tagCols: string[][] = [[], [], []];
    for (const n of instances) {
      for (const f of REQUIRED_STRINGS) {
        if (typeof n[f] !== 'string') throw invalidInput(`instance needs a string \`${f}\``, 'instance');
      }
      if (n.instanceId === '') throw invalidInput('instance needs an instanceId', 'instance');
      if (!Number.isSafeInteger(n.amiLaunchIndex) || n.amiLaunchIndex < 0) throw invalidInput('`amiLaunchIndex` must be a non-negative integer', 'instance');
      checkDistinctKeys(n.tags, 'sensitive');
      if (n.tags.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('instance', n.instanceId, 'tags', TAGS_PER_RESOURCE_LIMIT);
      const row = [
        n.instanceId, n.reservationId, n.amiLaunchIndex, n.imageId, n.instanceType, checkState(n.state), n.stateTransitionReason,
        ms(n.launchTime, 'launchTime'), n.availabilityZone, n.privateIpAddress, n.privateDnsName, n.vpcId ?? null, n.subnetId ?? null,
        tagsJson(n.tags),
      ];
      row.forEach((v, k) => (cols[k] as unknown[]).push(v));
      for (const t of n.tags) {
        (tagCols[0] as string[]).push(n.instanceId);
        (tagCols[1] as string[]).push(t.key);
        (tagCols[2] as string[]).push(t.value);
      }
    }
    if (instances.length === 0) return [];
    const ids = cols[0] as string[];
    return this.sql.atomic(async (sql) => {
      // The first instance whose id is taken, in the caller's order (an earlier one of the same
      // batch included): the one a one-by-one insert would have failed on.
      const taken = new Set((await sql.rows('SELECT instance_id FROM instances WHERE instance_id = ANY($1::text[])', [ids])).map((r) => r.instance_id));
      const seen = new Set<string>();
      for (const id of ids) {
        if (taken.has(id) || seen.has(id)) throw conflict('instance', id);
        seen.add(id);
      }
      try {
        // One statement for the whole reservation; WITH ORDINALITY … ORDER BY gives seqs in the
        // caller's order (DescribeInstances lists by seq).
        await sql.run(
          `INSERT INTO instances (instance_id, reservation_id, ami_launch_index, image_id, instance_type, state_name,
             state_transition_reason, launch_time, availability_zone, private_ip_address, private_dns_name, vpc_id, subnet_id, tags)
           SELECT a, b, c, d, e, f, g, h, j, k, l, m, n, o FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
             $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
             WITH ORDINALITY AS x(a, b, c, d, e, f, g, h, j, k, l, m, n, o, ord)
           ORDER BY ord`,
          cols,
        );
      } catch (e) {
        // Another node took one of the ids since the check: PostgreSQL's detail names it.
        if (isUniqueViolation(e)) {
          const id = takenId(e);
          throw conflict('instance', id !== undefined && ids.includes(id) ? id : (ids[0] as string));
        }
        throw e;
      }
      if ((tagCols[0] as string[]).length > 0) {
        await sql.run(
          `INSERT INTO instance_tags (instance_seq, key, value)
           SELECT i.seq, t.key, t.value FROM unnest($1::text[], $2::text[], $3::text[]) AS t(instance_id, key, value)
           JOIN instances i ON i.instance_id = t.instance_id`,
          tagCols,
        );
      }
      return instances.map(created);
    });
  }

  async get(instanceId: string): Promise<Instance | undefined> {
    const r = await this.sql.row(`SELECT ${COLUMNS} FROM instances i WHERE i.instance_id = $1`, [instanceId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async describe(query?: InstanceQuery): Promise<Page<Instance>> {
    const size = pageSize(query);
    const after = query?.nextToken === undefined ? 0 : decodeToken('instance', query.nextToken, 'number');
    const filters = query?.filters ?? [];
    if (!Array.isArray(filters)) throw invalidInput('filters must be a list');
    const p = new Params();
    const where: string[] = [];
    let from = 'instances i';
    let seq = 'i.seq';
    const driver = query?.instanceIds === undefined ? filters.findIndex(drives) : -1;
    if (driver >= 0) {
      // The most selective shape EC2 callers use (tag:K=V, or tag-key=K) walks its index in seq
      // order and stops at the page size: the cost is the page, not the fleet.
      const d = filters[driver] as InstanceFilter & { values: readonly [{ equals: string }] };
      from = 'instance_tags d JOIN instances i ON i.seq = d.instance_seq';
      seq = 'd.instance_seq';
      if (d.kind === 'tag') where.push(`d.key = ${p.add(d.key)} AND d.value = ${p.add(d.values[0].equals)}`);
      else where.push(`d.key = ${p.add(d.values[0].equals)}`);
    }
    where.push(`${seq} > ${p.add(after)}`);
    if (query?.instanceIds !== undefined) {
      const idList = checkIds(query.instanceIds);
      where.push(idList.length === 1 ? `i.instance_id = ${p.add(idList[0])}` : `i.instance_id = ANY(${p.add(idList)}::text[])`);
    }
    filters.forEach((f, k) => {
      if (k !== driver) where.push(filterSql(f, p));
    });
    const limit = size === undefined ? '' : ` LIMIT ${p.add(size + 1)}`;
    const rows = await this.sql.rows(`SELECT ${COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${seq}${limit}`, p.values);
    const n = size === undefined || rows.length <= size ? rows.length : size;
    const items: Instance[] = new Array<Instance>(n);
    for (let k = 0; k < n; k++) items[k] = fromRow(rows[k] as Row);
    if (n === rows.length) return { items };
    return { items, nextToken: encodeToken('instance', (rows[n - 1] as Row).seq as number) };
  }

  async updateInstanceState(
    instanceId: string,
    expectedStates: readonly InstanceStateName[],
    newState: InstanceStateName,
    options?: { readonly stateTransitionReason?: string },
  ): Promise<InstanceStateChange> {
    if (!Array.isArray(expectedStates)) throw invalidInput('expected states must be a list', 'instance');
    const expected = expectedStates.map(checkState);
    const next = checkState(newState);
    const reason = options?.stateTransitionReason;
    if (reason !== undefined && typeof reason !== 'string') throw invalidInput('stateTransitionReason must be a string', 'instance');
    // INVARIANT: one statement is the compare-and-set. `cur` locks the row (FOR UPDATE waits for a
    // concurrent writer from any node, then reads the row as that writer committed it), and the
    // update applies only when that locked state is an expected one: no other writer can change
    // the state between the comparison and the set, and `state_name` is the state it replaced.
    const r = await this.sql.row<{ state_name: InstanceStateName; updated: boolean }>(
      `WITH cur AS (
         SELECT seq, state_name FROM instances WHERE instance_id = $1 FOR UPDATE
       ), upd AS (
         UPDATE instances i SET state_name = $2, state_transition_reason = coalesce($3, i.state_transition_reason)
         FROM cur WHERE i.seq = cur.seq AND cur.state_name = ANY($4::text[]) RETURNING i.seq
       )
       SELECT cur.state_name, EXISTS (SELECT 1 FROM upd) AS updated FROM cur`,
      [instanceId, next, reason ?? null, expected],
    );
    if (r === undefined) throw notFound('instance', instanceId);
    if (!r.updated) {
      throw new StoreError(
        'ERR_STORE_CAS_FAILED',
        `instance \`${instanceId}\` is \`${r.state_name}\`, expected ${expected.map((s) => `\`${s}\``).join(' or ') || 'no state'}`,
        { entity: 'instance', key: instanceId, currentState: r.state_name },
      );
    }
    return { instanceId, previousState: instanceState(r.state_name), currentState: instanceState(next) };
  }

  async createTags(instanceIds: readonly string[], tags: readonly Tag[]): Promise<void> {
    const ids = checkIds(instanceIds);
    checkDistinctKeys(tags, 'sensitive');
    await this.sql.atomic(async (sql) => {
      const found = await findAll(sql, ids);
      const seqs: number[] = [];
      const json: string[] = [];
      const tagSeqs: number[] = [];
      const keys: string[] = [];
      const values: string[] = [];
      for (const { seq, id, tags: current } of found) {
        const next = mergeTags(current, tags, 'sensitive');
        if (next.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('instance', id, 'tags', TAGS_PER_RESOURCE_LIMIT);
        seqs.push(seq);
        json.push(tagsJson(next));
        for (const t of tags) {
          tagSeqs.push(seq);
          keys.push(t.key);
          values.push(t.value);
        }
      }
      if (tagSeqs.length === 0) return;
      await sql.run(
        `INSERT INTO instance_tags (instance_seq, key, value) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
         ON CONFLICT (instance_seq, key) DO UPDATE SET value = excluded.value`,
        [tagSeqs, keys, values],
      );
      await sql.run('UPDATE instances i SET tags = u.tags FROM unnest($1::bigint[], $2::text[]) AS u(seq, tags) WHERE i.seq = u.seq', [seqs, json]);
    });
  }

  async deleteTags(instanceIds: readonly string[], tags?: readonly TagDeletion[]): Promise<void> {
    const ids = checkIds(instanceIds);
    await this.sql.atomic(async (sql) => {
      const found = await findAll(sql, ids);
      const seqs: number[] = [];
      const json: string[] = [];
      const doomedSeqs: number[] = [];
      const doomedKeys: string[] = [];
      // EC2: without tags, every user tag goes; `aws:` tags are AWS's and are never deleted this way.
      const doomed = (t: Tag): boolean =>
        tags === undefined
          ? !t.key.startsWith('aws:')
          : tags.some((d) => d.key === t.key && (d.value === undefined || d.value === t.value));
      for (const { seq, tags: current } of found) {
        const keep: Tag[] = [];
        for (const t of current) {
          if (doomed(t)) {
            doomedSeqs.push(seq);
            doomedKeys.push(t.key);
          } else keep.push(t);
        }
        if (keep.length !== current.length) {
          seqs.push(seq);
          json.push(tagsJson(keep));
        }
      }
      if (seqs.length === 0) return;
      await sql.run(
        'DELETE FROM instance_tags d USING unnest($1::bigint[], $2::text[]) AS u(seq, key) WHERE d.instance_seq = u.seq AND d.key = u.key',
        [doomedSeqs, doomedKeys],
      );
      await sql.run('UPDATE instances i SET tags = u.tags FROM unnest($1::bigint[], $2::text[]) AS u(seq, tags) WHERE i.seq = u.seq', [seqs, json]);
    });
  }

  async describeTags(query?: TagQuery): Promise<Page<ResourceTag>> {
    const size = pageSize(query);
    let afterSeq = 0;
    let afterKey = '';
    if (query?.nextToken !== undefined) {
      const raw = decodeToken('tag', query.nextToken, 'string');
      let pos: unknown;
      try {
        pos = JSON.parse(raw);
      } catch {
        pos = undefined;
      }
      if (!Array.isArray(pos) || !Number.isSafeInteger(pos[0]) || typeof pos[1] !== 'string') {
        throw new StoreError('ERR_STORE_INVALID_TOKEN', 'invalid page token for `tag`');
      }
      afterSeq = pos[0] as number;
      afterKey = pos[1] as string;
    }
    const p = new Params();
    const where = [`(t.instance_seq, t.key) > (${p.add(afterSeq)}::bigint, ${p.add(afterKey)}::text)`];
    for (const f of query?.filters ?? []) {
      if (typeof f !== 'object' || f === null) throw invalidInput('a filter must be an object');
      const values = checkValues((f as { values?: unknown }).values);
      switch (f.kind) {
        case 'key':
          where.push(matchSql('t.key', values, p));
          break;
        case 'value':
          where.push(matchSql('t.value', values, p));
          break;
        case 'resourceId':
          where.push(matchSql('i.instance_id', values, p));
          break;
        default: {
          const never: never = f;
          throw invalidInput(`unknown tag filter kind \`${String((never as { kind?: unknown }).kind)}\``);
        }
      }
    }
    const limit = size === undefined ? '' : ` LIMIT ${p.add(size + 1)}`;
    const rows = await this.sql.rows(
      `SELECT i.instance_id, t.instance_seq, t.key, t.value FROM instance_tags t JOIN instances i ON i.seq = t.instance_seq
       WHERE ${where.join(' AND ')} ORDER BY t.instance_seq, t.key${limit}`,
      p.values,
    );
    const items: ResourceTag[] = rows.slice(0, size ?? rows.length).map((r) => ({
      resourceId: r.instance_id as string,
      resourceType: 'instance',
      key: r.key as string,
      value: r.value as string,
    }));
    if (size === undefined || rows.length <= size) return { items };
    const last = rows[size - 1] as Row;
    return { items, nextToken: encodeToken('tag', JSON.stringify([last.instance_seq, last.key])) };
  }

  async delete(instanceIds: readonly string[]): Promise<void> {
    const ids = checkIds(instanceIds);
    await this.sql.run('DELETE FROM instances WHERE instance_id = ANY($1::text[])', [ids]);
  }
}
