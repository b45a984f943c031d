// Schema version 2: the identity provider's state of issue #5 (src/store/idp-port.ts), shared by
// every node (issue #8). Applied once, in one transaction, by ../migrate.ts; never edited once
// released (its checksum is recorded): change the schema with 003_….ts.
//
// Timestamps are INTEGER milliseconds since the epoch (UTC); booleans are 0/1; JSON values (metadata,
// add-on settings, lists, log details) are TEXT checked with json_valid; sealed secrets are BLOBs as
// the caller sealed them. Tenants own everything else; nothing here cascades from a tenant (tenants
// are never deleted). A user's SSO sessions go with the user.

export const sql = `
-- Hosts are DNS names (plus a port): ASCII, so NOCASE is their case-insensitive uniqueness.
CREATE TABLE idp_tenants (
  tenant_id      TEXT PRIMARY KEY,
  host           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  issuer         TEXT,
  friendly_name  TEXT NOT NULL,
  create_date    INTEGER NOT NULL,
  update_date    INTEGER NOT NULL
) STRICT;

CREATE TABLE idp_signing_keys (
  kid                 TEXT PRIMARY KEY,
  tenant_id           TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  private_key_sealed  BLOB NOT NULL,
  certificate_pem     TEXT NOT NULL,
  thumbprint_sha1     TEXT NOT NULL,
  not_before          INTEGER NOT NULL,
  not_after           INTEGER NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('current', 'next', 'previous', 'revoked')),
  create_date         INTEGER NOT NULL,
  revoked_at          INTEGER
) STRICT;
-- INVARIANT: at most one current and one next key per tenant, whatever writes them.
CREATE UNIQUE INDEX idp_signing_keys_current ON idp_signing_keys (tenant_id) WHERE status = 'current';
CREATE UNIQUE INDEX idp_signing_keys_next ON idp_signing_keys (tenant_id) WHERE status = 'next';
CREATE INDEX idp_signing_keys_tenant ON idp_signing_keys (tenant_id, create_date, kid);

-- seq: creation order and the keyset cursor of list. email_key is email lower-cased by the store
-- (String.prototype.toLowerCase, full Unicode), the uniqueness and lookup key; email is kept as given.
CREATE TABLE idp_users (
  seq             INTEGER PRIMARY KEY,
  user_id         TEXT NOT NULL UNIQUE,
  tenant_id       TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  connection      TEXT NOT NULL,
  email           TEXT NOT NULL,
  email_key       TEXT NOT NULL,
  email_verified  INTEGER NOT NULL CHECK (email_verified IN (0, 1)),
  password_hash   TEXT NOT NULL,
  name            TEXT NOT NULL,
  nickname        TEXT NOT NULL,
  picture         TEXT NOT NULL,
  given_name      TEXT,
  family_name     TEXT,
  app_metadata    TEXT NOT NULL CHECK (json_valid(app_metadata)),
  user_metadata   TEXT NOT NULL CHECK (json_valid(user_metadata)),
  blocked         INTEGER NOT NULL CHECK (blocked IN (0, 1)),
  logins_count    INTEGER NOT NULL CHECK (logins_count >= 0),
  last_login      INTEGER,
  last_ip         TEXT,
  create_date     INTEGER NOT NULL,
  update_date     INTEGER NOT NULL,
  UNIQUE (tenant_id, connection, email_key)
) STRICT;
CREATE INDEX idp_users_tenant ON idp_users (tenant_id, seq);

CREATE TABLE idp_applications (
  client_id            TEXT PRIMARY KEY,
  tenant_id            TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  name                 TEXT NOT NULL,
  callbacks            TEXT NOT NULL CHECK (json_valid(callbacks)),
  allowed_logout_urls  TEXT NOT NULL CHECK (json_valid(allowed_logout_urls)),
  addons               TEXT NOT NULL CHECK (json_valid(addons)),
  client_metadata      TEXT NOT NULL CHECK (json_valid(client_metadata)),
  create_date          INTEGER NOT NULL,
  update_date          INTEGER NOT NULL
) STRICT;
CREATE INDEX idp_applications_tenant ON idp_applications (tenant_id, create_date, client_id);

-- Auth0: rule names and orders are each unique within a tenant (409 on either).
CREATE TABLE idp_rules (
  rule_id      TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  name         TEXT NOT NULL,
  rule_order   INTEGER NOT NULL CHECK (rule_order >= 0),
  enabled      INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  script       TEXT NOT NULL,
  create_date  INTEGER NOT NULL,
  update_date  INTEGER NOT NULL,
  UNIQUE (tenant_id, name),
  UNIQUE (tenant_id, rule_order)
) STRICT;

CREATE TABLE idp_rules_configs (
  tenant_id     TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  key           TEXT NOT NULL,
  value_sealed  BLOB NOT NULL,
  PRIMARY KEY (tenant_id, key)
) STRICT, WITHOUT ROWID;

-- secrets: JSON [{"name": …, "valueSealed": <base64 of the sealed bytes>}], in order.
-- bound_order: NULL when the Action is not bound to the post-login trigger.
CREATE TABLE idp_actions (
  action_id    TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  name         TEXT NOT NULL,
  code         TEXT NOT NULL,
  runtime      TEXT NOT NULL CHECK (runtime IN ('node18', 'node22')),
  secrets      TEXT NOT NULL CHECK (json_valid(secrets)),
  bound_order  INTEGER CHECK (bound_order >= 1),
  create_date  INTEGER NOT NULL,
  update_date  INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
) STRICT;
CREATE UNIQUE INDEX idp_actions_bound ON idp_actions (tenant_id, bound_order) WHERE bound_order IS NOT NULL;

-- Keyed by the hash of the cookie value; the cookie itself is never stored.
CREATE TABLE idp_sessions (
  session_id_hash   TEXT PRIMARY KEY,
  tenant_id         TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  user_id           TEXT NOT NULL REFERENCES idp_users (user_id) ON DELETE CASCADE,
  create_date       INTEGER NOT NULL,
  last_seen         INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  idle_expires_at   INTEGER NOT NULL,
  clients           TEXT NOT NULL CHECK (json_valid(clients)),
  authenticated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX idp_sessions_user ON idp_sessions (user_id);
CREATE INDEX idp_sessions_expires ON idp_sessions (expires_at);
CREATE INDEX idp_sessions_idle ON idp_sessions (idle_expires_at);

-- Fixed windows: [window_start, window_end).
CREATE TABLE idp_login_throttle (
  throttle_key  TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,
  window_end    INTEGER NOT NULL,
  hits          INTEGER NOT NULL CHECK (hits >= 1)
) STRICT, WITHOUT ROWID;
CREATE INDEX idp_login_throttle_end ON idp_login_throttle (window_end);

-- seq: the order of appending (ties of date) and part of the keyset cursor. No foreign key to users:
-- the log outlives what it mentions.
CREATE TABLE idp_tenant_logs (
  seq          INTEGER PRIMARY KEY,
  log_id       TEXT NOT NULL UNIQUE,
  tenant_id    TEXT NOT NULL REFERENCES idp_tenants (tenant_id),
  date         INTEGER NOT NULL,
  type         TEXT NOT NULL,
  description  TEXT NOT NULL,
  client_id    TEXT,
  client_name  TEXT,
  user_id      TEXT,
  user_name    TEXT,
  ip           TEXT,
  details      TEXT NOT NULL CHECK (json_valid(details))
) STRICT;
CREATE INDEX idp_tenant_logs_recent ON idp_tenant_logs (tenant_id, date DESC, seq DESC);

-- The sign-in endpoint's one-time assertions (P16), across nodes.
CREATE TABLE saml_assertion_claims (
  issuer        TEXT NOT NULL,
  assertion_id  TEXT NOT NULL,
  expires_at    INTEGER NOT NULL,
  PRIMARY KEY (issuer, assertion_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX saml_assertion_claims_expires ON saml_assertion_claims (expires_at);
`;
