/**
 * The measurement and verdict of a point-in-time recovery drill, from what the state machine
 * gathered: RTO (drill start to data verified), RPO (restore point minus the newest data found), each
 * against the environment's objective, the timings of each phase, every check, and the cleanup.
 * Pure: the handler passes the clock and publishes the metrics.
 */

/** One data check as the verifier reports it (`status` is `pass` or `fail`). */
export interface CheckResult {
  readonly name: string;
  readonly status: string;
  readonly value?: unknown;
  readonly finding: string;
  readonly durationMs: number;
}

/** What the verifier returned. */
export interface Verification {
  readonly passed: boolean;
  readonly checks: readonly CheckResult[];
  readonly newestDataAt?: string | undefined;
  readonly rpoSeconds?: number | undefined;
  readonly verifiedAt: string;
}

/** A Step Functions error as a Catch records it. */
export interface CaughtError {
  readonly Error?: string | undefined;
  readonly Cause?: string | undefined;
}

/** The environment's recovery objectives (config `drills.objectives`). */
export interface Objectives {
  readonly rtoMinutes: number;
  readonly rpoMinutes: number;
}

/** What the drill gathered, as the state machine passes it. */
export interface DrillFacts {
  readonly startedAt: string;
  readonly plannedAt: string;
  readonly restorePoint: string;
  readonly restorePointMode: string;
  readonly temporaryInstance: string;
  readonly objectives: Objectives;
  /** The verifier's result; absent when it could not run. */
  readonly verification?: Verification | undefined;
  /** Why the verifier could not run. */
  readonly verificationError?: CaughtError | undefined;
  /** The delete's answer (the instance's status after it). */
  readonly deletion?: { readonly status?: string | undefined } | undefined;
  /** Why the delete failed after its retries. */
  readonly cleanupError?: CaughtError | undefined;
}

/** One phase of the drill and how long it took. */
export interface Phase {
  readonly name: 'plan' | 'restore' | 'verify' | 'cleanup';
  readonly startedAt: string;
  readonly endedAt: string;
  readonly seconds: number;
}

/** The drill's verdict and evidence. */
export interface DrillEvaluation {
  /** Data verified and the temporary instance deleted. */
  readonly passed: boolean;
  /** Report severity of a passed drill: low, or medium when an objective was missed (its alarm pages). */
  readonly severity: 'low' | 'medium';
  readonly summary: string;
  /** Why the drill failed, or null. */
  readonly failure: { readonly error: string; readonly cause: string } | null;
  readonly restorePoint: string;
  readonly restorePointMode: string;
  readonly temporaryInstance: string;
  /** Null unless the data was verified. */
  readonly rtoSeconds: number | null;
  /** Null when the verifier found no newest data (no freshness check, or it did not run). */
  readonly rpoSeconds: number | null;
  readonly newestDataAt: string | null;
  readonly objectives: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  readonly objectivesMet: { readonly rto: boolean; readonly rpo: boolean | null };
  readonly phases: readonly Phase[];
  readonly checks: readonly CheckResult[];
  readonly cleanup: { readonly status: string; readonly requestedAt: string; readonly error: string | null };
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

function phase(name: Phase['name'], startedAt: string, endedAt: string): Phase {
  return { name, startedAt, endedAt, seconds: seconds(startedAt, endedAt) };
}

/** The phases that can be timed: verification starts when its checks started (verifiedAt minus their durations). */
function phases(facts: DrillFacts, now: Date): Phase[] {
  const list = [phase('plan', facts.startedAt, facts.plannedAt)];
  const verification = facts.verification;
  const end = verification?.verifiedAt;
  if (verification !== undefined && end !== undefined) {
    const checking = verification.checks.reduce((sum, check) => sum + check.durationMs, 0);
    const verifyStart = new Date(Date.parse(end) - checking).toISOString();
    list.push(phase('restore', facts.plannedAt, verifyStart), phase('verify', verifyStart, end));
    list.push(phase('cleanup', end, now.toISOString()));
  }
  return list;
}

/** RPO: the verifier's, else restore point minus the newest data it found; null without a freshness check. */
function rpo(facts: DrillFacts): number | null {
  const verification = facts.verification;
  if (verification?.rpoSeconds !== undefined) return verification.rpoSeconds;
  if (verification?.newestDataAt === undefined) return null;
  return seconds(verification.newestDataAt, facts.restorePoint);
}

/** Why the drill failed, or null when the data was verified and the instance deleted. */
function failureOf(facts: DrillFacts): DrillEvaluation['failure'] {
  const { verification, verificationError, cleanupError } = facts;
  if (verification === undefined) {
    return {
      error: verificationError?.Error ?? 'VerificationFailedError',
      cause: `The restored data could not be verified: ${verificationError?.Cause ?? 'the verifier returned nothing'}`,
    };
  }
  if (!verification.passed) {
    const failed = verification.checks.filter((check) => check.status !== 'pass');
    return {
      error: 'VerificationFailedError',
      cause: `Data checks failed on ${facts.temporaryInstance}: ${failed.map((c) => `${c.name}: ${c.finding}`).join('; ') || 'the verifier reported a failure'}`,
    };
  }
  if (cleanupError !== undefined) {
    return {
      error: cleanupError.Error ?? 'CleanupFailedError',
      cause: `The data was verified, but the temporary instance ${facts.temporaryInstance} was not deleted: ${cleanupError.Cause ?? 'no cause'}. The sweeper deletes it after its expires-at tag.`,
    };
  }
  return null;
}

/** Evaluates the drill at `now` (the cleanup was just requested). */
export function evaluateDrill(facts: DrillFacts, now: Date): DrillEvaluation {
  const objectives = { rtoSeconds: facts.objectives.rtoMinutes * 60, rpoSeconds: facts.objectives.rpoMinutes * 60 };
  const failure = failureOf(facts);
  const verifiedAt = facts.verification?.verifiedAt;
  const rtoSeconds = failure === null && verifiedAt !== undefined ? seconds(facts.startedAt, verifiedAt) : null;
  // Measured whenever the verifier found the newest data: a freshness check fails when the RPO is
  // over the objective, and that RPO is exactly what the objective alarm must see.
  const rpoSeconds = rpo(facts);
  const objectivesMet = {
    rto: rtoSeconds !== null && rtoSeconds <= objectives.rtoSeconds,
    rpo: rpoSeconds === null ? null : rpoSeconds <= objectives.rpoSeconds,
  };
  const missed = [
    ...(objectivesMet.rto ? [] : [`RTO ${rtoSeconds ?? 'unknown'} s over ${objectives.rtoSeconds} s`]),
    ...(objectivesMet.rpo === false ? [`RPO ${rpoSeconds} s over ${objectives.rpoSeconds} s`] : []),
  ];
  const measured = `RTO ${rtoSeconds ?? 'n/a'} s, RPO ${rpoSeconds ?? 'n/a'} s`;
  const summary =
    failure !== null
      ? `Point-in-time recovery drill to ${facts.restorePoint} FAILED: ${failure.cause}`
      : missed.length > 0
        ? `Point-in-time recovery to ${facts.restorePoint} verified, objectives MISSED (${missed.join('; ')})`
        : `Point-in-time recovery to ${facts.restorePoint} verified within objectives (${measured})`;
  return {
    passed: failure === null,
    severity: failure === null && missed.length === 0 ? 'low' : 'medium',
    summary,
    failure,
    restorePoint: facts.restorePoint,
    restorePointMode: facts.restorePointMode,
    temporaryInstance: facts.temporaryInstance,
    rtoSeconds,
    rpoSeconds,
    newestDataAt: facts.verification?.newestDataAt ?? null,
    objectives,
    objectivesMet,
    phases: phases(facts, now),
    checks: facts.verification?.checks ?? [],
    cleanup: {
      status: facts.deletion?.status ?? (facts.cleanupError === undefined ? 'unknown' : 'failed'),
      requestedAt: now.toISOString(),
      error: facts.cleanupError === undefined ? null : `${facts.cleanupError.Error}: ${facts.cleanupError.Cause}`,
    },
  };
}
