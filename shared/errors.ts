/**
 * Errors a Step Functions state machine routes on. The Lambda integration reports
 * `errorType` = `error.name`, so every class fixes its name as a literal: minified bundles rename
 * classes, and a Retry/Catch matcher must not depend on a bundler's choices.
 */

/** Options every automation error accepts: the underlying error, kept for the logs. */
export interface AutomationErrorOptions {
  readonly cause?: unknown;
}

/** Base class: `retryable` tells the state machine (and the logs) whether trying again can help. */
export abstract class AutomationError extends Error {
  abstract override readonly name: AutomationErrorName;
  abstract readonly retryable: boolean;

  constructor(message: string, options: AutomationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Bad input (event or arguments): retrying the same input fails the same way. */
export class ValidationError extends AutomationError {
  override readonly name = 'ValidationError';
  readonly retryable = false;
  /** Each problem as `path: message`, e.g. `snapshotName: must be ...`. */
  readonly issues: readonly string[];

  constructor(message: string, options: AutomationErrorOptions & { readonly issues?: readonly string[] } = {}) {
    super(message, options);
    this.issues = options.issues ?? [];
  }
}

/** A resource with the requested name or state already exists (e.g. duplicate snapshot name). */
export class ResourceConflictError extends AutomationError {
  override readonly name = 'ResourceConflictError';
  readonly retryable = false;
}

/** An AWS quota (manual snapshots, instances) would be exceeded: needs an operator, not a retry. */
export class QuotaExceededError extends AutomationError {
  override readonly name = 'QuotaExceededError';
  readonly retryable = false;
}

/** Refused to modify or delete a resource that does not carry this execution's tags. */
export class TagGuardError extends AutomationError {
  override readonly name = 'TagGuardError';
  readonly retryable = false;
}

/** A drill or verification ran but its check failed (data missing, probe unhealthy). */
export class VerificationFailedError extends AutomationError {
  override readonly name = 'VerificationFailedError';
  readonly retryable = false;
}

/** The function's own environment is wrong (missing or invalid variable): a deployment bug. */
export class ConfigurationError extends AutomationError {
  override readonly name = 'ConfigurationError';
  readonly retryable = false;
}

/** A resource the workflow created or waits for ended in a failed state (snapshot `failed`, restore `incompatible-...`). */
export class ResourceFailedError extends AutomationError {
  override readonly name = 'ResourceFailedError';
  readonly retryable = false;
}

/** A Wait -> Describe -> Choice loop ran out of time before the resource reached the awaited state. */
export class WaitTimedOutError extends AutomationError {
  override readonly name = 'WaitTimedOutError';
  readonly retryable = false;
}

/** Transient failure (throttling, 5xx, resource briefly busy): the state machine retries it. */
export class RetryableError extends AutomationError {
  override readonly name = 'RetryableError';
  readonly retryable = true;
}

/** Error names the state machines retry (with backoff and jitter). */
export const RETRYABLE_ERROR_NAMES = ['RetryableError'] as const;

/** Error names that go straight to Catch: retrying cannot change the outcome. */
export const NON_RETRYABLE_ERROR_NAMES = [
  'ValidationError',
  'ResourceConflictError',
  'QuotaExceededError',
  'TagGuardError',
  'VerificationFailedError',
  'ConfigurationError',
  'ResourceFailedError',
  'WaitTimedOutError',
] as const;

/** Every name an automation error class carries (the union a Retry/Catch matcher may name). */
export type AutomationErrorName = (typeof RETRYABLE_ERROR_NAMES)[number] | (typeof NON_RETRYABLE_ERROR_NAMES)[number];

/**
 * Names a state machine raises itself (a Pass state after a Choice detects the failure, see
 * `FailurePath.raise`): the same names a function would throw, so notifications and Catch matchers
 * read one vocabulary.
 */
export const WORKFLOW_ERROR_NAMES = [
  'ResourceFailedError',
  'WaitTimedOutError',
  'VerificationFailedError',
  'QuotaExceededError',
  'ResourceConflictError',
  'TagGuardError',
] as const satisfies readonly AutomationErrorName[];

/** Transient errors of the Lambda service itself, retried by every Lambda task (AWS's recommended list). */
export const LAMBDA_TRANSIENT_ERROR_NAMES = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'TimeoutError',
]);

const CONFLICT_SUFFIXES = ['AlreadyExists', 'AlreadyExistsFault', 'AlreadyExistsException'];
const QUOTA_SUFFIXES = ['QuotaExceeded', 'QuotaExceededFault', 'LimitExceededException'];

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $retryable?: unknown;
  readonly $fault?: unknown;
}

/**
 * Maps an error to the class the state machine routes on: automation errors pass through;
 * AWS SDK errors become RetryableError (throttling, server faults), ResourceConflictError
 * (`...AlreadyExists...`) or QuotaExceededError (`...QuotaExceeded...`). Anything else is returned
 * unchanged, so its own name still reaches the state machine's catch-all.
 */
export function classifyError(error: unknown): unknown {
  if (error instanceof AutomationError || typeof error !== 'object' || error === null) return error;
  const sdk = error as SdkErrorShape;
  const name = typeof sdk.name === 'string' ? sdk.name : '';
  const message = `${name}: ${typeof sdk.message === 'string' ? sdk.message : ''}`;
  if (CONFLICT_SUFFIXES.some((s) => name.endsWith(s))) return new ResourceConflictError(message, { cause: error });
  if (QUOTA_SUFFIXES.some((s) => name.endsWith(s))) return new QuotaExceededError(message, { cause: error });
  if (THROTTLING_NAMES.has(name) || sdk.$retryable !== undefined || sdk.$fault === 'server') {
    return new RetryableError(message, { cause: error });
  }
  return error;
}

/** The `name` of an error (an SDK fault such as `DBSnapshotNotFoundFault`), or `''` when it has none. */
export function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}
