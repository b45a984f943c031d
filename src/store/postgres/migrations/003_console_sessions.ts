// Schema version 3 on PostgreSQL: the web console's state of issue #6 (src/store/console-port.ts),
// the same tables as ../../sqlite/migrations/003_console_sessions.ts. Applied once, in one
// transaction, by ../migrate.ts; never edited once released (its checksum is recorded).
//
// Timestamps are BIGINT milliseconds since the epoch (UTC); JSON values are TEXT checked to parse as
// JSON and kept byte for byte; sealed values are BYTEA as the caller sealed them. Rows are keyed by
// the SHA-256 of the cookie or reference the browser holds, never by the value itself.

export const sql = `
CREATE TABLE console_sessions (
  session_id_hash     TEXT COLLATE "C" NOT NULL,
  create_date         BIGINT NOT NULL,
  expires_at          BIGINT NOT NULL,
  role_arn            TEXT COLLATE "C" NOT NULL,
  session_name        TEXT COLLATE "C" NOT NULL,
  session_tags        TEXT COLLATE "C" NOT NULL CHECK ((session_tags::json) IS NOT NULL),
  credentials_sealed  BYTEA NOT NULL,
  csrf_token          TEXT COLLATE "C" NOT NULL,
  assertion_json      TEXT COLLATE "C" NOT NULL CHECK ((assertion_json::json) IS NOT NULL),
  flash               TEXT COLLATE "C",
  CONSTRAINT console_sessions_pkey PRIMARY KEY (session_id_hash)
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- A SAML response waiting for the person to choose among its roles: one-time, bound to a browser.
CREATE TABLE console_pending_signins (
  ref_hash         TEXT COLLATE "C" NOT NULL,
  browser_hash     TEXT COLLATE "C" NOT NULL,
  response_sealed  BYTEA NOT NULL,
  relay_state      TEXT COLLATE "C" NOT NULL,
  expires_at       BIGINT NOT NULL,
  CONSTRAINT console_pending_signins_pkey PRIMARY KEY (ref_hash)
);
CREATE INDEX console_pending_signins_expires ON console_pending_signins (expires_at);
`;
