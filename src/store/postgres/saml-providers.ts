// SAML providers on PostgreSQL, keyed by ARN. Tag keys are case-sensitive here (IAM folds case only
// for users' and roles' tags). Read-modify-writes run in one serializable `atomic` block.

import { conflict, limitExceeded, notFound } from '../errors.js';
import { TAGS_PER_RESOURCE_LIMIT, type SamlProvider, type SamlProviderRepository, type SamlProviderUpdate, type Tag } from '../port.js';
import { checkDistinctKeys, mergeTags, removeTags } from '../tags.js';
import { date, isUniqueViolation, ms, parseTags, pgConstraint, tagsJson, type Row, type Sql } from './db.js';

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

const GET = 'SELECT * FROM saml_providers WHERE arn = $1';

export class PgSamlProviders implements SamlProviderRepository {
  constructor(private readonly sql: Sql) {}

  async create(p: SamlProvider): Promise<SamlProvider> {
    checkDistinctKeys(p.tags, 'sensitive');
    if (p.tags.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('samlProvider', p.name, 'tags', TAGS_PER_RESOURCE_LIMIT);
    const values = [
      p.arn,
      p.name,
      p.samlMetadataDocument,
      ms(p.createDate, 'createDate'),
      p.validUntil === undefined ? null : ms(p.validUntil, 'validUntil'),
      tagsJson(p.tags),
    ];
    return this.sql.atomic(async (sql) => {
      if ((await sql.row('SELECT 1 FROM saml_providers WHERE name = $1', [p.name])) !== undefined) throw conflict('samlProvider', p.name);
      try {
        const r = await sql.row(
          `INSERT INTO saml_providers (arn, name, saml_metadata_document, create_date, valid_until, tags)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
          values,
        );
        return fromRow(r as Row);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('samlProvider', pgConstraint(e) === 'saml_providers_name_key' ? p.name : p.arn);
        throw e;
      }
    });
  }

  async get(arn: string): Promise<SamlProvider | undefined> {
    const r = await this.sql.row(GET, [arn]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(): Promise<readonly SamlProvider[]> {
    return (await this.sql.rows('SELECT * FROM saml_providers ORDER BY name')).map(fromRow);
  }

  async update(arn: string, patch: SamlProviderUpdate): Promise<SamlProvider> {
    const clearOrSet = patch.validUntil !== undefined;
    const validUntil = patch.validUntil === undefined || patch.validUntil === null ? null : ms(patch.validUntil, 'validUntil');
    // One statement: absent fields keep their stored value.
    const r = await this.sql.row(
      `UPDATE saml_providers SET saml_metadata_document = coalesce($1, saml_metadata_document),
         valid_until = CASE WHEN $2::boolean THEN $3::bigint ELSE valid_until END
       WHERE arn = $4 RETURNING *`,
      [patch.samlMetadataDocument ?? null, clearOrSet, validUntil, arn],
    );
    if (r === undefined) throw notFound('samlProvider', arn);
    return fromRow(r);
  }

  async tag(arn: string, tags: readonly Tag[]): Promise<SamlProvider> {
    checkDistinctKeys(tags, 'sensitive');
    return this.sql.atomic(async (sql) => {
      const cur = await mustGet(sql, arn);
      const next = mergeTags(cur.tags, tags, 'sensitive');
      if (next.length > TAGS_PER_RESOURCE_LIMIT) throw limitExceeded('samlProvider', cur.name, 'tags', TAGS_PER_RESOURCE_LIMIT);
      await sql.run('UPDATE saml_providers SET tags = $1 WHERE arn = $2', [tagsJson(next), arn]);
      return { ...cur, tags: next };
    });
  }

  async untag(arn: string, keys: readonly string[]): Promise<SamlProvider> {
    return this.sql.atomic(async (sql) => {
      const cur = await mustGet(sql, arn);
      const next = removeTags(cur.tags, keys, 'sensitive');
      await sql.run('UPDATE saml_providers SET tags = $1 WHERE arn = $2', [tagsJson(next), arn]);
      return { ...cur, tags: next };
    });
  }

  async delete(arn: string): Promise<void> {
    if ((await this.sql.run('DELETE FROM saml_providers WHERE arn = $1', [arn])) === 0) throw notFound('samlProvider', arn);
  }
}

async function mustGet(sql: Sql, arn: string): Promise<SamlProvider> {
  const r = await sql.row(GET, [arn]);
  if (r === undefined) throw notFound('samlProvider', arn);
  return fromRow(r);
}
