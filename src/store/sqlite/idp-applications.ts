// Applications (Auth0 clients): lists, add-on settings and client metadata are JSON, stored as given.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { Application, ApplicationAddons, ApplicationRepository, ApplicationUpdate } from '../idp-port.js';
import { id, jsonObject, parseJson, stringList, stringRecord, text } from '../idp-values.js';
import { invalidInput } from '../errors.js';
import { date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { tenantCheck } from './idp-common.js';
import type { Sync } from './sync.js';

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

export class SqliteApplications implements Sync<ApplicationRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<'get' | 'insert' | 'list' | 'update' | 'delete', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      get: db.prepare('SELECT * FROM idp_applications WHERE client_id = ?'),
      insert: db.prepare(
        `INSERT INTO idp_applications (client_id, tenant_id, name, callbacks, allowed_logout_urls, addons, client_metadata, create_date, update_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: db.prepare('SELECT * FROM idp_applications WHERE tenant_id = ? ORDER BY create_date, client_id'),
      update: db.prepare(
        `UPDATE idp_applications SET name = ?, callbacks = ?, allowed_logout_urls = ?, addons = ?, client_metadata = ?, update_date = ?
         WHERE client_id = ?`,
      ),
      delete: db.prepare('DELETE FROM idp_applications WHERE client_id = ?'),
    };
  }

  create(app: Application): Application {
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
    return this.#db.write(() => {
      this.#tenant(app.tenantId);
      try {
        this.#s.insert.run(...params);
      } catch (e) {
        if (isUniqueViolation(e)) throw idpConflict('application', 'clientId', app.clientId);
        throw e;
      }
      return fromRow(this.#s.get.get(app.clientId) as Row);
    });
  }

  get(clientId: string): Application | undefined {
    const r = this.#s.get.get(clientId) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(tenantId: string): readonly Application[] {
    return (this.#s.list.all(tenantId) as Row[]).map(fromRow);
  }

  update(clientId: string, patch: ApplicationUpdate): Application {
    if (typeof patch !== 'object' || patch === null) throw invalidInput('an application update must be an object');
    const updated = ms(patch.updateDate, 'updateDate');
    return this.#db.write(() => {
      const cur = this.#s.get.get(clientId) as Row | undefined;
      if (cur === undefined) throw idpNotFound('application', clientId);
      this.#s.update.run(
        patch.name === undefined ? cur.name : text(patch.name, 'name'),
        patch.callbacks === undefined ? cur.callbacks : stringList(patch.callbacks, 'callbacks'),
        patch.allowedLogoutUrls === undefined ? cur.allowed_logout_urls : stringList(patch.allowedLogoutUrls, 'allowedLogoutUrls'),
        patch.addons === undefined ? cur.addons : addonsJson(patch.addons),
        patch.clientMetadata === undefined ? cur.client_metadata : stringRecord(patch.clientMetadata, 'clientMetadata'),
        updated,
        clientId,
      );
      return fromRow(this.#s.get.get(clientId) as Row);
    });
  }

  delete(clientId: string): void {
    if (this.#s.delete.run(clientId).changes === 0) throw idpNotFound('application', clientId);
  }
}
