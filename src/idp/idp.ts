// The identity provider assembled: the tenant for the public origin, its keys, the admin API, sessions,
// the authenticator and the login pipeline over one store, one sealer and one sandbox. The composition
// root (src/main.ts) and tests build it with createIdp; src/http/idp serves it. It owns none of its
// dependencies: whoever created the store and the sandbox closes them, after `idp.close()`.

import type { Clock } from '../kernel/index.js';
import type { Sandbox } from '../sandbox/index.js';
import type { Sealer } from '../services/sealer.js';
import type { Store, Tenant } from '../store/index.js';
import { IdpAdmin } from './admin.js';
import { Authenticator } from './authenticate.js';
import { DEFAULT_LOGIN_LIMITS, DEFAULT_SESSION_LIMITS, type LoginLimits, type SessionLimits } from './limits.js';
import { TenantLog } from './log.js';
import { dummyPasswordHash } from './password.js';
import { LoginPipeline } from './pipeline.js';
import { Sessions } from './sessions.js';
import { bootstrapTenant, tenantIssuer, TenantKeys } from './tenant.js';

export interface IdpOptions {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly sandbox: Sandbox;
  readonly clock: Clock;
  /** `http://127.0.0.1:4750`: the origin every IdP URL (metadata, SSO, SLO) is built on. Never the request's Host header. */
  readonly publicUrl: string;
  /** Overrides the tenant's `urn:<host>` issuer (persisted). */
  readonly issuer?: string;
  readonly loginLimits?: Partial<LoginLimits>;
  readonly sessionLimits?: Partial<SessionLimits>;
  /** The process log (operational errors; never secrets). */
  readonly log?: (record: Record<string, unknown>) => void;
}

export interface IdpUrls {
  readonly origin: string;
  sso(clientId: string): string;
  slo(clientId: string): string;
  metadata(clientId: string): string;
}

export interface Idp {
  readonly tenant: Tenant;
  /** The tenant's issuer (`urn:<host>` unless configured). */
  readonly issuer: string;
  readonly urls: IdpUrls;
  /** Cookies get `Secure` (and the `__Host-` prefix) when the public origin is https. */
  readonly secure: boolean;
  readonly store: Store;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly sandbox: Sandbox;
  readonly keys: TenantKeys;
  readonly admin: IdpAdmin;
  readonly sessions: Sessions;
  readonly authenticator: Authenticator;
  readonly pipeline: LoginPipeline;
  readonly log: TenantLog;
  readonly processLog: (record: Record<string, unknown>) => void;
  /** Writes what is still buffered (the tenant log). The store and the sandbox stay open: their creator closes them. */
  close(): Promise<void>;
}

/** The public origin: an absolute http(s) URL without path, query, fragment or credentials. */
export function parsePublicUrl(publicUrl: string): URL {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new TypeError(`the IdP public URL \`${publicUrl}\` is not an absolute URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new TypeError(`the IdP public URL \`${publicUrl}\` must be an http(s) origin without path, query or credentials`);
  }
  return url;
}

/** Finds or creates the tenant for the public origin, makes sure it has a signing key, and wires the rest. */
export async function createIdp(options: IdpOptions): Promise<Idp> {
  const url = parsePublicUrl(options.publicUrl);
  const origin = url.origin;
  const processLog = options.log ?? ((r) => process.stderr.write(JSON.stringify(r) + '\n'));
  const deps = { store: options.store, sealer: options.sealer, clock: options.clock };
  const tenant = await bootstrapTenant(deps, { host: url.host, ...(options.issuer === undefined ? {} : { issuer: options.issuer }) });
  const keys = new TenantKeys(deps, tenant);
  await keys.ensure();
  const log = new TenantLog(options.store, options.clock, tenant.tenantId, processLog);
  const sessions = new Sessions(options.store, options.clock, { ...DEFAULT_SESSION_LIMITS, ...options.sessionLimits });
  const authenticator = new Authenticator(options.store, options.clock, tenant, { ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits }, log);
  const pipeline = new LoginPipeline({ ...deps, sandbox: options.sandbox, tenant, keys, log, sessions });
  // C7: the unknown-user path must cost one scrypt from the first attempt on, not two.
  void dummyPasswordHash();
  const encode = encodeURIComponent;
  return {
    tenant,
    issuer: tenantIssuer(tenant),
    urls: {
      origin,
      sso: (clientId) => `${origin}/samlp/${encode(clientId)}`,
      slo: (clientId) => `${origin}/samlp/${encode(clientId)}/logout`,
      metadata: (clientId) => `${origin}/samlp/metadata/${encode(clientId)}`,
    },
    secure: url.protocol === 'https:',
    ...deps,
    sandbox: options.sandbox,
    keys,
    admin: new IdpAdmin({ ...deps, tenant, log }),
    sessions,
    authenticator,
    pipeline,
    log,
    processLog,
    close: () => log.flush(),
  };
}
