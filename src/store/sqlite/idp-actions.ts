// Post-login Actions and their trigger bindings. bound_order is NULL for an unbound Action; a
// partial unique index keeps bound orders distinct per tenant. setBindings rewrites every binding of
// the tenant in one transaction (Auth0's PATCH of the post-login bindings replaces the whole list).

import { invalidInput } from '../errors.js';
import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { Action, ActionRepository, ActionRuntime, ActionUpdate, NewAction } from '../idp-port.js';
import { actionRuntime, bool, id, positiveInt, secretsJson, text, type Mutable, type StoredSecret } from '../idp-values.js';
import { date, ms, type Db, type Row, type Statement } from './db.js';
import { tenantCheck } from './idp-common.js';
import type { Sync } from './sync.js';

function fromRow(r: Row): Action {
  const a: Mutable<Action> = {
    id: r.action_id as string,
    tenantId: r.tenant_id as string,
    name: r.name as string,
    code: r.code as string,
    runtime: r.runtime as ActionRuntime,
    secrets: (JSON.parse(r.secrets as string) as StoredSecret[]).map((s) => ({
      name: s.name,
      valueSealed: new Uint8Array(Buffer.from(s.valueSealed, 'base64')),
    })),
    bound: r.bound_order !== null,
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
  if (r.bound_order !== null) a.order = r.bound_order as number;
  return a;
}

export class SqliteActions implements Sync<ActionRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<
    'get' | 'byName' | 'byOrder' | 'maxOrder' | 'insert' | 'list' | 'listBound' | 'update' | 'unbindAll' | 'bind' | 'delete',
    Statement
  >;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      get: db.prepare('SELECT * FROM idp_actions WHERE action_id = ?'),
      byName: db.prepare('SELECT action_id FROM idp_actions WHERE tenant_id = ? AND name = ?').pluck(),
      byOrder: db.prepare('SELECT action_id FROM idp_actions WHERE tenant_id = ? AND bound_order = ?').pluck(),
      maxOrder: db.prepare('SELECT max(bound_order) FROM idp_actions WHERE tenant_id = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO idp_actions (action_id, tenant_id, name, code, runtime, secrets, bound_order, create_date, update_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: db.prepare(
        'SELECT * FROM idp_actions WHERE tenant_id = ? ORDER BY bound_order IS NULL, bound_order, name, action_id',
      ),
      listBound: db.prepare('SELECT * FROM idp_actions WHERE tenant_id = ? AND bound_order IS NOT NULL ORDER BY bound_order'),
      update: db.prepare('UPDATE idp_actions SET name = ?, code = ?, runtime = ?, secrets = ?, update_date = ? WHERE action_id = ?'),
      unbindAll: db.prepare('UPDATE idp_actions SET bound_order = NULL, update_date = ? WHERE tenant_id = ? AND bound_order IS NOT NULL'),
      bind: db.prepare('UPDATE idp_actions SET bound_order = ?, update_date = ? WHERE action_id = ?'),
      delete: db.prepare('DELETE FROM idp_actions WHERE action_id = ?'),
    };
  }

  create(action: NewAction): Action {
    const actionId = id(action.id, 'id');
    const name = id(action.name, 'name');
    const bound = action.bound === undefined ? false : bool(action.bound, 'bound');
    if (!bound && action.order !== undefined) throw invalidInput('an unbound action has no `order`');
    const order = action.order === undefined ? undefined : positiveInt(action.order, 'order');
    const rest = [
      text(action.code, 'code'),
      actionRuntime(action.runtime),
      secretsJson(action.secrets),
    ];
    const dates = [ms(action.createDate, 'createDate'), ms(action.updateDate, 'updateDate')];
    return this.#db.write(() => {
      const tenantId = this.#tenant(action.tenantId);
      if (this.#s.get.get(actionId) !== undefined) throw idpConflict('action', 'id', actionId);
      if (this.#s.byName.get(tenantId, name) !== undefined) throw idpConflict('action', 'name', name);
      let boundOrder: number | null = null;
      if (bound) {
        if (order !== undefined && this.#s.byOrder.get(tenantId, order) !== undefined) throw idpConflict('action', 'order', String(order));
        boundOrder = order ?? ((this.#s.maxOrder.get(tenantId) as number | null) ?? 0) + 1;
      }
      this.#s.insert.run(actionId, tenantId, name, ...rest, boundOrder, ...dates);
      return fromRow(this.#s.get.get(actionId) as Row);
    });
  }

  get(actionId: string): Action | undefined {
    const r = this.#s.get.get(actionId) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(tenantId: string): readonly Action[] {
    return (this.#s.list.all(tenantId) as Row[]).map(fromRow);
  }

  listBoundInOrder(tenantId: string): readonly Action[] {
    return (this.#s.listBound.all(tenantId) as Row[]).map(fromRow);
  }

  update(actionId: string, patch: ActionUpdate): Action {
    const updated = ms(patch.updateDate, 'updateDate');
    return this.#db.write(() => {
      const cur = this.#s.get.get(actionId) as Row | undefined;
      if (cur === undefined) throw idpNotFound('action', actionId);
      const name = patch.name === undefined ? (cur.name as string) : id(patch.name, 'name');
      const holder = this.#s.byName.get(cur.tenant_id, name) as string | undefined;
      if (holder !== undefined && holder !== actionId) throw idpConflict('action', 'name', name);
      this.#s.update.run(
        name,
        patch.code === undefined ? cur.code : text(patch.code, 'code'),
        patch.runtime === undefined ? cur.runtime : actionRuntime(patch.runtime),
        patch.secrets === undefined ? cur.secrets : secretsJson(patch.secrets),
        updated,
        actionId,
      );
      return fromRow(this.#s.get.get(actionId) as Row);
    });
  }

  setBindings(tenantId: string, actionIds: readonly string[], updateDate: Date): readonly Action[] {
    const updated = ms(updateDate, 'updateDate');
    if (!Array.isArray(actionIds)) throw invalidInput('`actionIds` must be a list');
    if (new Set(actionIds).size !== actionIds.length) throw invalidInput('an action is bound at most once');
    return this.#db.write(() => {
      this.#tenant(tenantId);
      for (const actionId of actionIds) {
        const r = this.#s.get.get(actionId) as Row | undefined;
        if (r === undefined || r.tenant_id !== tenantId) throw idpNotFound('action', String(actionId));
      }
      // Unbind first: the bound-order index is checked per statement.
      this.#s.unbindAll.run(updated, tenantId);
      actionIds.forEach((actionId, i) => this.#s.bind.run(i + 1, updated, actionId));
      return (this.#s.listBound.all(tenantId) as Row[]).map(fromRow);
    });
  }

  delete(actionId: string): void {
    if (this.#s.delete.run(actionId).changes === 0) throw idpNotFound('action', actionId);
  }
}
