// The identity provider's repositories on SQLite (src/store/idp-port.ts), built once per store on
// its connection and bound, like the control plane's, to the store's runner or to a transaction.

import type {
  ActionRepository,
  ApplicationRepository,
  IdpRepositories,
  IdpSessionRepository,
  IdpUserRepository,
  LoginThrottleRepository,
  RuleRepository,
  RulesConfigRepository,
  SamlReplayRepository,
  SigningKeyRepository,
  TenantLogRepository,
  TenantRepository,
} from '../idp-port.js';
import type { Db } from './db.js';
import { SqliteActions } from './idp-actions.js';
import { SqliteApplications } from './idp-applications.js';
import { SqliteTenantLogs } from './idp-logs.js';
import { SqliteRules, SqliteRulesConfig } from './idp-rules.js';
import { SqliteIdpSessions } from './idp-sessions.js';
import { SqliteSigningKeys } from './idp-signing-keys.js';
import { SqliteTenants } from './idp-tenants.js';
import { SqliteLoginThrottle } from './idp-throttle.js';
import { SqliteIdpUsers } from './idp-users.js';
import { SqliteSamlReplay } from './saml-replay.js';

/** Turns a synchronous repository into its async port (store.ts's bindAsync on a given runner). */
export type AsyncBinder = <P>(sync: object) => P;

export class SqliteIdpCore {
  readonly #tenants: SqliteTenants;
  readonly #signingKeys: SqliteSigningKeys;
  readonly #idpUsers: SqliteIdpUsers;
  readonly #applications: SqliteApplications;
  readonly #rules: SqliteRules;
  readonly #rulesConfig: SqliteRulesConfig;
  readonly #actions: SqliteActions;
  readonly #idpSessions: SqliteIdpSessions;
  readonly #loginThrottle: SqliteLoginThrottle;
  readonly #tenantLogs: SqliteTenantLogs;
  readonly #samlReplay: SqliteSamlReplay;

  constructor(db: Db) {
    this.#tenants = new SqliteTenants(db);
    this.#signingKeys = new SqliteSigningKeys(db);
    this.#idpUsers = new SqliteIdpUsers(db);
    this.#applications = new SqliteApplications(db);
    this.#rules = new SqliteRules(db);
    this.#rulesConfig = new SqliteRulesConfig(db);
    this.#actions = new SqliteActions(db);
    this.#idpSessions = new SqliteIdpSessions(db);
    this.#loginThrottle = new SqliteLoginThrottle(db);
    this.#tenantLogs = new SqliteTenantLogs(db);
    this.#samlReplay = new SqliteSamlReplay(db);
  }

  bind(bind: AsyncBinder): IdpRepositories {
    return Object.freeze({
      tenants: bind<TenantRepository>(this.#tenants),
      signingKeys: bind<SigningKeyRepository>(this.#signingKeys),
      idpUsers: bind<IdpUserRepository>(this.#idpUsers),
      applications: bind<ApplicationRepository>(this.#applications),
      rules: bind<RuleRepository>(this.#rules),
      rulesConfig: bind<RulesConfigRepository>(this.#rulesConfig),
      actions: bind<ActionRepository>(this.#actions),
      idpSessions: bind<IdpSessionRepository>(this.#idpSessions),
      loginThrottle: bind<LoginThrottleRepository>(this.#loginThrottle),
      tenantLogs: bind<TenantLogRepository>(this.#tenantLogs),
      samlReplay: bind<SamlReplayRepository>(this.#samlReplay),
    });
  }
}
