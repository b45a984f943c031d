// Schema version 3: the web console's state of issue #6 (src/store/console-port.ts), shared by every
// node. Applied once, in one transaction, by ../migrate.ts; never edited once released (its checksum
// is recorded): change the schema with 004_….ts.
//
// Timestamps are INTEGER milliseconds since the epoch (UTC); JSON values are TEXT checked with
// json_valid; sealed values are BLOBs as the caller sealed them. Rows are keyed by the SHA-256 of the
// cookie or reference the browser holds, never by the value itself.

export const sql = `
CREATE TABLE console_sessions (
  session_id_hash     TEXT PRIMARY KEY,
  create_date         INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  role_arn            TEXT NOT NULL,
  session_name        TEXT NOT NULL,
  session_tags        TEXT NOT NULL CHECK (json_valid(session_tags)),
  credentials_sealed  BLOB NOT NULL,
  csrf_token          TEXT NOT NULL,
  assertion_json      TEXT NOT NULL CHECK (json_valid(assertion_json)),
  flash               TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- A SAML response waiting for the person to choose among its roles: one-time, bound to a browser.
CREATE TABLE console_pending_signins (
  ref_hash         TEXT PRIMARY KEY,
  browser_hash     TEXT NOT NULL,
  response_sealed  BLOB NOT NULL,
  relay_state      TEXT NOT NULL,
  expires_at       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX console_pending_signins_expires ON console_pending_signins (expires_at);
`;
