/**
 * Settings of the disaster-recovery drills (monthly point-in-time recovery test, quarterly full
 * restore, bi-annual failover): the environment's recovery objectives and the data checks that
 * decide whether a restored database holds the data it should.
 */
import { type DataCheck, dataCheckProblems } from '../../shared/data-checks/checks.js';
import { defaultDataChecks } from '../../shared/data-checks/defaults.js';

/** Recovery objectives the drills measure against; their alarms fire when a drill misses one. */
export interface RecoveryObjectives {
  /** Recovery point objective: the most data (minutes of writes) a restore may lose. */
  readonly rpoMinutes: number;
  /** Recovery time objective: drill start to data verified, in minutes. */
  readonly rtoMinutes: number;
}

/** Limits of the data checks' connection and statements (the Lambda's and `drill check-data`'s). */
export interface DataCheckTimeouts {
  /** TCP, TLS and authentication together. */
  readonly connectSeconds: number;
  /** Each check's `statement_timeout`. */
  readonly statementSeconds: number;
}

/** The monthly point-in-time recovery drill (workflows/recovery-test). */
export interface PitrDrillConfig {
  /** EventBridge cron expression of the monthly run, e.g. `cron(0 7 ? * 4#1 *)` (first Wednesday). */
  readonly schedule: string;
  /** Whether the schedule starts the drill; it can always be started by hand. */
  readonly scheduleEnabled: boolean;
  /** Restore point when the request names none: the latest restorable time, or a random point of the retention. */
  readonly restorePointMode: 'latest' | 'random';
  /** Class of the temporary instance, as RDS spells it (`db.t3.medium`): the source's, for a realistic RTO. */
  readonly instanceClass: string;
  /** Pause between polls of the restore: the resolution of the measured RTO. */
  readonly pollIntervalSeconds: number;
  /** Overall timeout of a drill (the wait loop gets all but 30 minutes of it). */
  readonly timeoutMinutes: number;
}

/** The drills' settings of one environment. */
/** The quarterly full application restore test (`interactions-<env>-full-restore-test`). */
export interface FullRestoreDrillConfig {
  /** EventBridge cron expression of the quarterly run (UTC). */
  readonly schedule: string;
  /** Whether the schedule starts runs (false: by hand only, `drill run <env> full-restore`). */
  readonly scheduleEnabled: boolean;
  /** Class of the temporary DB instance. */
  readonly instanceClass: string;
  /** Node type of the temporary replication group (one node: the drill needs no replicas). */
  readonly cacheNodeType: string;
  /** Pause between polls of the restores and the task: the resolution of the measured phases and RTO. */
  readonly pollIntervalSeconds: number;
  /** Overall execution timeout: restores, task start, checks, teardown and report. */
  readonly timeoutMinutes: number;
}

export interface DrillsConfig {
  readonly objectives: RecoveryObjectives;
  /**
   * The checks run against a restored database (`shared/data-checks/checks.ts`): one row, one
   * column each, exactly one of min / equals / freshness; the freshness check's timestamp gives the RPO.
   */
  readonly dataChecks: readonly DataCheck[];
  readonly dataCheckTimeouts: DataCheckTimeouts;
  readonly pitr: PitrDrillConfig;
  /** The quarterly full application restore test (DB + cache restored, backend task smoke-tested). */
  readonly fullRestore: FullRestoreDrillConfig;
}

/**
 * The checks every environment runs: the seed's backend applies Alembic migrations, and its
 * `interactions` table is what the Interaction Management System writes most. Its `created_at` is
 * the newest data; point `freshness` at a heartbeat table if the backend gets one (a quiet hour
 * then no longer reads as lost data).
 */
export const SEED_DATA_CHECKS: readonly DataCheck[] = defaultDataChecks({
  tables: ['interactions'],
  freshness: { table: 'interactions', column: 'created_at' },
});

/** Timeouts of every environment: a restored instance reads its blocks from S3 on first touch, so statements get 30 s. */
export const DATA_CHECK_TIMEOUTS: DataCheckTimeouts = { connectSeconds: 10, statementSeconds: 30 };

/** Every problem of `drills`, each naming its field (`drills.dataChecks: [1] ...`); empty when sound. */
export function validateDrillsConfig(drills: DrillsConfig): string[] {
  const problems: string[] = [];
  const { objectives, dataCheckTimeouts } = drills;
  const positive = (value: number, field: string, max: number) => {
    if (!Number.isFinite(value) || value <= 0 || value > max)
      problems.push(`${field}: ${value} is outside (0, ${max}]`);
  };
  positive(objectives.rpoMinutes, 'drills.objectives.rpoMinutes', 7 * 24 * 60);
  positive(objectives.rtoMinutes, 'drills.objectives.rtoMinutes', 24 * 60);
  positive(dataCheckTimeouts.connectSeconds, 'drills.dataCheckTimeouts.connectSeconds', 60);
  // A check must end well inside the verification Lambda's 15-minute ceiling, all checks together.
  positive(dataCheckTimeouts.statementSeconds, 'drills.dataCheckTimeouts.statementSeconds', 300);
  for (const problem of dataCheckProblems(drills.dataChecks)) problems.push(`drills.dataChecks: ${problem}`);
  problems.push(...validatePitrDrill(drills.pitr));
  problems.push(...validateFullRestoreDrill(drills.fullRestore));
  return problems;
}

/** Every problem of `drills.pitr`, each naming its field; empty when sound. */
export function validatePitrDrill(pitr: PitrDrillConfig): string[] {
  const problems: string[] = [];
  if (!/^cron\(.+\)$/.test(pitr.schedule)) {
    problems.push(`drills.pitr.schedule: "${pitr.schedule}" is not an EventBridge cron(...) expression`);
  }
  if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(pitr.instanceClass)) {
    problems.push(
      `drills.pitr.instanceClass: "${pitr.instanceClass}" is not an RDS instance class such as db.t3.medium`,
    );
  }
  if (!Number.isInteger(pitr.pollIntervalSeconds) || pitr.pollIntervalSeconds < 10 || pitr.pollIntervalSeconds > 600) {
    problems.push(`drills.pitr.pollIntervalSeconds: ${pitr.pollIntervalSeconds} is outside 10-600 whole seconds`);
  }
  // 30 minutes after the wait (verify, delete with its retries, report), and at least as much for the restore.
  if (!Number.isInteger(pitr.timeoutMinutes) || pitr.timeoutMinutes < 60 || pitr.timeoutMinutes > 12 * 60) {
    problems.push(`drills.pitr.timeoutMinutes: ${pitr.timeoutMinutes} is outside 60-720 whole minutes`);
  }
  return problems;
}

/** Every problem of `drills.fullRestore`, each naming its field; empty when sound. */
export function validateFullRestoreDrill(fullRestore: FullRestoreDrillConfig): string[] {
  const problems: string[] = [];
  const field = 'drills.fullRestore';
  if (!/^cron\(.+\)$/.test(fullRestore.schedule)) {
    problems.push(`${field}.schedule: "${fullRestore.schedule}" is not an EventBridge cron(...) expression`);
  }
  if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(fullRestore.instanceClass)) {
    problems.push(
      `${field}.instanceClass: "${fullRestore.instanceClass}" is not an RDS instance class such as db.t3.medium`,
    );
  }
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(fullRestore.cacheNodeType)) {
    problems.push(`${field}.cacheNodeType: "${fullRestore.cacheNodeType}" is not a node type such as cache.t3.small`);
  }
  const poll = fullRestore.pollIntervalSeconds;
  if (!Number.isInteger(poll) || poll < 10 || poll > 600) {
    problems.push(`${field}.pollIntervalSeconds: ${poll} is outside 10-600 whole seconds`);
  }
  // The waits of the cache and the task, the checks, the teardown and the report take 90 minutes of
  // the budget (FullRestoreTestWorkflow); the DB restore needs at least as much again.
  const timeout = fullRestore.timeoutMinutes;
  if (!Number.isInteger(timeout) || timeout < 180 || timeout > 12 * 60) {
    problems.push(`${field}.timeoutMinutes: ${timeout} is outside 180-720 whole minutes`);
  }
  return problems;
}
