/**
 * The measurement and verdict of a full restore test, from what the state machine gathered: each
 * phase's duration (restore database, restore cache, start the task, smoke checks, teardown), the
 * RTO (drill start to the restored backend answering its smoke checks) against the objective, every
 * check, and what the teardown did with each temporary resource. Pure: the handler passes the clock
 * and publishes the metric.
 */
import type { FULL_RESTORE_PHASES } from '../../workflows/full-restore-test/contract.js';

/** A Step Functions error as a Catch records it. */
export interface CaughtError {
  readonly Error?: string | undefined;
  readonly Cause?: string | undefined;
}

/** One smoke check's result. */
export interface SmokeCheck {
  readonly name: string;
  readonly status: string;
  readonly durationMs: number;
  readonly finding: string;
}

/**
 * How many polls each wait took before its resource was ready. The database and the cache restore
 * at once (the cache is requested first, the database right after, and the cache is polled once
 * the database is available), so the cache's phase is the sum of both waits: an upper bound.
 */
export interface WaitPolls {
  readonly database?: number | undefined;
  readonly cache?: number | undefined;
  readonly task?: number | undefined;
}

/** What each teardown step answered: a status, or the error it ended with after its retries. */
export interface TeardownFacts {
  readonly task?: { readonly status?: string | undefined } | undefined;
  readonly taskError?: CaughtError | undefined;
  readonly cache?: { readonly status?: string | undefined } | undefined;
  readonly cacheError?: CaughtError | undefined;
  readonly database?: { readonly status?: string | undefined } | undefined;
  readonly databaseError?: CaughtError | undefined;
}

/** What the drill gathered. */
export interface FullRestoreFacts {
  /** When the execution started. */
  readonly startedAt: string;
  readonly polls: WaitPolls;
  /** The intervals of the restores' and the task's wait loops. */
  readonly pollIntervalSeconds: { readonly restores: number; readonly task: number };
  readonly restorePoint: string;
  readonly cacheSnapshot: string;
  readonly temporaryInstance: string;
  readonly temporaryReplicationGroup: string;
  readonly taskDefinition: string;
  readonly rtoObjectiveMinutes: number;
  readonly smoke?:
    | {
        readonly passed: boolean;
        readonly target: string;
        readonly checks: readonly SmokeCheck[];
        readonly checkedAt: string;
        readonly startedAt: string;
      }
    | undefined;
  readonly smokeError?: CaughtError | undefined;
  readonly teardown: TeardownFacts;
}

/** One phase and how long it took: measured by the clock, or at most its polls x the interval (null when unknown). */
export interface Phase {
  readonly name: (typeof FULL_RESTORE_PHASES)[number];
  readonly seconds: number | null;
  /** `clock`: timestamps of the functions; `polls`: an upper bound with the poll interval's resolution. */
  readonly measuredBy: 'clock' | 'polls';
}

/** The verdict and evidence. */
export interface FullRestoreEvaluation {
  /** The restored backend passed its smoke checks and every temporary resource's delete was accepted. */
  readonly passed: boolean;
  /** Report severity of a passed drill: low, or medium when the RTO objective was missed. */
  readonly severity: 'low' | 'medium';
  readonly summary: string;
  readonly failure: { readonly error: string; readonly cause: string } | null;
  readonly restorePoint: string;
  readonly cacheSnapshot: string;
  readonly temporaryInstance: string;
  readonly temporaryReplicationGroup: string;
  readonly taskDefinition: string;
  /** Drill start to the smoke checks passing; null unless they passed. */
  readonly rtoSeconds: number | null;
  readonly objectiveSeconds: number;
  readonly objectiveMet: boolean;
  readonly phases: readonly Phase[];
  readonly checks: readonly SmokeCheck[];
  readonly teardown: Readonly<Record<'task' | 'cache' | 'database', { status: string; error: string | null }>>;
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

const byPolls = (name: Phase['name'], polls: number | undefined, interval: number): Phase => ({
  name,
  seconds: polls === undefined ? null : polls * interval,
  measuredBy: 'polls',
});

const byClock = (name: Phase['name'], from: string | undefined, to: string | undefined): Phase => ({
  name,
  seconds: from === undefined || to === undefined ? null : seconds(from, to),
  measuredBy: 'clock',
});

const describeError = (error: CaughtError | undefined) =>
  error === undefined ? null : `${error.Error ?? 'Error'}: ${error.Cause ?? 'no cause'}`;

function teardownOf(facts: TeardownFacts): FullRestoreEvaluation['teardown'] {
  const step = (answer: { status?: string | undefined } | undefined, error: CaughtError | undefined) => ({
    status: answer?.status ?? (error === undefined ? 'not-created' : 'failed'),
    error: describeError(error),
  });
  return {
    task: step(facts.task, facts.taskError),
    cache: step(facts.cache, facts.cacheError),
    database: step(facts.database, facts.databaseError),
  };
}

/** Why the drill failed, or null. */
function failureOf(
  facts: FullRestoreFacts,
  teardown: FullRestoreEvaluation['teardown'],
): FullRestoreEvaluation['failure'] {
  const { smoke, smokeError } = facts;
  if (smoke === undefined) {
    return {
      error: smokeError?.Error ?? 'VerificationFailedError',
      cause: `The smoke checks could not run against the restored backend: ${smokeError?.Cause ?? 'they returned nothing'}`,
    };
  }
  if (!smoke.passed) {
    const failed = smoke.checks.filter((check) => check.status !== 'pass');
    return {
      error: 'VerificationFailedError',
      cause: `Smoke checks failed against the restored backend at ${smoke.target}: ${failed.map((c) => `${c.name}: ${c.finding}`).join('; ')}`,
    };
  }
  const left = Object.entries(teardown).filter(([, step]) => step.error !== null);
  if (left.length > 0) {
    return {
      error: 'CleanupFailedError',
      cause: `The restored backend passed its smoke checks, but the teardown failed: ${left.map(([what, step]) => `${what}: ${step.error}`).join('; ')}. The drill leftover sweep removes them after their expires-at tag.`,
    };
  }
  return null;
}

/** Evaluates the drill at `now` (the teardown was just requested). */
export function evaluateFullRestore(facts: FullRestoreFacts, now: Date): FullRestoreEvaluation {
  const { polls, pollIntervalSeconds: interval, smoke } = facts;
  const teardown = teardownOf(facts.teardown);
  const failure = failureOf(facts, teardown);
  const objectiveSeconds = facts.rtoObjectiveMinutes * 60;
  const rtoSeconds = smoke?.passed === true ? seconds(facts.startedAt, smoke.checkedAt) : null;
  const objectiveMet = rtoSeconds !== null && rtoSeconds <= objectiveSeconds;
  const cachePolls =
    polls.database === undefined || polls.cache === undefined ? undefined : polls.database + polls.cache;
  const phases: Phase[] = [
    byPolls('restore-database', polls.database, interval.restores),
    byPolls('restore-cache', cachePolls, interval.restores),
    byPolls('start-task', polls.task, interval.task),
    byClock('smoke-checks', smoke?.startedAt, smoke?.checkedAt),
    // From the checks' end to now: the three deletes requested (they complete in AWS afterwards).
    byClock('teardown', smoke?.checkedAt, now.toISOString()),
  ];
  const summary =
    failure !== null
      ? `Full restore test FAILED: ${failure.cause}`
      : objectiveMet
        ? `Full restore verified within the RTO objective: the backend answered its smoke checks ${rtoSeconds} s after the start (objective ${objectiveSeconds} s)`
        : `Full restore verified, RTO objective MISSED: ${rtoSeconds} s over ${objectiveSeconds} s`;
  return {
    passed: failure === null,
    severity: failure === null && objectiveMet ? 'low' : 'medium',
    summary,
    failure,
    restorePoint: facts.restorePoint,
    cacheSnapshot: facts.cacheSnapshot,
    temporaryInstance: facts.temporaryInstance,
    temporaryReplicationGroup: facts.temporaryReplicationGroup,
    taskDefinition: facts.taskDefinition,
    rtoSeconds,
    objectiveSeconds,
    objectiveMet,
    phases,
    checks: smoke?.checks ?? [],
    teardown,
  };
}
