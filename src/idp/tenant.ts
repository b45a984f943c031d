// The tenant: found or created at start for the server's public host (issuer `urn:<host>` unless
// configured, auth0.md §2.1), and its signing keys — generated once, the private key sealed at rest,
// persisted, reused on every start and by every node, with Auth0's rollover (a `next` key published
// in metadata, `rotate`, `revoke`). It never logs or returns a private key outside a KeyObject, and
// never signs with a key the store does not hold as `current`.

import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../kernel/index.js';
import { createSigningCredential, describeCertificate, type CertificateFingerprints } from '../saml/keys.js';
import type { Sealer } from '../services/sealer.js';
import { isStoreError, type SigningKey, type Store, type Tenant } from '../store/index.js';
import { IdpError } from './errors.js';
import { newSigningKeyId } from './ids.js';
import { openValue, SEAL_AAD, sealValue } from './secrets.js';

/** The tenant a Tessera creates for itself; more can coexist in the store. */
export const DEFAULT_TENANT_ID = 'default';
/** The one database connection (auth0.md §6.4: `connection`, strategy `auth0`). */
export const DATABASE_CONNECTION = 'Username-Password-Authentication';
/** A new certificate starts this far back, so a client with a slow clock never sees it "not yet valid". */
const CERT_BACKDATE_MS = 24 * 60 * 60 * 1000;

export interface TenantDeps {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly clock: Clock;
}

export interface TenantConfig {
  /** `127.0.0.1:4750`, `login.example.com`: the authority of the public URL. */
  readonly host: string;
  /** Overrides `urn:<host>` (persisted). */
  readonly issuer?: string;
  readonly friendlyName?: string;
}

/** Auth0's default issuer is `urn:` + the domain used (auth0.md §2.1, S-cd). */
export function tenantIssuer(tenant: Tenant): string {
  return tenant.issuer ?? `urn:${tenant.host}`;
}

/**
 * The tenant serving `host`: the one already bound to it, else the default tenant (its host is moved
 * here: the server was started on another address, as a custom domain switch moves Auth0's), else a
 * new default tenant. Several nodes starting at once converge on the same row.
 */
export async function bootstrapTenant(deps: TenantDeps, config: TenantConfig): Promise<Tenant> {
  const { store } = deps;
  const now = deps.clock.now();
  for (let attempt = 0; attempt < 3; attempt++) {
    let tenant = (await store.idp.tenants.getByHost(config.host)) ?? (await store.idp.tenants.get(DEFAULT_TENANT_ID));
    if (tenant === undefined) {
      try {
        tenant = await store.idp.tenants.create({
          tenantId: DEFAULT_TENANT_ID,
          host: config.host,
          ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
          friendlyName: config.friendlyName ?? 'Tessera',
          createDate: now,
          updateDate: now,
        });
      } catch (e) {
        if (isStoreError(e) && e.code === 'ERR_STORE_CONFLICT') continue; // another node won: read its row
        throw e;
      }
    }
    const hostMoved = tenant.host.toLowerCase() !== config.host.toLowerCase();
    const issuerChanged = config.issuer !== undefined && config.issuer !== tenant.issuer;
    if (hostMoved || issuerChanged) {
      try {
        tenant = await store.idp.tenants.update(tenant.tenantId, {
          ...(hostMoved ? { host: config.host } : {}),
          ...(issuerChanged ? { issuer: config.issuer ?? null } : {}),
          updateDate: now,
        });
      } catch (e) {
        if (isStoreError(e) && e.code === 'ERR_STORE_CONFLICT') continue;
        throw e;
      }
    }
    return tenant;
  }
  throw new IdpError('ERR_IDP_CONFLICT', `tenant for host \`${config.host}\` could not be created or found`);
}

/** The key that signs, opened: the private key only as a KeyObject. */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
  /** Base64 DER, no armour: KeyInfo and metadata form. */
  readonly certificateBase64: string;
  readonly certificateDer: Buffer;
  readonly fingerprints: CertificateFingerprints;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Publication order in metadata: the signer first, then the key coming next, then the previous ones. */
const PUBLISH_ORDER: Readonly<Record<SigningKey['status'], number>> = { current: 0, next: 1, previous: 2, revoked: 3 };

/**
 * A tenant's signing keys. Every node reads the current key from the store on each use (one indexed
 * read) and keeps the opened KeyObject per kid, so a rotation made on any node takes effect on all
 * at their next login.
 */
export class TenantKeys {
  private opened: ActiveSigningKey | undefined;

  constructor(
    private readonly deps: TenantDeps,
    readonly tenant: Tenant,
  ) {}

  /** Creates the first key when the tenant has none (first start); idempotent across nodes. */
  async ensure(): Promise<ActiveSigningKey> {
    const existing = await this.deps.store.idp.signingKeys.getCurrent(this.tenant.tenantId);
    if (existing !== undefined) return this.open(existing);
    try {
      await this.createKey('current');
    } catch (e) {
      // Another node created the first key at the same moment: use theirs.
      if (!(isStoreError(e) && e.code === 'ERR_STORE_CONFLICT')) throw e;
    }
    return this.current();
  }

  /** The key that signs now. */
  async current(): Promise<ActiveSigningKey> {
    const key = await this.deps.store.idp.signingKeys.getCurrent(this.tenant.tenantId);
    if (key === undefined) return this.ensure();
    return this.open(key);
  }

  /** Every certificate the metadata publishes: current, next, previous (revoked ones never). */
  async published(): Promise<readonly SigningKey[]> {
    const keys = await this.deps.store.idp.signingKeys.list(this.tenant.tenantId);
    return keys.filter((k) => k.status !== 'revoked').sort((a, b) => PUBLISH_ORDER[a.status] - PUBLISH_ORDER[b.status]);
  }

  /** Rollover step 1: a `next` key, published in metadata before it signs. Returns the existing one if any. */
  async prepareRollover(): Promise<SigningKey> {
    const next = (await this.deps.store.idp.signingKeys.list(this.tenant.tenantId)).find((k) => k.status === 'next');
    if (next !== undefined) return next;
    return this.createKey('next');
  }

  /** Rollover step 2: `next` signs from now on; the old key stays published as `previous`. */
  async rotate(): Promise<SigningKey> {
    const next = (await this.deps.store.idp.signingKeys.list(this.tenant.tenantId)).find((k) => k.status === 'next');
    if (next === undefined) throw new IdpError('ERR_IDP_KEY_STATE', 'there is no `next` signing key to rotate to: prepare a rollover first');
    return this.deps.store.idp.signingKeys.rotate(this.tenant.tenantId, next.kid);
  }

  /** Rollover step 3: a `previous` key leaves the metadata. */
  async revoke(kid: string): Promise<SigningKey> {
    const key = await this.deps.store.idp.signingKeys.get(this.tenant.tenantId, kid);
    if (key === undefined) throw new IdpError('ERR_IDP_NOT_FOUND', `signing key \`${kid}\` not found`);
    if (key.status !== 'previous') throw new IdpError('ERR_IDP_KEY_STATE', `signing key \`${kid}\` is \`${key.status}\`: only a previous key can be revoked`);
    return this.deps.store.idp.signingKeys.revoke(this.tenant.tenantId, kid, this.deps.clock.now());
  }

  private async createKey(status: 'current' | 'next'): Promise<SigningKey> {
    const now = this.deps.clock.now();
    const credential = await createSigningCredential({ host: this.tenant.host, notBefore: now.getTime() - CERT_BACKDATE_MS });
    const kid = newSigningKeyId();
    return this.deps.store.idp.signingKeys.create({
      tenantId: this.tenant.tenantId,
      kid,
      privateKeySealed: sealValue(this.deps.sealer, SEAL_AAD.signingKey(kid), credential.privateKeyPem),
      certificatePem: credential.certificatePem,
      thumbprintSha1: credential.fingerprints.sha1,
      notBefore: credential.notBefore,
      notAfter: credential.notAfter,
      status,
      createDate: now,
    });
  }

  private open(key: SigningKey): ActiveSigningKey {
    if (this.opened !== undefined && this.opened.kid === key.kid) return this.opened;
    const pem = openValue(this.deps.sealer, SEAL_AAD.signingKey(key.kid), key.privateKeySealed);
    if (pem === undefined) {
      throw new IdpError('ERR_IDP_SEALED_VALUE', `signing key \`${key.kid}\` does not open with this master key (was TESSERA_MASTER_KEY or master.key changed?)`);
    }
    const privateKey = createPrivateKey(pem);
    const cert = describeCertificate(key.certificatePem);
    this.opened = {
      kid: key.kid,
      privateKey,
      certificatePem: cert.certificatePem,
      certificateBase64: cert.certificateBase64,
      certificateDer: cert.certificateDer,
      fingerprints: cert.fingerprints,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    };
    return this.opened;
  }
}
