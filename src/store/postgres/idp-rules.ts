// Rules and the rules configuration on PostgreSQL. A rule's name and its order are each unique
// within the tenant (Auth0 answers 409 for either); a rule created without an order goes last, its
// order computed inside the same atomic block as the insert (SERIALIZABLE on the pool), so two
// nodes creating rules at once cannot pick the same order: the later one runs again and goes after.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { NewRule, Rule, RuleRepository, RuleUpdate, RulesConfigEntry, RulesConfigRepository } from '../idp-port.js';
import { bool, id, nonNegativeInt, text } from '../idp-values.js';
import { bytes, copyBytes, date, ms, type Row, type Sql } from './db.js';
import { checkTenant, int, uniqueViolation } from './idp-common.js';

function fromRow(r: Row): Rule {
  return {
    id: r.rule_id as string,
    tenantId: r.tenant_id as string,
    name: r.name as string,
    order: int(r.rule_order),
    enabled: r.enabled === true,
    script: r.script as string,
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
}

const GET = 'SELECT * FROM idp_rules WHERE rule_id = $1';

/** The conflict a unique index of idp_rules reports, by the index's name. */
function ruleConflict(index: string, ruleId: string, name: string, order: number | undefined): Error {
  if (index === 'idp_rules_name') return idpConflict('rule', 'name', name);
  if (index === 'idp_rules_order') return idpConflict('rule', 'order', String(order));
  return idpConflict('rule', 'id', ruleId);
}

export class PgRules implements RuleRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(rule: NewRule): Promise<Rule> {
    const ruleId = id(rule.id, 'id');
    const name = id(rule.name, 'name');
    const order = rule.order === undefined ? undefined : nonNegativeInt(rule.order, 'order');
    const rest = [bool(rule.enabled, 'enabled'), text(rule.script, 'script'), ms(rule.createDate, 'createDate'), ms(rule.updateDate, 'updateDate')];
    return this.#sql.atomic(async (q) => {
      const tenantId = await checkTenant(q, rule.tenantId);
      if ((await q.row(GET, [ruleId])) !== undefined) throw idpConflict('rule', 'id', ruleId);
      await checkFree(q, tenantId, ruleId, name, order);
      const o = order ?? int((await q.row<{ o: unknown }>('SELECT coalesce(max(rule_order), 0) + 1 AS o FROM idp_rules WHERE tenant_id = $1', [tenantId]))?.o);
      try {
        const r = await q.row(
          `INSERT INTO idp_rules (rule_id, tenant_id, name, rule_order, enabled, script, create_date, update_date)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [ruleId, tenantId, name, o, ...rest],
        );
        return fromRow(r as Row);
      } catch (e) {
        const index = uniqueViolation(e);
        if (index !== undefined) throw ruleConflict(index, ruleId, name, o);
        throw e;
      }
    });
  }

  async get(ruleId: string): Promise<Rule | undefined> {
    const r = await this.#sql.row(GET, [ruleId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(tenantId: string): Promise<readonly Rule[]> {
    return (await this.#sql.rows('SELECT * FROM idp_rules WHERE tenant_id = $1 ORDER BY rule_order', [tenantId])).map(fromRow);
  }

  async listEnabledInOrder(tenantId: string): Promise<readonly Rule[]> {
    return (await this.#sql.rows('SELECT * FROM idp_rules WHERE tenant_id = $1 AND enabled ORDER BY rule_order', [tenantId])).map(fromRow);
  }

  async update(ruleId: string, patch: RuleUpdate): Promise<Rule> {
    const updated = ms(patch.updateDate, 'updateDate');
    return this.#sql.atomic(async (q) => {
      const row = await q.row(`${GET} FOR UPDATE`, [ruleId]);
      if (row === undefined) throw idpNotFound('rule', ruleId);
      const cur = fromRow(row);
      const name = patch.name === undefined ? cur.name : id(patch.name, 'name');
      const order = patch.order === undefined ? cur.order : nonNegativeInt(patch.order, 'order');
      const enabled = patch.enabled === undefined ? cur.enabled : bool(patch.enabled, 'enabled');
      const script = patch.script === undefined ? cur.script : text(patch.script, 'script');
      await checkFree(q, cur.tenantId, ruleId, name, order);
      try {
        const r = await q.row('UPDATE idp_rules SET name = $1, rule_order = $2, enabled = $3, script = $4, update_date = $5 WHERE rule_id = $6 RETURNING *', [
          name,
          order,
          enabled,
          script,
          updated,
          ruleId,
        ]);
        return fromRow(r as Row);
      } catch (e) {
        const index = uniqueViolation(e);
        if (index !== undefined) throw ruleConflict(index, ruleId, name, order);
        throw e;
      }
    });
  }

  async delete(ruleId: string): Promise<void> {
    if ((await this.#sql.run('DELETE FROM idp_rules WHERE rule_id = $1', [ruleId])) === 0) throw idpNotFound('rule', ruleId);
  }
}

/** Name and order are free in the tenant, or taken by this very rule. */
async function checkFree(q: Sql, tenantId: string, ruleId: string, name: string, order: number | undefined): Promise<void> {
  const byName = await q.row<{ rule_id: string }>('SELECT rule_id FROM idp_rules WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
  if (byName !== undefined && byName.rule_id !== ruleId) throw idpConflict('rule', 'name', name);
  if (order === undefined) return;
  const byOrder = await q.row<{ rule_id: string }>('SELECT rule_id FROM idp_rules WHERE tenant_id = $1 AND rule_order = $2', [tenantId, order]);
  if (byOrder !== undefined && byOrder.rule_id !== ruleId) throw idpConflict('rule', 'order', String(order));
}

function entryFromRow(r: Row): RulesConfigEntry {
  return { key: r.key as string, valueSealed: copyBytes(r.value_sealed) };
}

export class PgRulesConfig implements RulesConfigRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async listKeys(tenantId: string): Promise<readonly string[]> {
    return (await this.#sql.rows<{ key: string }>('SELECT key FROM idp_rules_configs WHERE tenant_id = $1 ORDER BY key', [tenantId])).map((r) => r.key);
  }

  async getAll(tenantId: string): Promise<readonly RulesConfigEntry[]> {
    return (await this.#sql.rows('SELECT key, value_sealed FROM idp_rules_configs WHERE tenant_id = $1 ORDER BY key', [tenantId])).map(entryFromRow);
  }

  async set(tenantId: string, entry: RulesConfigEntry): Promise<RulesConfigEntry> {
    const key = id(entry.key, 'key');
    const value = bytes(entry.valueSealed, 'valueSealed');
    await checkTenant(this.#sql, tenantId);
    const r = await this.#sql.row(
      `INSERT INTO idp_rules_configs (tenant_id, key, value_sealed) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, key) DO UPDATE SET value_sealed = excluded.value_sealed RETURNING key, value_sealed`,
      [tenantId, key, value],
    );
    return entryFromRow(r as Row);
  }

  async delete(tenantId: string, key: string): Promise<void> {
    if ((await this.#sql.run('DELETE FROM idp_rules_configs WHERE tenant_id = $1 AND key = $2', [tenantId, key])) === 0) throw idpNotFound('rulesConfig', key);
  }
}
