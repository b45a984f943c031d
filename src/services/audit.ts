// The audit log: one CloudTrail-shaped JSON record per API call, appended to a JSON-lines file in
// the data directory. Secrets never reach it: invoke strips them before a record is written.

import { appendFileSync, mkdirSync, openSync, closeSync } from 'node:fs';
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
  write(record: AuditRecord): void;
  /** Records written so far in this process (tests read them back). */
  readonly count: number;
}

/**
 * Appends each record with one write(2) of a whole line, so a crash never leaves half a record
 * followed by another. The file is opened per process in append mode.
 */
export function fileAuditSink(path: string): AuditSink {
  mkdirSync(dirname(path), { recursive: true });
  closeSync(openSync(path, 'a', 0o600));
  let count = 0;
  return {
    write(record) {
      appendFileSync(path, JSON.stringify(record) + '\n');
      count++;
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
