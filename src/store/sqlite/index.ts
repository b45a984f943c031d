// The SQLite adapter of the store port (the default store: one process, one file).

export { open } from './store.js';
export type { SqliteStore, SqliteStoreOptions } from './store.js';
export type { MigrationResult } from './migrate.js';
