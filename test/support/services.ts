// A Tessera control plane in-process for tests: an in-memory SQLite store, a manual clock, a
// memory audit sink, and `call` — a SigV4-signed (or unsigned) form request through services/invoke,
// exactly what the HTTP layer hands it. `http` renders the same call's wire answer (XML).

import { ManualClock, randomIds } from '../../src/kernel/index.js';
import { answer } from '../../src/http/api.js';
import type { HttpAnswer } from '../../src/http/api.js';
import { createServiceEnv } from '../../src/main.js';
import { memoryAuditSink } from '../../src/services/audit.js';
import type { AuditRecord } from '../../src/services/audit.js';
import { invoke } from '../../src/services/invoke.js';
import type { ApiOutcome } from '../../src/services/invoke.js';
import { Sealer } from '../../src/services/sealer.js';
import type { ServiceEnv, ServiceName } from '../../src/services/types.js';
import { signRequest } from '../../src/sigv4/index.js';
import type { SigningCredentials } from '../../src/sigv4/index.js';
import { open as openSqliteStore } from '../../src/store/sqlite/index.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { randomBytes } from 'node:crypto';

export const TEST_ACCOUNT = '013823792818';
export const TEST_ADMIN: SigningCredentials = { accessKeyId: 'AKIAADMINTESTKEY0001', secretAccessKey: 'admin-secret-for-tests-only-0000000000000' };

const VERSIONS: Record<ServiceName, string> = { iam: '2010-05-08', sts: '2011-06-15', ec2: '2016-11-15' };

export interface CallOptions {
  /** Who signs: the admin by default; `'unsigned'` sends no signature at all. */
  readonly credentials?: SigningCredentials | 'unsigned';
  readonly region?: string;
  readonly sourceIp?: string;
}

export interface TestServices {
  readonly env: ServiceEnv;
  readonly store: SqliteStore;
  readonly clock: ManualClock;
  readonly auditRecords: AuditRecord[];
  /** Calls `service`'s `action` with form parameters (lists as AWS spells them: `Tags.member.1.Key`). */
  call(service: ServiceName, action: string, params?: Readonly<Record<string, string>>, options?: CallOptions): Promise<ApiOutcome>;
  /** The same call rendered as the HTTP answer (status, headers, XML body). */
  http(service: ServiceName, action: string, params?: Readonly<Record<string, string>>, options?: CallOptions): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export async function createTestServices(options: { now?: Date } = {}): Promise<TestServices> {
  const store = await openSqliteStore({ path: ':memory:' });
  const clock = new ManualClock(options.now ?? new Date());
  const audit = memoryAuditSink();
  const env = await createServiceEnv({
    store,
    sealer: new Sealer(randomBytes(32)),
    audit,
    accountId: TEST_ACCOUNT,
    admin: { accessKeyId: TEST_ADMIN.accessKeyId, secretAccessKey: TEST_ADMIN.secretAccessKey },
    clock,
    ids: randomIds,
    log: () => {},
  });
  const call: TestServices['call'] = async (service, action, params = {}, opts = {}) => {
    const form = new URLSearchParams({ Action: action, Version: VERSIONS[service], ...params });
    const body = form.toString();
    let request = {
      method: 'POST',
      path: '/',
      headers: [
        ['host', '127.0.0.1:4750'],
        ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ] as [string, string][],
      body,
    };
    const credentials = opts.credentials ?? TEST_ADMIN;
    if (credentials !== 'unsigned') {
      request = signRequest(request, credentials, { region: opts.region ?? 'us-east-1', service, now: clock.now() }) as typeof request;
    }
    return invoke(env, {
      request,
      params: new Map(form),
      transport: { sourceIp: opts.sourceIp ?? '127.0.0.1', secure: false, userAgent: 'tessera-tests' },
    });
  };
  return {
    env,
    store,
    clock,
    auditRecords: audit.records,
    call,
    http: async (service, action, params, opts) => answer(await call(service, action, params, opts)),
    close: () => store.close(),
  };
}

/** The output of a call that must succeed (a failure throws with its code and message). */
export function ok<T = Record<string, unknown>>(outcome: ApiOutcome): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.output as T;
}

/** The error of a call that must fail. */
export function failure(outcome: ApiOutcome): { code: string; message: string; httpStatus: number } {
  if (outcome.ok) throw new Error(`expected an error, got success: ${JSON.stringify(outcome.output)}`);
  return { code: outcome.error.code, message: outcome.error.message, httpStatus: outcome.error.httpStatus };
}
