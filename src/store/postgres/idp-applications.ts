// Applications (Auth0 clients) on PostgreSQL: lists, add-on settings and client metadata are JSON
// text, stored as given. create is one INSERT … ON CONFLICT DO NOTHING after the tenant check; update
// is one UPDATE that keeps every column the patch does not name.

import { invalidInput } from '../errors.js';
import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { Application, ApplicationAddons, ApplicationRepository, ApplicationUpdate } from '../idp-port.js';
import { id, jsonObject, stringList, stringRecord, text } from '../idp-values.js';
import { date, ms, type Row, type Sql } from './db.js';
import { checkTenant, isForeignKeyViolation, parseJson } from './idp-common.js';

function fromRow(r: Row): Application {
  return {
    clientId: r.client_id as string,
    tenantId: r.tenant_id as string,
    name: r.name as string,
    callbacks: parseJson<string[]>(r.callbacks),
    allowedLogoutUrls: parseJson<string[]>(r.allowed_logout_urls),
    addons: parseJson<ApplicationAddons>(r.addons),
    clientMetadata: parseJson<Record<string, string>>(r.client_metadata),
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
}

function addonsJson(addons: unknown): string {
  const json = jsonObject(addons, 'addons');
  const samlp = (addons as ApplicationAddons).samlp;
  if (samlp !== undefined) jsonObject(samlp, 'addons.samlp');
  return json;
}

export class PgApplications implements ApplicationRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(app: Application): Promise<Application> {
    const params = [
      id(app.clientId, 'clientId'),
      id(app.tenantId, 'tenantId'),
      text(app.name, 'name'),
      stringList(app.callbacks, 'callbacks'),
      stringList(app.allowedLogoutUrls, 'allowedLogoutUrls'),
      addonsJson(app.addons),
      stringRecord(app.clientMetadata, 'clientMetadata'),
      ms(app.createDate, 'createDate'),
      ms(app.updateDate, 'updateDate'),
    ];
    await checkTenant(this.#sql, app.tenantId);
    let r: Row | undefined;
    try {
      r = await this.#sql.row(
        `INSERT INTO idp_applications (client_id, tenant_id, name, callbacks, allowed_logout_urls, addons, client_metadata, create_date, update_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING *`,
        params,
      );
    } catch (e) {
      if (isForeignKeyViolation(e)) throw idpNotFound('tenant', app.tenantId);
      throw e;
    }
    if (r === undefined) throw idpConflict('application', 'clientId', app.clientId);
    return fromRow(r);
  }

  async get(clientId: string): Promise<Application | undefined> {
    const r = await this.#sql.row('SELECT * FROM idp_applications WHERE client_id = $1', [clientId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(tenantId: string): Promise<readonly Application[]> {
    return (await this.#sql.rows('SELECT * FROM idp_applications WHERE tenant_id = $1 ORDER BY create_date, client_id', [tenantId])).map(fromRow);
  }

  async update(clientId: string, patch: ApplicationUpdate): Promise<Application> {
    if (typeof patch !== 'object' || patch === null) throw invalidInput('an application update must be an object');
    const updated = ms(patch.updateDate, 'updateDate');
    let params: unknown[];
    try {
      params = [
        patch.name === undefined ? null : text(patch.name, 'name'),
        patch.callbacks === undefined ? null : stringList(patch.callbacks, 'callbacks'),
        patch.allowedLogoutUrls === undefined ? null : stringList(patch.allowedLogoutUrls, 'allowedLogoutUrls'),
        patch.addons === undefined ? null : addonsJson(patch.addons),
        patch.clientMetadata === undefined ? null : stringRecord(patch.clientMetadata, 'clientMetadata'),
        updated,
        clientId,
      ];
    } catch (e) {
      // A missing application is reported before a malformed field, as on SQLite.
      if ((await this.get(clientId)) === undefined) throw idpNotFound('application', clientId);
      throw e;
    }
    // NULL = not in the patch: none of these columns can be set to NULL.
    const r = await this.#sql.row(
      `UPDATE idp_applications SET name = COALESCE($1, name), callbacks = COALESCE($2, callbacks),
        allowed_logout_urls = COALESCE($3, allowed_logout_urls), addons = COALESCE($4, addons),
        client_metadata = COALESCE($5, client_metadata), update_date = $6
       WHERE client_id = $7 RETURNING *`,
      params,
    );
    if (r === undefined) throw idpNotFound('application', clientId);
    return fromRow(r);
  }

  async delete(clientId: string): Promise<void> {
    if ((await this.#sql.run('DELETE FROM idp_applications WHERE client_id = $1', [clientId])) === 0) throw idpNotFound('application', clientId);
  }
}
