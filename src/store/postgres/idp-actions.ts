// Post-login Actions and their trigger bindings on PostgreSQL. bound_order is NULL for an unbound
// Action; a partial unique index keeps bound orders distinct per tenant. setBindings rewrites every
// binding of the tenant in one atomic block (Auth0's PATCH of the post-login bindings replaces the
// whole list); a bound Action without an order goes last, computed in the block that inserts it.

import { invalidInput } from '../errors.js';
import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { Action, ActionRepository, ActionRuntime, ActionUpdate, NewAction } from '../idp-port.js';
import { actionRuntime, bool, id, positiveInt, secretsJson, text, type Mutable, type StoredSecret } from '../idp-values.js';
import { date, ms, type Row, type Sql } from './db.js';
import { checkTenant, int, parseJson, uniqueViolation } from './idp-common.js';

function fromRow(r: Row): Action {
  const a: Mutable<Action> = {
    id: r.action_id as string,
    tenantId: r.tenant_id as string,
    name: r.name as string,
    code: r.code as string,
    runtime: r.runtime as ActionRuntime,
    secrets: parseJson<StoredSecret[]>(r.secrets).map((s) => ({ name: s.name, valueSealed: new Uint8Array(Buffer.from(s.valueSealed, 'base64')) })),
    bound: r.bound_order !== null,
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
  if (r.bound_order !== null) a.order = int(r.bound_order);
  return a;
}

const GET = 'SELECT * FROM idp_actions WHERE action_id = $1';
const BY_NAME = 'SELECT action_id FROM idp_actions WHERE tenant_id = $1 AND name = $2';
const LIST_BOUND = 'SELECT * FROM idp_actions WHERE tenant_id = $1 AND bound_order IS NOT NULL ORDER BY bound_order';

export class PgActions implements ActionRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(action: NewAction): Promise<Action> {
    const actionId = id(action.id, 'id');
    const name = id(action.name, 'name');
    const bound = action.bound === undefined ? false : bool(action.bound, 'bound');
    if (!bound && action.order !== undefined) throw invalidInput('an unbound action has no `order`');
    const order = action.order === undefined ? undefined : positiveInt(action.order, 'order');
    const rest = [text(action.code, 'code'), actionRuntime(action.runtime), secretsJson(action.secrets)];
    const dates = [ms(action.createDate, 'createDate'), ms(action.updateDate, 'updateDate')];
    return this.#sql.atomic(async (q) => {
      const tenantId = await checkTenant(q, action.tenantId);
      if ((await q.row(GET, [actionId])) !== undefined) throw idpConflict('action', 'id', actionId);
      if ((await q.row(BY_NAME, [tenantId, name])) !== undefined) throw idpConflict('action', 'name', name);
      let boundOrder: number | null = null;
      if (bound) {
        if (order !== undefined && (await q.row('SELECT 1 FROM idp_actions WHERE tenant_id = $1 AND bound_order = $2', [tenantId, order])) !== undefined) {
          throw idpConflict('action', 'order', String(order));
        }
        boundOrder =
          order ?? int((await q.row<{ o: unknown }>('SELECT coalesce(max(bound_order), 0) + 1 AS o FROM idp_actions WHERE tenant_id = $1', [tenantId]))?.o);
      }
      try {
        const r = await q.row(
          `INSERT INTO idp_actions (action_id, tenant_id, name, code, runtime, secrets, bound_order, create_date, update_date)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
          [actionId, tenantId, name, ...rest, boundOrder, ...dates],
        );
        return fromRow(r as Row);
      } catch (e) {
        const index = uniqueViolation(e);
        if (index === 'idp_actions_name') throw idpConflict('action', 'name', name);
        if (index === 'idp_actions_bound') throw idpConflict('action', 'order', String(boundOrder));
        if (index !== undefined) throw idpConflict('action', 'id', actionId);
        throw e;
      }
    });
  }

  async get(actionId: string): Promise<Action | undefined> {
    const r = await this.#sql.row(GET, [actionId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(tenantId: string): Promise<readonly Action[]> {
    return (
      await this.#sql.rows('SELECT * FROM idp_actions WHERE tenant_id = $1 ORDER BY bound_order IS NULL, bound_order, name, action_id', [tenantId])
    ).map(fromRow);
  }

  async listBoundInOrder(tenantId: string): Promise<readonly Action[]> {
    return (await this.#sql.rows(LIST_BOUND, [tenantId])).map(fromRow);
  }

  async update(actionId: string, patch: ActionUpdate): Promise<Action> {
    const updated = ms(patch.updateDate, 'updateDate');
    return this.#sql.atomic(async (q) => {
      const cur = await q.row(`${GET} FOR UPDATE`, [actionId]);
      if (cur === undefined) throw idpNotFound('action', actionId);
      const name = patch.name === undefined ? (cur.name as string) : id(patch.name, 'name');
      const holder = await q.row<{ action_id: string }>(BY_NAME, [cur.tenant_id, name]);
      if (holder !== undefined && holder.action_id !== actionId) throw idpConflict('action', 'name', name);
      try {
        const r = await q.row('UPDATE idp_actions SET name = $1, code = $2, runtime = $3, secrets = $4, update_date = $5 WHERE action_id = $6 RETURNING *', [
          name,
          patch.code === undefined ? cur.code : text(patch.code, 'code'),
          patch.runtime === undefined ? cur.runtime : actionRuntime(patch.runtime),
          patch.secrets === undefined ? cur.secrets : secretsJson(patch.secrets),
          updated,
          actionId,
        ]);
        return fromRow(r as Row);
      } catch (e) {
        if (uniqueViolation(e) !== undefined) throw idpConflict('action', 'name', name);
        throw e;
      }
    });
  }

  async setBindings(tenantId: string, actionIds: readonly string[], updateDate: Date): Promise<readonly Action[]> {
    const updated = ms(updateDate, 'updateDate');
    if (!Array.isArray(actionIds)) throw invalidInput('`actionIds` must be a list');
    if (new Set(actionIds).size !== actionIds.length) throw invalidInput('an action is bound at most once');
    return this.#sql.atomic(async (q) => {
      await checkTenant(q, tenantId);
      for (const actionId of actionIds) {
        const r = await q.row<{ tenant_id: string }>('SELECT tenant_id FROM idp_actions WHERE action_id = $1 FOR UPDATE', [actionId]);
        if (r === undefined || r.tenant_id !== tenantId) throw idpNotFound('action', String(actionId));
      }
      // Unbind first: PostgreSQL checks the bound-order index row by row.
      await q.run('UPDATE idp_actions SET bound_order = NULL, update_date = $1 WHERE tenant_id = $2 AND bound_order IS NOT NULL', [updated, tenantId]);
      if (actionIds.length > 0) {
        // One statement binds them all: the position in the given list is the order (1…n).
        await q.run(
          `UPDATE idp_actions AS a SET bound_order = b.ord, update_date = $1
           FROM unnest($2::text[]) WITH ORDINALITY AS b(action_id, ord) WHERE a.action_id = b.action_id`,
          [updated, actionIds],
        );
      }
      return (await q.rows(LIST_BOUND, [tenantId])).map(fromRow);
    });
  }

  async delete(actionId: string): Promise<void> {
    if ((await this.#sql.run('DELETE FROM idp_actions WHERE action_id = $1', [actionId])) === 0) throw idpNotFound('action', actionId);
  }
}
