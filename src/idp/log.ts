// The tenant log (Auth0's log events, store.idp.tenantLogs): one writer for every login outcome, so a
// failure's reason — a rule's error, an action's denial, a sandbox fault — lands here and never on
// the user's screen. Entries are buffered and written in one transaction per batch (a durable commit
// per login would cost more than signing the assertion), at most FLUSH_AFTER_MS after they happen;
// readers flush first. Detail strings are capped and the log pruned; a failed write is reported to
// the process log and never fails the login it describes.

import type { Clock } from '../kernel/index.js';
import type { JsonObject, JsonValue, Store, TenantLogEntry, TenantLogType } from '../store/index.js';
import { TENANT_LOG_TYPES } from '../store/index.js';
import { newLogId } from './ids.js';
import { TENANT_LOG_KEEP, TENANT_LOG_PRUNE_EVERY } from './limits.js';

/** Longest text kept per detail string: reasons quote rule code at most this far. */
const MAX_DETAIL_CHARS = 2048;
/** A buffered entry reaches the store within this time… */
const FLUSH_AFTER_MS = 50;
/** …or as soon as this many are waiting. */
const FLUSH_AT_ENTRIES = 256;

export interface LogEvent {
  readonly type: TenantLogType;
  /** Defaults to Auth0's description of the type. */
  readonly description?: string;
  readonly clientId?: string;
  readonly clientName?: string;
  readonly userId?: string;
  readonly userName?: string;
  readonly ip?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class TenantLog {
  private appended = 0;
  private queue: TenantLogEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly tenantId: string,
    private readonly processLog: (record: Record<string, unknown>) => void,
  ) {}

  /** Queues the entry (dated now); it is in the store after the next flush. */
  async write(event: LogEvent): Promise<void> {
    this.queue.push({
      id: newLogId(),
      tenantId: this.tenantId,
      date: this.clock.now(),
      type: event.type,
      description: clip(event.description ?? TENANT_LOG_TYPES[event.type]),
      ...(event.clientId === undefined ? {} : { clientId: event.clientId }),
      ...(event.clientName === undefined ? {} : { clientName: clip(event.clientName) }),
      ...(event.userId === undefined ? {} : { userId: event.userId }),
      ...(event.userName === undefined ? {} : { userName: clip(event.userName) }),
      ...(event.ip === undefined ? {} : { ip: event.ip }),
      details: jsonDetails(event.details ?? {}),
    });
    if (this.queue.length >= FLUSH_AT_ENTRIES) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Writes every queued entry (one transaction per batch); resolves when they are durable. */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue;
    this.queue = [];
    const previous = this.writing;
    this.writing = previous.then(() => (batch.length === 0 ? undefined : this.writeBatch(batch)));
    return this.writing;
  }

  private async writeBatch(batch: readonly TenantLogEntry[]): Promise<void> {
    try {
      await this.store.transaction(async (tx) => {
        for (const entry of batch) await tx.idp.tenantLogs.append(entry);
      });
      const before = this.appended;
      this.appended += batch.length;
      if (Math.floor(before / TENANT_LOG_PRUNE_EVERY) !== Math.floor(this.appended / TENANT_LOG_PRUNE_EVERY)) {
        await this.store.idp.tenantLogs.prune(this.tenantId, TENANT_LOG_KEEP);
      }
    } catch (e) {
      this.processLog({ level: 'error', message: 'tenant log write failed', entries: batch.length, types: [...new Set(batch.map((b) => b.type))], error: e instanceof Error ? e.message : String(e) });
    }
  }
}

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
}

/** JSON-safe copy: strings capped, depth and breadth bounded, anything else stringified. */
function jsonDetails(value: Readonly<Record<string, unknown>>): JsonObject {
  return toJson(value, 0) as JsonObject;
}

function toJson(value: unknown, depth: number): JsonValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return clip(value);
  if (value instanceof Date) return value.toISOString();
  if (depth >= 6) return '…';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => toJson(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    let n = 0;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (++n > 100) break;
      out[k] = toJson(v, depth + 1);
    }
    return out;
  }
  return String(value);
}
