// Schema version 4 on PostgreSQL: the keyring of issue #8 (src/store/port.ts KeyringRepository), as
// ../../sqlite/migrations/004_keyring.ts: data keys shared by every node, wrapped under the master
// key each node has from its environment. Applied once by ../migrate.ts; never edited once released.

export const sql = `
CREATE TABLE keyring (
  name         TEXT COLLATE "C" PRIMARY KEY,
  wrapped      BYTEA NOT NULL,
  create_date  BIGINT NOT NULL
);
`;
