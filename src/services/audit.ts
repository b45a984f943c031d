// The audit log: one CloudTrail-shaped JSON record per API call, appended to a JSON-lines file in
// the data directory. Secrets never reach it: invoke strips them before a record is written.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AuditRecord {
  readonly eventVersion: '1.08';
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent?: string;
  readonly userIdentity: Record<string, unknown>;
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements?: Record<string, unknown> | null;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestID: string;
  readonly eventID: string;
  readonly eventType: 'AwsApiCall';
  readonly readOnly: boolean;
  readonly recipientAccountId: string;
  /** Tessera's own: the decisions taken, with the statements that decided. */
  readonly tesseraDecisions?: readonly Record<string, unknown>[];
  readonly [extra: string]: unknown;
}

export interface AuditSink {
  /** Writes `record` now (synchronously), after any records committed before it. */
  write(record: AuditRecord): void;
  /**
   * Group commit (optional; invoke prefers it): resolves once `record` is written, in one write(2)
   * with every other record committed in the same event-loop turn. Rejects if that write fails.
   */
  commit?(record: AuditRecord): Promise<void>;
  /** Records written so far in this process (tests read them back). */
  readonly count: number;
}

/** A sink's file descriptor is closed after this long without a write (and reopened by the next one). */
export const AUDIT_IDLE_CLOSE_MS = 1000;
/** A group commit is written at once (not at the end of the turn) when it holds this many records… */
export const AUDIT_BATCH_RECORDS = 256;
/** …or this many bytes: the bound on what one batch can hold in memory. */
export const AUDIT_BATCH_BYTES = 1024 * 1024;

/** Sinks holding committed-but-unwritten records: written synchronously if the process exits first. */
const unflushed = new Set<() => void>();
let exitHookInstalled = false;
function flushAllAtExit(): void {
  for (const flush of [...unflushed]) {
    try {
      flush();
    } catch {
      // exiting: nothing left to tell
    }
  }
}

/**
 * Appends records as whole lines, each batch with one write(2), so a crash never leaves half a
 * record followed by another. The file is opened in append mode (O_APPEND: lines from several
 * processes never interleave within a line).
 *
 * DURABILITY. `write` is synchronous. `commit` (what invoke uses) is a group commit: records of
 * the calls that finish in one event-loop turn are joined and written together at the end of that
 * turn (setImmediate), or at once when a batch reaches AUDIT_BATCH_RECORDS / AUDIT_BATCH_BYTES —
 * and invoke waits for that write before it returns, so an answer is never sent before its audit
 * record is in the file. What a SIGKILL can lose: only records of calls still in flight, whose
 * answers were not sent — at most one batch (≤ 256 records, ≤ 1 MiB), those that finished in the
 * turn the kill interrupted. (A call whose store write committed but which was killed before
 * answering could already lose its record before batching; the window is now up to one turn
 * instead of one statement.) A clean exit loses nothing: pending records are written by an 'exit'
 * hook, and `close` is not needed — nothing stays buffered beyond the current turn. As before, the
 * log is not fsync'd: a power loss can drop what the kernel had not written yet.
 *
 * Speed: the descriptor stays open while writes keep coming (no open + close per record), and is
 * closed after AUDIT_IDLE_CLOSE_MS idle by an unref'd timer, so a rotated or deleted file is let go
 * of within a second of quiet and no descriptor outlives use.
 */
export function fileAuditSink(path: string): AuditSink {
  mkdirSync(dirname(path), { recursive: true });
  closeSync(openSync(path, 'a', 0o600));
  let count = 0;
  let fd: number | undefined;
  let writesSinceCheck = 0;
  // The open batch: lines, their size, and the commits waiting for it.
  let lines: string[] = [];
  let bytes = 0;
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;

  const closeIfIdle = (): void => {
    if (fd === undefined) return;
    if (writesSinceCheck > 0) {
      writesSinceCheck = 0;
      setTimeout(closeIfIdle, AUDIT_IDLE_CLOSE_MS).unref();
      return;
    }
    const f = fd;
    fd = undefined;
    try {
      closeSync(f);
    } catch {
      // already gone: nothing to release
    }
  };

  const writeText = (text: string, records: number): void => {
    const data = Buffer.from(text, 'utf8');
    if (fd === undefined) {
      fd = openSync(path, 'a', 0o600);
      writesSinceCheck = 0;
      setTimeout(closeIfIdle, AUDIT_IDLE_CLOSE_MS).unref();
    }
    let off = 0;
    try {
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    } catch (e) {
      // A failed descriptor is dropped: the next write opens the file afresh.
      const f = fd;
      fd = undefined;
      try {
        closeSync(f);
      } catch {
        // ignore
      }
      throw e;
    }
    writesSinceCheck++;
    count += records;
  };

  /** Writes the open batch now and settles its commits. */
  const flush = (): void => {
    if (lines.length === 0) return;
    const batch = lines;
    const done = waiters;
    lines = [];
    bytes = 0;
    waiters = [];
    unflushed.delete(flush);
    try {
      writeText(batch.join(''), batch.length);
    } catch (e) {
      for (const w of done) w.reject(e);
      return;
    }
    for (const w of done) w.resolve();
  };

  const onTurnEnd = (): void => {
    scheduled = false;
    flush();
  };

  return {
    write(record) {
      const line = JSON.stringify(record) + '\n';
      flush(); // keep the file in commit order
      writeText(line, 1);
    },
    commit(record) {
      const line = JSON.stringify(record) + '\n';
      return new Promise<void>((resolve, reject) => {
        lines.push(line);
        bytes += line.length;
        waiters.push({ resolve, reject });
        if (!exitHookInstalled) {
          exitHookInstalled = true;
          process.once('exit', flushAllAtExit);
        }
        unflushed.add(flush);
        if (lines.length >= AUDIT_BATCH_RECORDS || bytes >= AUDIT_BATCH_BYTES) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(onTurnEnd);
        }
      });
    },
    get count() {
      return count;
    },
  };
}

export function memoryAuditSink(): AuditSink & { readonly records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    records,
    write(record) {
      records.push(record);
    },
    get count() {
      return records.length;
    },
  };
}
