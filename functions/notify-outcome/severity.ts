/**
 * Which topic a failure goes to. High pages on-call, so it is for real failures: bad manual input
 * and conflicts (a duplicate snapshot name) are an operator's to fix and go to low; an exhausted
 * quota needs an operator action but is no emergency: medium. Only a workflow an operator starts
 * with their own request can fail on an operator's error: an unattended run (schedule, alarm, CI
 * hook) failing with ValidationError or InvalidParameterCombination is the automation's own bug or a
 * tampered event, and keeps its severity. The workflow's requested severity is the ceiling: the
 * mapping only ever lowers it. The one place the mapping lives.
 */
import type { WorkflowName } from '../../shared/naming.js';
import type { Severity } from '../../shared/schemas.js';

/**
 * Workflows started with an operator's request (CLI, CI before a migration, console). The nightly
 * cache snapshot is a nested run of the housekeeping, whose own failure notice keeps its severity.
 */
export const OPERATOR_STARTED_WORKFLOWS: ReadonlySet<WorkflowName> = new Set(['on-demand-snapshot', 'cache-snapshot']);

/** Why the severity was lowered: the error is the operator's input, a conflict or a quota. */
export type OperatorErrorKind = 'input' | 'conflict' | 'quota';

/** Severity each kind of operator error is worth at most. */
const SEVERITY_OF: Record<OperatorErrorKind, Severity> = { input: 'low', conflict: 'low', quota: 'medium' };

/** Names raised by our functions and by the Step Functions SDK integrations (`Rds.<Name>Exception`). */
const INPUT_ERRORS = new Set(['ValidationError']);
const CONFLICT_ERRORS = new Set(['ResourceConflictError']);
const QUOTA_ERRORS = new Set(['QuotaExceededError']);

/** Prefixes of errors that are never an operator's: Step Functions' own and the Lambda service's. */
const NEVER_OPERATOR_PREFIXES = ['States.', 'Lambda.'];

/** Service-qualified names (`Rds.DbSnapshotAlreadyExistsException`) compared without their service prefix. */
function localName(error: string): string {
  return error.includes('.') ? error.slice(error.indexOf('.') + 1) : error;
}

/**
 * The operator error kind of a Step Functions `Error` name, or undefined for a real failure.
 * SDK integration names: `...AlreadyExists(Fault|Exception)` is a conflict, `...QuotaExceeded...`
 * a quota, `InvalidParameter(Value|Combination)` bad input.
 */
export function operatorErrorKind(error: string | undefined): OperatorErrorKind | undefined {
  if (error === undefined || NEVER_OPERATOR_PREFIXES.some((prefix) => error.startsWith(prefix))) return undefined;
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

/** Lowers the severity of an operator-started workflow's FAILED outcome for operator errors; never raises it (see the module comment). */
export function effectiveSeverity(outcome: {
  readonly workflow: WorkflowName;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly severity: Severity;
  readonly error?: string | undefined;
}): SeverityDecision {
  const operatorStarted = OPERATOR_STARTED_WORKFLOWS.has(outcome.workflow);
  const kind = outcome.status === 'FAILED' && operatorStarted ? operatorErrorKind(outcome.error) : undefined;
  if (kind === undefined) return { requested: outcome.severity, effective: outcome.severity, operatorError: null };
  const cap = SEVERITY_OF[kind];
  const effective = RANK[cap] < RANK[outcome.severity] ? cap : outcome.severity;
  return { requested: outcome.severity, effective, operatorError: kind };
}
