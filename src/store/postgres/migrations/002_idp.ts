// Schema version 2 on PostgreSQL: the identity provider's state of issue #5 (src/store/idp-port.ts),
// the same tables, keys and invariants as ../../sqlite/migrations/002_idp.ts. Applied once, in one
// transaction, by ../migrate.ts; never edited once released (its checksum is recorded).
//
// Timestamps are BIGINT milliseconds since the epoch (UTC); JSON values are TEXT checked to parse as
// JSON and kept byte for byte, so a read returns what SQLite returns; sealed secrets are BYTEA as the
// caller sealed them. Every text column is COLLATE "C": equality and ORDER BY compare code points,
// as SQLite's BINARY does, whatever the database's default collation. Constraints and indexes are
// named: the repositories tell a conflict's field by the name of the unique index that refused it.

export const sql = `
-- Hosts are DNS names (plus a port). lower() under COLLATE "C" folds ASCII letters only: SQLite's
-- NOCASE, the case-insensitive uniqueness of idp_tenants.host there.
CREATE TABLE idp_tenants (
  tenant_id      TEXT COLLATE "C" NOT NULL,
  host           TEXT COLLATE "C" NOT NULL,
  issuer         TEXT COLLATE "C",
  friendly_name  TEXT COLLATE "C" NOT NULL,
  create_date    BIGINT NOT NULL,
  update_date    BIGINT NOT NULL,
  CONSTRAINT idp_tenants_pkey PRIMARY KEY (tenant_id)
);
CREATE UNIQUE INDEX idp_tenants_host ON idp_tenants (lower(host));

CREATE TABLE idp_signing_keys (
  kid                 TEXT COLLATE "C" NOT NULL,
  tenant_id           TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  private_key_sealed  BYTEA NOT NULL,
  certificate_pem     TEXT COLLATE "C" NOT NULL,
  thumbprint_sha1     TEXT COLLATE "C" NOT NULL,
  not_before          BIGINT NOT NULL,
  not_after           BIGINT NOT NULL,
  status              TEXT COLLATE "C" NOT NULL CHECK (status IN ('current', 'next', 'previous', 'revoked')),
  create_date         BIGINT NOT NULL,
  revoked_at          BIGINT,
  CONSTRAINT idp_signing_keys_pkey PRIMARY KEY (kid)
);
-- INVARIANT: at most one current and one next key per tenant, whatever writes them.
CREATE UNIQUE INDEX idp_signing_keys_current ON idp_signing_keys (tenant_id) WHERE status = 'current';
CREATE UNIQUE INDEX idp_signing_keys_next ON idp_signing_keys (tenant_id) WHERE status = 'next';
CREATE INDEX idp_signing_keys_tenant ON idp_signing_keys (tenant_id, create_date, kid);

-- seq: creation order and the keyset cursor of list. email_key is email lower-cased by the store
-- (String.prototype.toLowerCase, full Unicode: the same key as on SQLite, never the server's
-- locale), the uniqueness and lookup key; email is kept as given.
CREATE TABLE idp_users (
  seq             BIGINT GENERATED ALWAYS AS IDENTITY,
  user_id         TEXT COLLATE "C" NOT NULL,
  tenant_id       TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  connection      TEXT COLLATE "C" NOT NULL,
  email           TEXT COLLATE "C" NOT NULL,
  email_key       TEXT COLLATE "C" NOT NULL,
  email_verified  BOOLEAN NOT NULL,
  password_hash   TEXT COLLATE "C" NOT NULL,
  name            TEXT COLLATE "C" NOT NULL,
  nickname        TEXT COLLATE "C" NOT NULL,
  picture         TEXT COLLATE "C" NOT NULL,
  given_name      TEXT COLLATE "C",
  family_name     TEXT COLLATE "C",
  app_metadata    TEXT COLLATE "C" NOT NULL CHECK ((app_metadata::json) IS NOT NULL),
  user_metadata   TEXT COLLATE "C" NOT NULL CHECK ((user_metadata::json) IS NOT NULL),
  blocked         BOOLEAN NOT NULL,
  logins_count    BIGINT NOT NULL CHECK (logins_count >= 0),
  last_login      BIGINT,
  last_ip         TEXT COLLATE "C",
  create_date     BIGINT NOT NULL,
  update_date     BIGINT NOT NULL,
  CONSTRAINT idp_users_pkey PRIMARY KEY (seq),
  CONSTRAINT idp_users_user_id UNIQUE (user_id),
  CONSTRAINT idp_users_email UNIQUE (tenant_id, connection, email_key)
);
CREATE INDEX idp_users_tenant ON idp_users (tenant_id, seq);

CREATE TABLE idp_applications (
  client_id            TEXT COLLATE "C" NOT NULL,
  tenant_id            TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  name                 TEXT COLLATE "C" NOT NULL,
  callbacks            TEXT COLLATE "C" NOT NULL CHECK ((callbacks::json) IS NOT NULL),
  allowed_logout_urls  TEXT COLLATE "C" NOT NULL CHECK ((allowed_logout_urls::json) IS NOT NULL),
  addons               TEXT COLLATE "C" NOT NULL CHECK ((addons::json) IS NOT NULL),
  client_metadata      TEXT COLLATE "C" NOT NULL CHECK ((client_metadata::json) IS NOT NULL),
  create_date          BIGINT NOT NULL,
  update_date          BIGINT NOT NULL,
  CONSTRAINT idp_applications_pkey PRIMARY KEY (client_id)
);
CREATE INDEX idp_applications_tenant ON idp_applications (tenant_id, create_date, client_id);

-- Auth0: rule names and orders are each unique within a tenant (409 on either).
CREATE TABLE idp_rules (
  rule_id      TEXT COLLATE "C" NOT NULL,
  tenant_id    TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  name         TEXT COLLATE "C" NOT NULL,
  rule_order   BIGINT NOT NULL CHECK (rule_order >= 0),
  enabled      BOOLEAN NOT NULL,
  script       TEXT COLLATE "C" NOT NULL,
  create_date  BIGINT NOT NULL,
  update_date  BIGINT NOT NULL,
  CONSTRAINT idp_rules_pkey PRIMARY KEY (rule_id),
  CONSTRAINT idp_rules_name UNIQUE (tenant_id, name),
  CONSTRAINT idp_rules_order UNIQUE (tenant_id, rule_order)
);

CREATE TABLE idp_rules_configs (
  tenant_id     TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  key           TEXT COLLATE "C" NOT NULL,
  value_sealed  BYTEA NOT NULL,
  CONSTRAINT idp_rules_configs_pkey PRIMARY KEY (tenant_id, key)
);

-- secrets: JSON [{"name": …, "valueSealed": <base64 of the sealed bytes>}], in order.
-- bound_order: NULL when the Action is not bound to the post-login trigger.
CREATE TABLE idp_actions (
  action_id    TEXT COLLATE "C" NOT NULL,
  tenant_id    TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  name         TEXT COLLATE "C" NOT NULL,
  code         TEXT COLLATE "C" NOT NULL,
  runtime      TEXT COLLATE "C" NOT NULL CHECK (runtime IN ('node18', 'node22')),
  secrets      TEXT COLLATE "C" NOT NULL CHECK ((secrets::json) IS NOT NULL),
  bound_order  BIGINT CHECK (bound_order >= 1),
  create_date  BIGINT NOT NULL,
  update_date  BIGINT NOT NULL,
  CONSTRAINT idp_actions_pkey PRIMARY KEY (action_id),
  CONSTRAINT idp_actions_name UNIQUE (tenant_id, name)
);
CREATE UNIQUE INDEX idp_actions_bound ON idp_actions (tenant_id, bound_order) WHERE bound_order IS NOT NULL;

-- Keyed by the hash of the cookie value; the cookie itself is never stored.
CREATE TABLE idp_sessions (
  session_id_hash   TEXT COLLATE "C" NOT NULL,
  tenant_id         TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  user_id           TEXT COLLATE "C" NOT NULL REFERENCES idp_users (user_id) ON DELETE CASCADE,
  create_date       BIGINT NOT NULL,
  last_seen         BIGINT NOT NULL,
  expires_at        BIGINT NOT NULL,
  idle_expires_at   BIGINT NOT NULL,
  clients           TEXT COLLATE "C" NOT NULL CHECK ((clients::json) IS NOT NULL),
  authenticated_at  BIGINT NOT NULL,
  CONSTRAINT idp_sessions_pkey PRIMARY KEY (session_id_hash)
);
CREATE INDEX idp_sessions_user ON idp_sessions (user_id);
CREATE INDEX idp_sessions_expires ON idp_sessions (expires_at);
CREATE INDEX idp_sessions_idle ON idp_sessions (idle_expires_at);

-- Fixed windows: [window_start, window_end).
CREATE TABLE idp_login_throttle (
  throttle_key  TEXT COLLATE "C" NOT NULL,
  window_start  BIGINT NOT NULL,
  window_end    BIGINT NOT NULL,
  hits          BIGINT NOT NULL CHECK (hits >= 1),
  CONSTRAINT idp_login_throttle_pkey PRIMARY KEY (throttle_key)
);
CREATE INDEX idp_login_throttle_end ON idp_login_throttle (window_end);

-- seq: the order of appending (ties of date) and part of the keyset cursor. No foreign key to users:
-- the log outlives what it mentions.
CREATE TABLE idp_tenant_logs (
  seq          BIGINT GENERATED ALWAYS AS IDENTITY,
  log_id       TEXT COLLATE "C" NOT NULL,
  tenant_id    TEXT COLLATE "C" NOT NULL REFERENCES idp_tenants (tenant_id),
  date         BIGINT NOT NULL,
  type         TEXT COLLATE "C" NOT NULL,
  description  TEXT COLLATE "C" NOT NULL,
  client_id    TEXT COLLATE "C",
  client_name  TEXT COLLATE "C",
  user_id      TEXT COLLATE "C",
  user_name    TEXT COLLATE "C",
  ip           TEXT COLLATE "C",
  details      TEXT COLLATE "C" NOT NULL CHECK ((details::json) IS NOT NULL),
  CONSTRAINT idp_tenant_logs_pkey PRIMARY KEY (seq),
  CONSTRAINT idp_tenant_logs_log_id UNIQUE (log_id)
);
CREATE INDEX idp_tenant_logs_recent ON idp_tenant_logs (tenant_id, date DESC, seq DESC);

-- The sign-in endpoint's one-time assertions (P16), across nodes.
CREATE TABLE saml_assertion_claims (
  issuer        TEXT COLLATE "C" NOT NULL,
  assertion_id  TEXT COLLATE "C" NOT NULL,
  expires_at    BIGINT NOT NULL,
  CONSTRAINT saml_assertion_claims_pkey PRIMARY KEY (issuer, assertion_id)
);
CREATE INDEX saml_assertion_claims_expires ON saml_assertion_claims (expires_at);
`;
