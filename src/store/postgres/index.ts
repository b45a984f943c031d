// The PostgreSQL adapter of the store port (issue #8): several Tessera nodes sharing one database.

export { open } from './store.js';
export type { PostgresStore, PostgresStoreOptions } from './store.js';
export type { MigrationResult } from './migrate.js';
