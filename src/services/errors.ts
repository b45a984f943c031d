// AWS wire errors: AWS's code, message wording, HTTP status and fault. Thrown by handlers and the
// invoke pipeline, rendered in exactly one place per protocol (src/http/protocol). Anything that is
// not an AwsError becomes InternalFailure there, with the cause logged under the request id.

export type AwsFault = 'Sender' | 'Receiver';

export class AwsError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly fault: AwsFault;

  constructor(code: string, message: string, httpStatus = 400, fault?: AwsFault) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.httpStatus = httpStatus;
    this.fault = fault ?? (httpStatus >= 500 ? 'Receiver' : 'Sender');
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}

/** The fixed public half of an unexpected failure; the cause goes to the log only (CONVENTIONS: Errors 3). */
export function internalFailure(): AwsError {
  return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
}

// --- Query-protocol common errors (aws.md §8.5) -------------------------------------------------

export function invalidAction(action: string): AwsError {
  return new AwsError('InvalidAction', `Could not find operation ${action} for version`, 400);
}

export function missingAction(): AwsError {
  return new AwsError('MissingAction', 'Missing Action', 400);
}

/** `1 validation error detected: …` — the query protocol's constraint failure (IAM and STS). */
export function validationError(problems: readonly string[]): AwsError {
  const n = problems.length;
  return new AwsError('ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`, 400);
}
