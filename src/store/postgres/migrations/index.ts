// Every schema migration of the PostgreSQL adapter, in order: the same names and versions as
// ../../sqlite/migrations/index.ts (one schema history, two dialects). Versions are contiguous from 1;
// a test checks that each file in this folder is listed. TypeScript modules holding SQL text, so that
// `tsc` ships them in dist/ with the code that applies them.

import { sql as initial } from './001_initial.js';
import { sql as idp } from './002_idp.js';
import { sql as consoleSessions } from './003_console_sessions.js';
import { sql as keyring } from './004_keyring.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001_initial', sql: initial },
  { version: 2, name: '002_idp', sql: idp },
  { version: 3, name: '003_console_sessions', sql: consoleSessions },
  { version: 4, name: '004_keyring', sql: keyring },
];
