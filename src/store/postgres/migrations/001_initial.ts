// Schema version 1 on PostgreSQL: the IAM, STS and EC2 state of issue #4, the same tables as
// ../../sqlite/migrations/001_initial.ts. Applied once, in one transaction, by ../migrate.ts. An
// applied migration is never edited (its checksum is recorded): change the schema with a new file.
//
// Timestamps are BIGINT milliseconds since the epoch (UTC), as on SQLite. Documents are TEXT, kept
// byte-for-byte as given. Tags are JSON arrays of {key, value} in order, as TEXT (the order and the
// exact text are what reads return); EC2 instance tags are also rows of instance_tags, indexed.
// Names, keys and paths that are compared or ordered use COLLATE "C" (code-point order, as SQLite's
// BINARY), whatever the database's locale. IAM names are ASCII ([\w+=,.@-]), so a unique index on
// lower(name) (ASCII folding under "C") is IAM's case-insensitive uniqueness and its list order.

export const sql = `
CREATE TABLE account_settings (
  singleton            INTEGER PRIMARY KEY CHECK (singleton = 1),
  account_id           TEXT NOT NULL,
  admin_access_key_id  TEXT NOT NULL,
  admin_secret_sealed  BYTEA NOT NULL,
  update_date          BIGINT NOT NULL
);

CREATE TABLE saml_providers (
  arn                     TEXT COLLATE "C" PRIMARY KEY,
  name                    TEXT COLLATE "C" NOT NULL,
  saml_metadata_document  TEXT NOT NULL,
  create_date             BIGINT NOT NULL,
  valid_until             BIGINT,
  tags                    TEXT NOT NULL CHECK (json_typeof(tags::json) = 'array'),
  CONSTRAINT saml_providers_name_key UNIQUE (name)
);

CREATE TABLE roles (
  role_id                      TEXT COLLATE "C" PRIMARY KEY,
  role_name                    TEXT COLLATE "C" NOT NULL,
  path                         TEXT COLLATE "C" NOT NULL,
  arn                          TEXT COLLATE "C" NOT NULL,
  assume_role_policy_document  TEXT NOT NULL,
  description                  TEXT,
  max_session_duration         BIGINT NOT NULL,
  permissions_boundary_arn     TEXT COLLATE "C",
  create_date                  BIGINT NOT NULL,
  tags                         TEXT NOT NULL CHECK (json_typeof(tags::json) = 'array'),
  CONSTRAINT roles_arn_key UNIQUE (arn)
);
CREATE UNIQUE INDEX roles_name_key ON roles (lower(role_name));
CREATE INDEX roles_permissions_boundary ON roles (permissions_boundary_arn) WHERE permissions_boundary_arn IS NOT NULL;

CREATE TABLE users (
  user_id                   TEXT COLLATE "C" PRIMARY KEY,
  user_name                 TEXT COLLATE "C" NOT NULL,
  path                      TEXT COLLATE "C" NOT NULL,
  arn                       TEXT COLLATE "C" NOT NULL,
  permissions_boundary_arn  TEXT COLLATE "C",
  create_date               BIGINT NOT NULL,
  tags                      TEXT NOT NULL CHECK (json_typeof(tags::json) = 'array'),
  CONSTRAINT users_arn_key UNIQUE (arn)
);
CREATE UNIQUE INDEX users_name_key ON users (lower(user_name));
CREATE INDEX users_permissions_boundary ON users (permissions_boundary_arn) WHERE permissions_boundary_arn IS NOT NULL;

CREATE TABLE managed_policies (
  policy_id        TEXT COLLATE "C" PRIMARY KEY,
  policy_name      TEXT COLLATE "C" NOT NULL,
  path             TEXT COLLATE "C" NOT NULL,
  arn              TEXT COLLATE "C" NOT NULL,
  description      TEXT,
  default_version  INTEGER NOT NULL,
  next_version     INTEGER NOT NULL,
  create_date      BIGINT NOT NULL,
  update_date      BIGINT NOT NULL,
  tags             TEXT NOT NULL CHECK (json_typeof(tags::json) = 'array'),
  CONSTRAINT managed_policies_arn_key UNIQUE (arn)
);
CREATE UNIQUE INDEX managed_policies_name_key ON managed_policies (lower(policy_name));

-- Versions go with their policy; the store refuses to delete a policy that still has other versions.
CREATE TABLE policy_versions (
  policy_id       TEXT COLLATE "C" NOT NULL REFERENCES managed_policies (policy_id) ON DELETE CASCADE,
  version_number  INTEGER NOT NULL CHECK (version_number >= 1),
  document        TEXT NOT NULL,
  create_date     BIGINT NOT NULL,
  PRIMARY KEY (policy_id, version_number)
);

-- Dependents block the delete of their principal or policy (IAM's DeleteConflict), never cascade.
CREATE TABLE role_inline_policies (
  role_id          TEXT COLLATE "C" NOT NULL REFERENCES roles (role_id),
  policy_name      TEXT COLLATE "C" NOT NULL,
  policy_document  TEXT NOT NULL,
  PRIMARY KEY (role_id, policy_name)
);

CREATE TABLE user_inline_policies (
  user_id          TEXT COLLATE "C" NOT NULL REFERENCES users (user_id),
  policy_name      TEXT COLLATE "C" NOT NULL,
  policy_document  TEXT NOT NULL,
  PRIMARY KEY (user_id, policy_name)
);

CREATE TABLE role_policy_attachments (
  role_id    TEXT COLLATE "C" NOT NULL REFERENCES roles (role_id),
  policy_id  TEXT COLLATE "C" NOT NULL REFERENCES managed_policies (policy_id),
  PRIMARY KEY (role_id, policy_id)
);
CREATE INDEX role_policy_attachments_policy ON role_policy_attachments (policy_id);

CREATE TABLE user_policy_attachments (
  user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (user_id),
  policy_id  TEXT COLLATE "C" NOT NULL REFERENCES managed_policies (policy_id),
  PRIMARY KEY (user_id, policy_id)
);
CREATE INDEX user_policy_attachments_policy ON user_policy_attachments (policy_id);

CREATE TABLE access_keys (
  access_key_id  TEXT COLLATE "C" PRIMARY KEY,
  user_id        TEXT COLLATE "C" NOT NULL REFERENCES users (user_id),
  secret_sealed  BYTEA NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
  create_date    BIGINT NOT NULL
);
CREATE INDEX access_keys_user ON access_keys (user_id, create_date);

-- seq gives DescribeInstances its stable order and keyset cursor.
CREATE TABLE instances (
  seq                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  instance_id              TEXT COLLATE "C" NOT NULL,
  reservation_id           TEXT COLLATE "C" NOT NULL,
  ami_launch_index         BIGINT NOT NULL,
  image_id                 TEXT COLLATE "C" NOT NULL,
  instance_type            TEXT COLLATE "C" NOT NULL,
  state_name               TEXT COLLATE "C" NOT NULL CHECK (state_name IN ('pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped')),
  state_transition_reason  TEXT NOT NULL,
  launch_time              BIGINT NOT NULL,
  availability_zone        TEXT COLLATE "C" NOT NULL,
  private_ip_address       TEXT COLLATE "C" NOT NULL,
  private_dns_name         TEXT COLLATE "C" NOT NULL,
  vpc_id                   TEXT COLLATE "C",
  subnet_id                TEXT COLLATE "C",
  tags                     TEXT NOT NULL CHECK (json_typeof(tags::json) = 'array'),
  CONSTRAINT instances_instance_id_key UNIQUE (instance_id)
);
CREATE INDEX instances_state ON instances (state_name, seq);
CREATE INDEX instances_type ON instances (instance_type, seq);
CREATE INDEX instances_reservation ON instances (reservation_id);

-- The filter indexes: tag:K=V and tag-key=K list matching instance seqs in order, without scanning instances.
CREATE TABLE instance_tags (
  instance_seq  BIGINT NOT NULL REFERENCES instances (seq) ON DELETE CASCADE,
  key           TEXT COLLATE "C" NOT NULL,
  value         TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (instance_seq, key)
);
CREATE INDEX instance_tags_key_value ON instance_tags (key, value, instance_seq);
CREATE INDEX instance_tags_key ON instance_tags (key, instance_seq);
`;
