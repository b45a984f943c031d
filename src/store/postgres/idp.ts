// The identity provider's repositories on PostgreSQL (src/store/idp-port.ts), built on one executor:
// the pool for `store.idp`, a transaction's client for `tx.idp`.

import type { IdpRepositories } from '../idp-port.js';
import type { Sql } from './db.js';
import { PgActions } from './idp-actions.js';
import { PgApplications } from './idp-applications.js';
import { PgTenantLogs } from './idp-logs.js';
import { PgRules, PgRulesConfig } from './idp-rules.js';
import { PgIdpSessions } from './idp-sessions.js';
import { PgSigningKeys } from './idp-signing-keys.js';
import { PgTenants } from './idp-tenants.js';
import { PgLoginThrottle } from './idp-throttle.js';
import { PgIdpUsers } from './idp-users.js';
import { PgSamlReplay } from './saml-replay.js';

export function pgIdpRepositories(sql: Sql): IdpRepositories {
  return Object.freeze({
    tenants: new PgTenants(sql),
    signingKeys: new PgSigningKeys(sql),
    idpUsers: new PgIdpUsers(sql),
    applications: new PgApplications(sql),
    rules: new PgRules(sql),
    rulesConfig: new PgRulesConfig(sql),
    actions: new PgActions(sql),
    idpSessions: new PgIdpSessions(sql),
    loginThrottle: new PgLoginThrottle(sql),
    tenantLogs: new PgTenantLogs(sql),
    samlReplay: new PgSamlReplay(sql),
  });
}
