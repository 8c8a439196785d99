/**
 * Choosing the point a drill restores to, and refusing one RDS cannot restore, before anything is
 * created. The window is what the source instance reports: from the oldest point its automated
 * backups still cover (now minus BackupRetentionPeriod days, never before the instance existed) to
 * its LatestRestorableTime. Pure: the caller passes the clock and the random source.
 */
import { ValidationError } from '../../shared/errors.js';

/** How the point was chosen: the latest restorable time, a random point of the window, or the request's. */
export type ChosenBy = 'latest' | 'random' | 'requested';

/** The facts of the source instance the window comes from (DescribeDBInstances). */
export interface RestoreWindowFacts {
  /** `LatestRestorableTime`; absent while the instance has no automated backups. */
  readonly latestRestorableTime: Date | undefined;
  /** `BackupRetentionPeriod` in days; 0 disables automated backups (and point-in-time restore). */
  readonly backupRetentionDays: number;
  /** `InstanceCreateTime`: nothing before it can be restored. */
  readonly instanceCreateTime: Date | undefined;
}

/** The restorable window. */
export interface RestoreWindow {
  readonly earliest: Date;
  readonly latest: Date;
}

/** What the drill restores to. */
export interface RestorePointChoice {
  readonly restorePoint: Date;
  readonly chosenBy: ChosenBy;
  readonly window: RestoreWindow;
}

/**
 * A random point is drawn this far inside the window's old edge: RDS prunes the oldest backup on its
 * own schedule, so a point in the last hour of the retention may no longer be restorable when the
 * restore runs.
 */
export const RANDOM_EDGE_MARGIN_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The window of `facts` at `now`; throws ValidationError when the instance cannot be restored to a point in time. */
export function restoreWindow(facts: RestoreWindowFacts, now: Date): RestoreWindow {
  if (facts.backupRetentionDays < 1) {
    throw new ValidationError(
      `The source instance keeps no automated backups (BackupRetentionPeriod ${facts.backupRetentionDays}): point-in-time restore is not possible`,
    );
  }
  const latest = facts.latestRestorableTime;
  if (latest === undefined || Number.isNaN(latest.getTime())) {
    throw new ValidationError('The source instance reports no LatestRestorableTime: it has no restorable backup yet');
  }
  const byRetention = now.getTime() - facts.backupRetentionDays * DAY_MS;
  const created = facts.instanceCreateTime?.getTime() ?? Number.NEGATIVE_INFINITY;
  const earliest = new Date(Math.min(Math.max(byRetention, created), latest.getTime()));
  return { earliest, latest };
}

/** Inputs of chooseRestorePoint. */
export interface ChooseRestorePointInput {
  /** The operator's point, if any: it must lie inside the window. */
  readonly requested: Date | undefined;
  /** How to choose without a requested point. */
  readonly mode: 'latest' | 'random';
  readonly facts: RestoreWindowFacts;
  readonly now: Date;
  /** A number in [0, 1), for `random`. */
  readonly random: () => number;
}

/**
 * The restore point: the requested one when given (ValidationError, naming the window, when it lies
 * after LatestRestorableTime or before the retention), else the latest restorable time or a random
 * point of the window (at least RANDOM_EDGE_MARGIN_MS inside its old edge, when the window allows).
 */
export function chooseRestorePoint(input: ChooseRestorePointInput): RestorePointChoice {
  const window = restoreWindow(input.facts, input.now);
  const range = `${window.earliest.toISOString()} to ${window.latest.toISOString()}`;
  if (input.requested !== undefined) {
    const requested = input.requested.getTime();
    if (requested > window.latest.getTime()) {
      throw new ValidationError(
        `Restore point ${input.requested.toISOString()} is after the LatestRestorableTime ${window.latest.toISOString()} of the source instance; the restorable window is ${range}`,
      );
    }
    if (requested < window.earliest.getTime()) {
      throw new ValidationError(
        `Restore point ${input.requested.toISOString()} is outside the backup retention of ${input.facts.backupRetentionDays} days; the restorable window is ${range}`,
      );
    }
    return { restorePoint: input.requested, chosenBy: 'requested', window };
  }
  if (input.mode === 'latest') return { restorePoint: window.latest, chosenBy: 'latest', window };
  const span = window.latest.getTime() - window.earliest.getTime();
  const margin = Math.min(RANDOM_EDGE_MARGIN_MS, span / 2);
  const from = window.earliest.getTime() + margin;
  const offset = Math.floor(input.random() * (window.latest.getTime() - from));
  return { restorePoint: new Date(from + offset), chosenBy: 'random', window };
}
