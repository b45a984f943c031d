// Schema version 1: the IAM, STS and EC2 state of issue #4. Applied once, in one transaction, by
// ../migrate.ts. An applied migration is never edited (its checksum is recorded): change the schema
// with a new file, 002_….ts, listed in ./index.ts.
//
// Timestamps are INTEGER milliseconds since the epoch (UTC). Policy and metadata documents are TEXT,
// kept byte-for-byte as given (IAM returns them as submitted). Tags are JSON arrays of {key, value}
// in order; EC2 instance tags are also in instance_tags, indexed, for DescribeInstances filters.

export const sql = `
CREATE TABLE account_settings (
  singleton            INTEGER PRIMARY KEY CHECK (singleton = 1),
  account_id           TEXT NOT NULL,
  admin_access_key_id  TEXT NOT NULL,
  admin_secret_sealed  BLOB NOT NULL,
  update_date          INTEGER NOT NULL
) STRICT;

CREATE TABLE saml_providers (
  arn                     TEXT PRIMARY KEY,
  name                    TEXT NOT NULL UNIQUE,
  saml_metadata_document  TEXT NOT NULL,
  create_date             INTEGER NOT NULL,
  valid_until             INTEGER,
  tags                    TEXT NOT NULL CHECK (json_valid(tags))
) STRICT;

-- IAM names are [\\w+=,.@-]: ASCII, so NOCASE is IAM's case-insensitive uniqueness.
CREATE TABLE roles (
  role_id                      TEXT PRIMARY KEY,
  role_name                    TEXT NOT NULL UNIQUE COLLATE NOCASE,
  path                         TEXT NOT NULL,
  arn                          TEXT NOT NULL UNIQUE,
  assume_role_policy_document  TEXT NOT NULL,
  description                  TEXT,
  max_session_duration         INTEGER NOT NULL,
  permissions_boundary_arn     TEXT,
  create_date                  INTEGER NOT NULL,
  tags                         TEXT NOT NULL CHECK (json_valid(tags))
) STRICT;
CREATE INDEX roles_permissions_boundary ON roles (permissions_boundary_arn) WHERE permissions_boundary_arn IS NOT NULL;

CREATE TABLE users (
  user_id                   TEXT PRIMARY KEY,
  user_name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
  path                      TEXT NOT NULL,
  arn                       TEXT NOT NULL UNIQUE,
  permissions_boundary_arn  TEXT,
  create_date               INTEGER NOT NULL,
  tags                      TEXT NOT NULL CHECK (json_valid(tags))
) STRICT;
CREATE INDEX users_permissions_boundary ON users (permissions_boundary_arn) WHERE permissions_boundary_arn IS NOT NULL;

CREATE TABLE managed_policies (
  policy_id           TEXT PRIMARY KEY,
  policy_name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  path                TEXT NOT NULL,
  arn                 TEXT NOT NULL UNIQUE,
  description         TEXT,
  default_version     INTEGER NOT NULL,
  next_version        INTEGER NOT NULL,
  create_date         INTEGER NOT NULL,
  update_date         INTEGER NOT NULL,
  tags                TEXT NOT NULL CHECK (json_valid(tags))
) STRICT;

-- Versions go with their policy; the store refuses to delete a policy that still has other versions.
CREATE TABLE policy_versions (
  policy_id       TEXT NOT NULL REFERENCES managed_policies (policy_id) ON DELETE CASCADE,
  version_number  INTEGER NOT NULL CHECK (version_number >= 1),
  document        TEXT NOT NULL,
  create_date     INTEGER NOT NULL,
  PRIMARY KEY (policy_id, version_number)
) STRICT, WITHOUT ROWID;

-- Dependents block the delete of their principal or policy (IAM's DeleteConflict), never cascade.
CREATE TABLE role_inline_policies (
  role_id          TEXT NOT NULL REFERENCES roles (role_id),
  policy_name      TEXT NOT NULL,
  policy_document  TEXT NOT NULL,
  PRIMARY KEY (role_id, policy_name)
) STRICT, WITHOUT ROWID;

CREATE TABLE user_inline_policies (
  user_id          TEXT NOT NULL REFERENCES users (user_id),
  policy_name      TEXT NOT NULL,
  policy_document  TEXT NOT NULL,
  PRIMARY KEY (user_id, policy_name)
) STRICT, WITHOUT ROWID;

CREATE TABLE role_policy_attachments (
  role_id    TEXT NOT NULL REFERENCES roles (role_id),
  policy_id  TEXT NOT NULL REFERENCES managed_policies (policy_id),
  PRIMARY KEY (role_id, policy_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX role_policy_attachments_policy ON role_policy_attachments (policy_id);

CREATE TABLE user_policy_attachments (
  user_id    TEXT NOT NULL REFERENCES users (user_id),
  policy_id  TEXT NOT NULL REFERENCES managed_policies (policy_id),
  PRIMARY KEY (user_id, policy_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_policy_attachments_policy ON user_policy_attachments (policy_id);

CREATE TABLE access_keys (
  access_key_id  TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users (user_id),
  secret_sealed  BLOB NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
  create_date    INTEGER NOT NULL
) STRICT;
CREATE INDEX access_keys_user ON access_keys (user_id, create_date);

-- seq gives DescribeInstances its stable order and keyset cursor.
CREATE TABLE instances (
  seq                      INTEGER PRIMARY KEY,
  instance_id              TEXT NOT NULL UNIQUE,
  reservation_id           TEXT NOT NULL,
  ami_launch_index         INTEGER NOT NULL,
  image_id                 TEXT NOT NULL,
  instance_type            TEXT NOT NULL,
  state_name               TEXT NOT NULL CHECK (state_name IN ('pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped')),
  state_transition_reason  TEXT NOT NULL,
  launch_time              INTEGER NOT NULL,
  availability_zone        TEXT NOT NULL,
  private_ip_address       TEXT NOT NULL,
  private_dns_name         TEXT NOT NULL,
  vpc_id                   TEXT,
  subnet_id                TEXT,
  tags                     TEXT NOT NULL CHECK (json_valid(tags))
) STRICT;
CREATE INDEX instances_state ON instances (state_name, seq);
CREATE INDEX instances_type ON instances (instance_type, seq);
CREATE INDEX instances_reservation ON instances (reservation_id);

-- The filter indexes: tag:K=V and tag-key=K list matching instance seqs in order, without scanning instances.
CREATE TABLE instance_tags (
  instance_seq  INTEGER NOT NULL REFERENCES instances (seq) ON DELETE CASCADE,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (instance_seq, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX instance_tags_key_value ON instance_tags (key, value, instance_seq);
CREATE INDEX instance_tags_key ON instance_tags (key, instance_seq);
`;
