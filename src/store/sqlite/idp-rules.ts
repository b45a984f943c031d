// Rules and the rules configuration. A rule's name and its order are each unique within the tenant
// (Auth0 answers 409 for either); a rule created without an order goes last, computed inside the
// write transaction so two nodes creating rules at once cannot pick the same order.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { NewRule, Rule, RuleRepository, RuleUpdate, RulesConfigEntry, RulesConfigRepository } from '../idp-port.js';
import { bool, id, nonNegativeInt, text } from '../idp-values.js';
import { bytes, copyBytes, date, ms, type Db, type Row, type Statement } from './db.js';
import { tenantCheck } from './idp-common.js';
import type { Sync } from './sync.js';

function fromRow(r: Row): Rule {
  return {
    id: r.rule_id as string,
    tenantId: r.tenant_id as string,
    name: r.name as string,
    order: r.rule_order as number,
    enabled: r.enabled === 1,
    script: r.script as string,
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
}

export class SqliteRules implements Sync<RuleRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<'get' | 'byName' | 'byOrder' | 'maxOrder' | 'insert' | 'list' | 'listEnabled' | 'update' | 'delete', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      get: db.prepare('SELECT * FROM idp_rules WHERE rule_id = ?'),
      byName: db.prepare('SELECT rule_id FROM idp_rules WHERE tenant_id = ? AND name = ?').pluck(),
      byOrder: db.prepare('SELECT rule_id FROM idp_rules WHERE tenant_id = ? AND rule_order = ?').pluck(),
      maxOrder: db.prepare('SELECT max(rule_order) FROM idp_rules WHERE tenant_id = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO idp_rules (rule_id, tenant_id, name, rule_order, enabled, script, create_date, update_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: db.prepare('SELECT * FROM idp_rules WHERE tenant_id = ? ORDER BY rule_order'),
      listEnabled: db.prepare('SELECT * FROM idp_rules WHERE tenant_id = ? AND enabled = 1 ORDER BY rule_order'),
      update: db.prepare('UPDATE idp_rules SET name = ?, rule_order = ?, enabled = ?, script = ?, update_date = ? WHERE rule_id = ?'),
      delete: db.prepare('DELETE FROM idp_rules WHERE rule_id = ?'),
    };
  }

  create(rule: NewRule): Rule {
    const ruleId = id(rule.id, 'id');
    const name = id(rule.name, 'name');
    const order = rule.order === undefined ? undefined : nonNegativeInt(rule.order, 'order');
    const rest = [bool(rule.enabled, 'enabled') ? 1 : 0, text(rule.script, 'script'), ms(rule.createDate, 'createDate'), ms(rule.updateDate, 'updateDate')];
    return this.#db.write(() => {
      const tenantId = this.#tenant(rule.tenantId);
      if (this.#s.get.get(ruleId) !== undefined) throw idpConflict('rule', 'id', ruleId);
      this.#checkFree(tenantId, ruleId, name, order);
      const o = order ?? ((this.#s.maxOrder.get(tenantId) as number | null) ?? 0) + 1;
      this.#s.insert.run(ruleId, tenantId, name, o, ...rest);
      return fromRow(this.#s.get.get(ruleId) as Row);
    });
  }

  get(ruleId: string): Rule | undefined {
    const r = this.#s.get.get(ruleId) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(tenantId: string): readonly Rule[] {
    return (this.#s.list.all(tenantId) as Row[]).map(fromRow);
  }

  listEnabledInOrder(tenantId: string): readonly Rule[] {
    return (this.#s.listEnabled.all(tenantId) as Row[]).map(fromRow);
  }

  update(ruleId: string, patch: RuleUpdate): Rule {
    const updated = ms(patch.updateDate, 'updateDate');
    return this.#db.write(() => {
      const cur = this.get(ruleId);
      if (cur === undefined) throw idpNotFound('rule', ruleId);
      const name = patch.name === undefined ? cur.name : id(patch.name, 'name');
      const order = patch.order === undefined ? cur.order : nonNegativeInt(patch.order, 'order');
      const enabled = patch.enabled === undefined ? cur.enabled : bool(patch.enabled, 'enabled');
      const script = patch.script === undefined ? cur.script : text(patch.script, 'script');
      this.#checkFree(cur.tenantId, ruleId, name, order);
      this.#s.update.run(name, order, enabled ? 1 : 0, script, updated, ruleId);
      return fromRow(this.#s.get.get(ruleId) as Row);
    });
  }

  delete(ruleId: string): void {
    if (this.#s.delete.run(ruleId).changes === 0) throw idpNotFound('rule', ruleId);
  }

  /** Name and order are free in the tenant, or taken by this very rule. */
  #checkFree(tenantId: string, ruleId: string, name: string, order: number | undefined): void {
    const byName = this.#s.byName.get(tenantId, name) as string | undefined;
    if (byName !== undefined && byName !== ruleId) throw idpConflict('rule', 'name', name);
    if (order === undefined) return;
    const byOrder = this.#s.byOrder.get(tenantId, order) as string | undefined;
    if (byOrder !== undefined && byOrder !== ruleId) throw idpConflict('rule', 'order', String(order));
  }
}

export class SqliteRulesConfig implements Sync<RulesConfigRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<'keys' | 'all' | 'get' | 'upsert' | 'delete', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      keys: db.prepare('SELECT key FROM idp_rules_configs WHERE tenant_id = ? ORDER BY key').pluck(),
      all: db.prepare('SELECT key, value_sealed FROM idp_rules_configs WHERE tenant_id = ? ORDER BY key'),
      get: db.prepare('SELECT key, value_sealed FROM idp_rules_configs WHERE tenant_id = ? AND key = ?'),
      upsert: db.prepare(
        `INSERT INTO idp_rules_configs (tenant_id, key, value_sealed) VALUES (?, ?, ?)
         ON CONFLICT (tenant_id, key) DO UPDATE SET value_sealed = excluded.value_sealed`,
      ),
      delete: db.prepare('DELETE FROM idp_rules_configs WHERE tenant_id = ? AND key = ?'),
    };
  }

  listKeys(tenantId: string): readonly string[] {
    return this.#s.keys.all(tenantId) as string[];
  }

  getAll(tenantId: string): readonly RulesConfigEntry[] {
    return (this.#s.all.all(tenantId) as Row[]).map((r) => ({ key: r.key as string, valueSealed: copyBytes(r.value_sealed) }));
  }

  set(tenantId: string, entry: RulesConfigEntry): RulesConfigEntry {
    const key = id(entry.key, 'key');
    const value = bytes(entry.valueSealed, 'valueSealed');
    return this.#db.write(() => {
      this.#tenant(tenantId);
      this.#s.upsert.run(tenantId, key, value);
      const r = this.#s.get.get(tenantId, key) as Row;
      return { key: r.key as string, valueSealed: copyBytes(r.value_sealed) };
    });
  }

  delete(tenantId: string, key: string): void {
    if (this.#s.delete.run(tenantId, key).changes === 0) throw idpNotFound('rulesConfig', key);
  }
}

