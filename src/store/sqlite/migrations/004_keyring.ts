// Schema version 4: the keyring of issue #8 (src/store/port.ts KeyringRepository): data keys shared
// by every node, wrapped under the master key each node has from its environment. Applied once, in
// one transaction, by ../migrate.ts; never edited once released: change the schema with 005_….ts.

export const sql = `
CREATE TABLE keyring (
  name         TEXT PRIMARY KEY,
  wrapped      BLOB NOT NULL,
  create_date  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`;
