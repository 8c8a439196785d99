/**
 * Which topic a failure goes to. High pages on-call, so it is for real failures: bad manual input
 * and conflicts (a duplicate snapshot name) are an operator's to fix and go to low; an exhausted
 * quota needs an operator action but is no emergency: medium. The workflow's requested severity is
 * the ceiling: the mapping only ever lowers it. The one place the mapping lives.
 */
import type { Severity } from '../../shared/schemas.js';

/** Why the severity was lowered: the error is the operator's input, a conflict or a quota. */
export type OperatorErrorKind = 'input' | 'conflict' | 'quota';

/** Severity each kind of operator error is worth at most. */
const SEVERITY_OF: Record<OperatorErrorKind, Severity> = { input: 'low', conflict: 'low', quota: 'medium' };

/** Names raised by our functions and by the Step Functions SDK integrations (`Rds.<Name>Exception`). */
const INPUT_ERRORS = new Set(['ValidationError']);
const CONFLICT_ERRORS = new Set(['ResourceConflictError']);
const QUOTA_ERRORS = new Set(['QuotaExceededError']);

/** Service-qualified names (`Rds.DbSnapshotAlreadyExistsException`) compared without their service prefix. */
function localName(error: string): string {
  return error.includes('.') && !error.startsWith('States.') ? error.slice(error.indexOf('.') + 1) : error;
}

/**
 * The operator error kind of a Step Functions `Error` name, or undefined for a real failure.
 * SDK integration names: `...AlreadyExists(Fault|Exception)` is a conflict, `...QuotaExceeded...`
 * a quota, `InvalidParameter(Value|Combination)` bad input.
 */
export function operatorErrorKind(error: string | undefined): OperatorErrorKind | undefined {
  if (error === undefined) return undefined;
  const name = localName(error);
  if (INPUT_ERRORS.has(error) || /^InvalidParameter(Value|Combination)(Exception|Fault)?$/.test(name)) return 'input';
  if (CONFLICT_ERRORS.has(error) || /AlreadyExists(Fault|Exception)?$/.test(name)) return 'conflict';
  if (QUOTA_ERRORS.has(error) || /QuotaExceeded(Fault|Exception)?$/.test(name)) return 'quota';
  return undefined;
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

/** The requested and the effective severity of an outcome, and the operator error kind that lowered it. */
export interface SeverityDecision {
  readonly requested: Severity;
  readonly effective: Severity;
  readonly operatorError: OperatorErrorKind | null;
}

/** Lowers a FAILED outcome's severity for operator errors; never raises it (see the module comment). */
export function effectiveSeverity(outcome: {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly severity: Severity;
  readonly error?: string | undefined;
}): SeverityDecision {
  const kind = outcome.status === 'FAILED' ? operatorErrorKind(outcome.error) : undefined;
  if (kind === undefined) return { requested: outcome.severity, effective: outcome.severity, operatorError: null };
  const cap = SEVERITY_OF[kind];
  const effective = RANK[cap] < RANK[outcome.severity] ? cap : outcome.severity;
  return { requested: outcome.severity, effective, operatorError: kind };
}
