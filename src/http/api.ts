// The AWS Query API over HTTP: read the parameters of a POST form body or a GET query string, hand
// the call to services/invoke, and write the answer in the service's protocol (src/http/protocol).

import type { IncomingHttpHeaders } from 'node:http';
import type { ApiCall, ApiOutcome } from '../services/invoke.js';
import { AwsError } from '../services/errors.js';
import { SERVICES } from '../services/registry.js';
import type { ServiceName } from '../services/types.js';
import { encodeError, encodeResult, encodeResultChunks } from './protocol/encode.js';

/** security.md V16: a bound on what one call may make us parse. */
export const MAX_PARAMS = 1000;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The parameters of a call: the query string's, then the form body's (a name given twice keeps its
 * first value; both halves are covered by the signature, so neither can be smuggled in).
 * Throws an AwsError for a body that is not a form, or for too many parameters.
 */
export function readParams(rawTarget: string, headers: IncomingHttpHeaders, body: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  const add = (text: string) => {
    for (const [k, v] of new URLSearchParams(text)) {
      if (params.size >= MAX_PARAMS && !params.has(k)) throw new AwsError('ValidationError', `Too many parameters: at most ${MAX_PARAMS}`, 400);
      if (!params.has(k)) params.set(k, v);
    }
  };
  const q = rawTarget.indexOf('?');
  if (q >= 0) add(rawTarget.slice(q + 1));
  if (body.length > 0) {
    const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      throw new AwsError('UnsupportedMediaType', 'The request body must be application/x-www-form-urlencoded', 415);
    }
    add(body.toString('utf8'));
  }
  return params;
}

export function answer(outcome: ApiOutcome): HttpAnswer {
  const model = SERVICES[outcome.service].model;
  if (outcome.ok) {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': outcome.requestId },
      body: encodeResult(model, outcome.action, outcome.output, outcome.requestId),
    };
  }
  return encodeError(model.metadata, outcome.error, outcome.requestId);
}

/** `answer`'s document as UTF-8 pieces (what the server writes: a large answer is never one flattened string). */
export interface HttpAnswerBytes {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: readonly Buffer[];
}

/** The same answer as `answer(outcome)`, byte for byte, in pieces (encodeResultChunks). */
export function answerBytes(outcome: ApiOutcome): HttpAnswerBytes {
  if (outcome.ok) {
    const model = SERVICES[outcome.service].model;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': outcome.requestId },
      body: encodeResultChunks(model, outcome.action, outcome.output, outcome.requestId),
    };
  }
  const a = answer(outcome);
  return { status: a.status, headers: a.headers, body: [Buffer.from(a.body, 'utf8')] };
}

/** An error raised before a call could reach invoke (unreadable body), in the likely service's words. */
export function earlyError(service: ServiceName, error: AwsError, requestId: string): HttpAnswer {
  return encodeError(SERVICES[service].model.metadata, error, requestId);
}

export type { ApiCall };
