// Turns whatever escapes the synchronous core into a StoreError: our own errors pass through, the
// driver's are classified by SQLite's result code, and the rest become ERR_STORE_INTERNAL with the
// cause attached for the log (the message never carries the driver's text or any value).

import { StoreError } from '../errors.js';
import { sqliteCode } from './db.js';

export function mapError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const code = sqliteCode(e);
  if (code !== undefined) {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new StoreError('ERR_STORE_BUSY', 'database is busy: another writer held it past the busy timeout', { cause: e });
    }
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new StoreError('ERR_STORE_CONFLICT', 'entity already exists', { cause: e });
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      return new StoreError('ERR_STORE_DELETE_CONFLICT', 'entity is still referenced', { cause: e });
    }
    return new StoreError('ERR_STORE_INTERNAL', `store operation failed: ${code}`, { cause: e });
  }
  if (e instanceof TypeError && /database connection is not open/.test(e.message)) {
    return new StoreError('ERR_STORE_CLOSED', 'store is closed', { cause: e });
  }
  return new StoreError('ERR_STORE_INTERNAL', 'store operation failed', { cause: e });
}
