// SAML providers, keyed by ARN. Tag keys are case-sensitive here (IAM folds case only for users' and
// roles' tags).

import { conflict, limitExceeded, notFound } from '../errors.js';
import { TAGS_PER_RESOURCE_LIMIT, type SamlProvider, type SamlProviderRepository, type SamlProviderUpdate, type Tag } from '../port.js';
import { checkDistinctKeys, mergeTags, removeTags } from '../tags.js';
import { date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { parseTags, tagsJson, type Sync } from './sync.js';

function fromRow(r: Row): SamlProvider {
  const p: { -readonly [K in keyof SamlProvider]: SamlProvider[K] } = {
    arn: r.arn as string,
    name: r.name as string,
    samlMetadataDocument: r.saml_metadata_document as string,
    createDate: date(r.create_date),
    tags: parseTags(r.tags),
  };
  if (r.valid_until !== null) p.validUntil = date(r.valid_until);
  return p;
}

export class SqliteSamlProviders implements Sync<SamlProviderRepository> {
  readonly #db: Db;
  readonly #get: Statement;
  readonly #getByName: Statement;
  readonly #insert: Statement;
  readonly #list: Statement;
  readonly #update: Statement;
  readonly #setTags: Statement;
  readonly #delete: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare('SELECT * FROM saml_providers WHERE arn = ?');
    this.#getByName = db.prepare('SELECT arn FROM saml_providers WHERE name = ?');
    this.#insert = db.prepare(
      'INSERT INTO saml_providers (arn, name, saml_metadata_document, create_date, valid_until, tags) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#list = db.prepare('SELECT * FROM saml_providers ORDER BY name');
    this.#update = db.prepare('UPDATE saml_providers SET saml_metadata_document = ?, valid_until = ? WHERE arn = ?');
    this.#setTags = db.prepare('UPDATE saml_providers SET tags = ? WHERE arn = ?');
    this.#delete = db.prepare('DELETE FROM saml_providers WHERE arn = ?');
  }

  create(p: SamlProvider): SamlProvider {
    checkDistinctKeys(p.tags, 'sensitive');
    if (p.tags.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('samlProvider', p.name, 'tags', TAGS_PER_RESOURCE_LIMIT);
    return this.#db.write(() => {
      if (this.#getByName.get(p.name) !== undefined) throw conflict('samlProvider', p.name);
      try {
        this.#insert.run(
          p.arn,
          p.name,
          p.samlMetadataDocument,
          ms(p.createDate, 'createDate'),
          p.validUntil === undefined ? null : ms(p.validUntil, 'validUntil'),
          tagsJson(p.tags),
        );
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('samlProvider', p.arn);
        throw e;
      }
      return this.#mustGet(p.arn);
    });
  }

  get(arn: string): SamlProvider | undefined {
    const r = this.#get.get(arn) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(): readonly SamlProvider[] {
    return (this.#list.all() as Row[]).map(fromRow);
  }

  update(arn: string, patch: SamlProviderUpdate): SamlProvider {
    return this.#db.write(() => {
      const cur = this.#mustGet(arn);
      const validUntil = patch.validUntil === undefined ? cur.validUntil : patch.validUntil === null ? undefined : patch.validUntil;
      this.#update.run(
        patch.samlMetadataDocument ?? cur.samlMetadataDocument,
        validUntil === undefined ? null : ms(validUntil, 'validUntil'),
        arn,
      );
      return this.#mustGet(arn);
    });
  }

  tag(arn: string, tags: readonly Tag[]): SamlProvider {
    return this.#db.write(() => {
      const cur = this.#mustGet(arn);
      const next = mergeTags(cur.tags, tags, 'sensitive');
      if (next.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('samlProvider', cur.name, 'tags', TAGS_PER_RESOURCE_LIMIT);
      this.#setTags.run(tagsJson(next), arn);
      return { ...cur, tags: next };
    });
  }

  untag(arn: string, keys: readonly string[]): SamlProvider {
    return this.#db.write(() => {
      const cur = this.#mustGet(arn);
      const next = removeTags(cur.tags, keys, 'sensitive');
      this.#setTags.run(tagsJson(next), arn);
      return { ...cur, tags: next };
    });
  }

  delete(arn: string): void {
    if (this.#delete.run(arn).changes === 0) throw notFound('samlProvider', arn);
  }

  #mustGet(arn: string): SamlProvider {
    const p = this.get(arn);
    if (p === undefined) throw notFound('samlProvider', arn);
    return p;
  }
}
