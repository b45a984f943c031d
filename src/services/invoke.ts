// The one way into an AWS operation, for the HTTP API, the console and the CLI alike:
// resolve → authenticate → decode and validate → authorize → handle, then audit.
// An action that returns without having authorized is failed closed (InternalFailure).

import type { SigV4Request } from '../sigv4/index.js';
import { createAuthorizer, callerArn, callerUserId } from './authorize.js';
import type { DecisionRecord } from './authorize.js';
import { authenticate } from './authenticate.js';
import type { AuditRecord } from './audit.js';
import { AwsError, internalFailure, invalidAction, isAwsError, missingAction } from './errors.js';
import { decodeInput } from './model/decode.js';
import { SERVICES } from './registry.js';
import { isStoreError } from '../store/index.js';
import type { ActionContext, ActionDefinition, Caller, ServiceEnv, ServiceName, TransportFacts } from './types.js';

export interface ApiCall {
  /** The request exactly as received (for SigV4). */
  readonly request: SigV4Request;
  /** Every parameter of the call, URL-decoded: the form body's and the query string's. */
  readonly params: ReadonlyMap<string, string>;
  readonly transport: TransportFacts;
}

export type ApiOutcome =
  | { readonly ok: true; readonly requestId: string; readonly service: ServiceName; readonly action: string; readonly output: unknown }
  | { readonly ok: false; readonly requestId: string; readonly service: ServiceName; readonly action: string | undefined; readonly error: AwsError };

const READ_ONLY = /^(Get|List|Describe|Simulate|Decode)/;

function sessionContext(caller: Caller): Record<string, unknown> {
  switch (caller.kind) {
    case 'anonymous':
      return { type: 'Unknown' };
    case 'root':
      return { type: 'Root', principalId: caller.accountId, arn: callerArn(caller), accountId: caller.accountId, accessKeyId: caller.accessKeyId };
    case 'user':
      return { type: 'IAMUser', principalId: caller.user.userId, arn: caller.user.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId, userName: caller.user.userName };
    case 'session': {
      const s = caller.session;
      return {
        type: 'AssumedRole',
        principalId: callerUserId(caller),
        arn: callerArn(caller),
        accountId: caller.accountId,
        accessKeyId: caller.accessKeyId,
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: s.roleId, arn: s.roleArn, accountId: caller.accountId, userName: s.roleName },
          attributes: { creationDate: new Date(s.issuedAt * 1000).toISOString(), mfaAuthenticated: 'false' },
          ...(s.sourceIdentity === undefined ? {} : { sourceIdentity: s.sourceIdentity }),
          // CloudTrail shows session tags as principalTags / transitiveTagKeys (IAM User Guide, id_session-tags).
          principalTags: Object.fromEntries(s.tags.map((t) => [t.key, t.value])),
          transitiveTagKeys: s.transitiveTagKeys,
          ...(s.federatedProvider === undefined ? {} : { webIdFederationData: { federatedProvider: s.federatedProvider } }),
        },
      };
    }
    default: {
      const never: never = caller;
      return never;
    }
  }
}

/** Request parameters for the audit log: auth fields dropped, secret members replaced. */
function auditParams(params: ReadonlyMap<string, string>, secret: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of params) {
    if (k === 'Action' || k === 'Version' || k.startsWith('X-Amz-')) continue;
    const top = k.split('.')[0] ?? k;
    out[k] = secret.includes(top) ? 'HIDDEN_DUE_TO_SECURITY_REASONS' : v.length > 2048 ? `${v.slice(0, 2048)}…` : v;
  }
  return out;
}

export async function invoke(env: ServiceEnv, call: ApiCall): Promise<ApiOutcome> {
  const requestId = env.ids.requestId();
  const now = env.clock.now();
  const actionName = call.params.get('Action');
  const version = call.params.get('Version');
  let service: ServiceName = 'iam';
  let caller: Caller = { kind: 'anonymous' };
  let region = env.defaultRegion;
  let definition: ActionDefinition | undefined;
  let decisions: readonly DecisionRecord[] = [];
  const notes: Record<string, unknown> = {};
  let outcome: ApiOutcome;
  try {
    const auth = await authenticate(env, call.request, now, version);
    if (!auth.ok) {
      service = auth.service;
      throw auth.error;
    }
    if (auth.signed) {
      service = auth.service;
      region = auth.region;
      caller = auth.caller;
    } else {
      // Unsigned: only an action declared unsigned (STS AssumeRoleWithSAML) may be called so.
      const byAction = actionName === undefined ? undefined : SERVICES.sts.actions[actionName];
      service = auth.service ?? (byAction?.unsigned === true ? 'sts' : 'iam');
      const candidate = actionName === undefined ? undefined : SERVICES[service].actions[actionName];
      if (candidate?.unsigned !== true) {
        throw service === 'ec2'
          ? new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401)
          : new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      }
    }
    if (actionName === undefined || actionName === '') throw missingAction();
    const table = SERVICES[service];
    definition = Object.hasOwn(table.actions, actionName) ? table.actions[actionName] : undefined;
    if (definition === undefined) throw invalidAction(actionName);
    const input = decodeInput(table.model, actionName, call.params);

    const authorizer = createAuthorizer({ env, caller, service, region, now, transport: call.transport });
    decisions = authorizer.decisions;
    let authorized = false;
    const ctx: ActionContext = {
      env,
      requestId,
      now,
      service,
      region,
      caller,
      transport: call.transport,
      async authorize(checks) {
        authorized = true;
        await authorizer.authorize(checks);
      },
      async authorizeWith(checks, override) {
        authorized = true;
        await authorizer.authorize(checks, override);
      },
      note(fields) {
        Object.assign(notes, fields);
      },
    };
    const output = await definition.handle(input, ctx);
    if (!authorized && definition.authorization !== 'none') {
      // INVARIANT: every action authorizes; one that forgot must not have answered.
      env.log({ level: 'error', requestId, message: `action ${service}:${actionName} returned without authorizing` });
      throw internalFailure();
    }
    outcome = { ok: true, requestId, service, action: actionName, output };
  } catch (e) {
    let error: AwsError;
    if (isAwsError(e)) error = e;
    else if (isStoreError(e, 'ERR_STORE_BUSY')) {
      // The store could not serve in time (PostgreSQL: a statement timeout, every pooled connection
      // busy, a lost connection; SQLite: another process held the write lock): AWS's answer to a
      // temporary failure, which the SDKs and CLIs retry. Nothing was committed.
      env.log({ level: 'warn', requestId, message: 'store busy', error: e instanceof Error ? e.message : String(e) });
      error = service === 'ec2'
        ? new AwsError('Unavailable', 'The server is overloaded or unavailable; try again later.', 503)
        : new AwsError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503);
    } else {
      env.log({ level: 'error', requestId, message: 'unhandled error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      error = internalFailure();
    }
    outcome = { ok: false, requestId, service, action: definition === undefined ? undefined : actionName, error };
  }
  try {
    const record = auditRecord(env, call, outcome, { service, caller, region, now, actionName, definition, decisions, notes });
    // Group commit where the sink offers it: the record is in the file before the call returns
    // (so before any answer is sent), written with the others that finished in this turn.
    if (env.audit.commit !== undefined) await env.audit.commit(record);
    else env.audit.write(record);
  } catch (e) {
    env.log({ level: 'error', requestId, message: 'audit write failed', error: String(e) });
  }
  return outcome;
}

function auditRecord(
  env: ServiceEnv,
  call: ApiCall,
  outcome: ApiOutcome,
  facts: {
    service: ServiceName;
    caller: Caller;
    region: string;
    now: Date;
    actionName: string | undefined;
    definition: ActionDefinition | undefined;
    decisions: readonly DecisionRecord[];
    notes: Record<string, unknown>;
  },
): AuditRecord {
  const name = facts.actionName ?? '';
  return {
    eventVersion: '1.08',
    eventTime: facts.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${facts.service}.amazonaws.com`,
    eventName: name,
    awsRegion: facts.region,
    sourceIPAddress: call.transport.sourceIp,
    ...(call.transport.userAgent === undefined ? {} : { userAgent: call.transport.userAgent }),
    userIdentity: sessionContext(facts.caller),
    requestParameters: auditParams(call.params, facts.definition?.secretInputs ?? []),
    ...(outcome.ok ? {} : { errorCode: outcome.error.code, errorMessage: outcome.error.message.replace(/Encoded authorization failure message: .*$/, 'Encoded authorization failure message: …') }),
    requestID: outcome.requestId,
    eventID: env.ids.requestId(),
    eventType: 'AwsApiCall',
    readOnly: READ_ONLY.test(name),
    recipientAccountId: env.accountId,
    ...(env.nodeId === undefined ? {} : { tesseraNodeId: env.nodeId }),
    tesseraDecisions: facts.decisions.map((d) => ({ ...d })),
    ...(Object.keys(facts.notes).length === 0 ? {} : { tessera: facts.notes }),
  };
}
