/**
 * The nightly backup checks as one pure function: facts gathered from RDS and ElastiCache, the
 * environment's policy and the clock in; findings and an overall severity out. No AWS access, so
 * every boundary (exactly 26 h, exactly the lag threshold, the quota fractions) is unit-tested.
 */

import { BACKUP_CHECK_METRICS, type BackupCheckMetricName } from '../../shared/metrics-contract.js';

/** Result of one check; `fail` pages (the environment's failure severity), `warn` goes to the low topic. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** Stable check ids: they appear in reports and runbooks. */
export type CheckId =
  | 'automated-backup-freshness'
  | 'restore-window'
  | 'backup-retention'
  | 'manual-snapshot-quota'
  | 'cache-snapshot-freshness';

/** One check's outcome. `metric` is the measured value (hours, minutes, count) when there is one. */
export interface Finding {
  readonly check: CheckId;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly metric?: FindingMetric;
}

/** A measured value, named and unit-ed as the metrics contract (and so the dashboard) has it. */
export interface FindingMetric {
  readonly name: BackupCheckMetricName;
  readonly value: number;
  readonly unit: (typeof BACKUP_CHECK_METRICS)[BackupCheckMetricName];
}

function metricOf(name: BackupCheckMetricName, value: number): FindingMetric {
  return { name, value, unit: BACKUP_CHECK_METRICS[name] };
}

/** A DB or cache snapshot reduced to what the checks read. */
export interface SnapshotFact {
  readonly id: string;
  readonly status: string;
  /** When the snapshot was taken; undefined while it is still being created. */
  readonly createdAt: Date | undefined;
}

/** What the workflow gathered. */
export interface BackupFacts {
  readonly instance: {
    readonly identifier: string;
    readonly status: string;
    readonly backupRetentionPeriod: number | undefined;
    readonly latestRestorableTime: Date | undefined;
  };
  /** Automated snapshots of the instance (any status). */
  readonly automatedSnapshots: readonly SnapshotFact[];
  /** Manual DB snapshots in the region (the quota is per region, not per instance). */
  readonly manualSnapshotCount: number;
  /** `ManualSnapshots.Max` from rds:DescribeAccountAttributes, when the account reports it. */
  readonly manualSnapshotQuota: number | undefined;
  /** Snapshots of the replication group; undefined where cache snapshots are not checked. */
  readonly cacheSnapshots: readonly SnapshotFact[] | undefined;
}

/** Thresholds, from `config.automation` and `config.database`. */
export interface BackupPolicy {
  readonly backupMaxAgeHours: number;
  readonly restoreLagThresholdMinutes: number;
  readonly backupRetentionDays: number;
  /** Used when the account does not report its quota. */
  readonly manualSnapshotQuota: number;
  readonly manualSnapshotWarnFraction: number;
  /** Whether a fresh ElastiCache snapshot is required (config.automation.cacheSnapshotNightly). */
  readonly cacheSnapshotRequired: boolean;
}

/** All findings and the worst status among them. */
export interface BackupEvaluation {
  readonly findings: readonly Finding[];
  readonly severity: CheckStatus;
}

const HOUR_MS = 3_600_000;
const SUMMARY_MAX = 1000;
const MINUTE_MS = 60_000;

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Newest snapshot in `available` state with a creation time, if any. */
export function newestAvailable(snapshots: readonly SnapshotFact[]): SnapshotFact | undefined {
  let newest: SnapshotFact | undefined;
  for (const snapshot of snapshots) {
    if (snapshot.status !== 'available' || snapshot.createdAt === undefined) continue;
    if (newest?.createdAt === undefined || snapshot.createdAt.getTime() > newest.createdAt.getTime()) newest = snapshot;
  }
  return newest;
}

/** Age check shared by the DB and cache snapshots: at exactly `maxAgeHours` the snapshot still counts as fresh. */
function freshness(
  check: CheckId,
  what: string,
  snapshots: readonly SnapshotFact[],
  maxAgeHours: number,
  now: Date,
  metricName: BackupCheckMetricName | undefined,
): Finding {
  const newest = newestAvailable(snapshots);
  if (newest?.createdAt === undefined) {
    return { check, status: 'fail', detail: `No available ${what} found (${snapshots.length} listed)` };
  }
  const ageHours = (now.getTime() - newest.createdAt.getTime()) / HOUR_MS;
  const metric = metricName === undefined ? undefined : metricOf(metricName, round(ageHours));
  const status: CheckStatus = ageHours <= maxAgeHours ? 'ok' : 'fail';
  const detail =
    status === 'ok'
      ? `Newest ${what} ${newest.id} is ${round(ageHours, 1)} h old (limit ${maxAgeHours} h)`
      : `Newest ${what} ${newest.id} is ${round(ageHours, 1)} h old, older than the ${maxAgeHours} h limit`;
  return metric === undefined ? { check, status, detail } : { check, status, detail, metric };
}

function restoreWindow(facts: BackupFacts, policy: BackupPolicy, now: Date): Finding {
  const check = 'restore-window';
  const restorable = facts.instance.latestRestorableTime;
  if (restorable === undefined) {
    return {
      check,
      status: 'fail',
      detail: `${facts.instance.identifier} reports no LatestRestorableTime: point-in-time recovery is unavailable`,
    };
  }
  // A clock slightly ahead of ours is no lag at all.
  const lagMinutes = Math.max(0, (now.getTime() - restorable.getTime()) / MINUTE_MS);
  const limit = policy.restoreLagThresholdMinutes;
  const status: CheckStatus = lagMinutes <= limit ? 'ok' : 'fail';
  const state = facts.instance.status === 'available' ? '' : ` (instance is ${facts.instance.status})`;
  return {
    check,
    status,
    detail:
      status === 'ok'
        ? `LatestRestorableTime ${restorable.toISOString()} lags ${round(lagMinutes, 1)} min (limit ${limit} min)${state}`
        : `LatestRestorableTime ${restorable.toISOString()} lags ${round(lagMinutes, 1)} min, more than ${limit} min${state}`,
    metric: metricOf('RestoreLagMinutes', round(lagMinutes)),
  };
}

function retention(facts: BackupFacts, policy: BackupPolicy): Finding {
  const actual = facts.instance.backupRetentionPeriod;
  const expected = policy.backupRetentionDays;
  if (actual === expected) {
    return { check: 'backup-retention', status: 'ok', detail: `Backup retention is ${actual} days as configured` };
  }
  const detail =
    actual === undefined || actual === 0
      ? `Automated backups are disabled on ${facts.instance.identifier} (retention ${actual ?? 'unknown'}), expected ${expected} days`
      : `Backup retention is ${actual} days, expected ${expected} days`;
  return { check: 'backup-retention', status: 'fail', detail };
}

function quota(facts: BackupFacts, policy: BackupPolicy): Finding {
  const max = facts.manualSnapshotQuota ?? policy.manualSnapshotQuota;
  const count = facts.manualSnapshotCount;
  const warnAt = Math.ceil(max * policy.manualSnapshotWarnFraction);
  const source = facts.manualSnapshotQuota === undefined ? 'default quota' : 'account quota';
  const metric = metricOf('ManualSnapshotCount', count);
  if (count >= max) {
    return {
      check: 'manual-snapshot-quota',
      status: 'fail',
      detail: `${count} manual DB snapshots: the ${source} of ${max} is reached; new manual snapshots will be refused`,
      metric,
    };
  }
  if (count >= warnAt) {
    return {
      check: 'manual-snapshot-quota',
      status: 'warn',
      detail: `${count} of ${max} manual DB snapshots (${source}), at or above the warning level of ${warnAt}`,
      metric,
    };
  }
  return {
    check: 'manual-snapshot-quota',
    status: 'ok',
    detail: `${count} of ${max} manual DB snapshots (${source}); warning at ${warnAt}`,
    metric,
  };
}

function cacheSnapshot(facts: BackupFacts, policy: BackupPolicy, now: Date): Finding {
  if (!policy.cacheSnapshotRequired) {
    return { check: 'cache-snapshot-freshness', status: 'ok', detail: 'Not required in this environment' };
  }
  if (facts.cacheSnapshots === undefined) {
    return {
      check: 'cache-snapshot-freshness',
      status: 'fail',
      detail: 'Cache snapshots are required but were not listed',
    };
  }
  return freshness(
    'cache-snapshot-freshness',
    'cache snapshot',
    facts.cacheSnapshots,
    policy.backupMaxAgeHours,
    now,
    undefined,
  );
}

const RANK: Record<CheckStatus, number> = { ok: 0, warn: 1, fail: 2 };

/** The worst status of the findings (`ok` for none). */
export function worstStatus(findings: readonly Finding[]): CheckStatus {
  return findings.reduce<CheckStatus>((worst, f) => (RANK[f.status] > RANK[worst] ? f.status : worst), 'ok');
}

/** Runs every check (see the module comment). `now` is the execution's start time. */
export function evaluateBackups(facts: BackupFacts, policy: BackupPolicy, now: Date): BackupEvaluation {
  const findings = [
    freshness(
      'automated-backup-freshness',
      'automated DB snapshot',
      facts.automatedSnapshots,
      policy.backupMaxAgeHours,
      now,
      'BackupAgeHours',
    ),
    restoreWindow(facts, policy, now),
    retention(facts, policy),
    quota(facts, policy),
    cacheSnapshot(facts, policy, now),
  ];
  return { findings, severity: worstStatus(findings) };
}

/** One line for the notification: which checks failed or warned, or that all passed. */
export function summarize(evaluation: BackupEvaluation, instanceId: string): string {
  const bad = evaluation.findings.filter((f) => f.status !== 'ok');
  if (bad.length === 0) return `All ${evaluation.findings.length} backup checks passed for ${instanceId}`;
  const text = `Backup checks for ${instanceId}: ${bad.map((f) => `${f.check} ${f.status.toUpperCase()}: ${f.detail}`).join('; ')}`;
  // notify-outcome accepts summaries of up to 1000 characters; the report keeps every finding in full.
  return text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 3)}...`;
}

/** Severity topics of the platform. */
export type TopicSeverity = 'high' | 'medium' | 'low';

/** How the nightly run reports an evaluation: the execution succeeded either way, the checks may not have. */
export interface ReportPlan {
  /** `FAILED` when any check failed (the report says so), else `SUCCEEDED`. */
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** fail -> the environment's failure severity; warn and ok -> low (never a page). */
  readonly severity: TopicSeverity;
  /** Whether to notify at all: a night where every check passed files its report and stays quiet. */
  readonly publish: boolean;
}

/** Maps an evaluation to the notification (see ReportPlan). */
export function reportPlan(evaluation: BackupEvaluation, failureSeverity: TopicSeverity): ReportPlan {
  if (evaluation.severity === 'fail') return { status: 'FAILED', severity: failureSeverity, publish: true };
  return { status: 'SUCCEEDED', severity: 'low', publish: evaluation.severity === 'warn' };
}
