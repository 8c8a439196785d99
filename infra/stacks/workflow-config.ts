/**
 * The one mapping from an environment's config to each workflow's props (what is not a reference
 * to another construct). The automation stack and the workflow testbed both build the workflows
 * from it, so a test runs the workflow exactly as the stack configures it.
 */
import { Duration } from 'aws-cdk-lib';
import { policyFromConfig } from '../../shared/remediation/policy.js';
import type { AlarmRemediationWorkflowProps } from '../../workflows/alarm-remediation/construct.js';
import { alarmSeverities } from '../../workflows/alarm-remediation/severities.js';
import type { BackupVerificationWorkflowProps } from '../../workflows/backup-verification/construct.js';
import type { SnapshotWorkflowProps } from '../../workflows/common/snapshot-workflow.js';
import type { DeploymentVerificationWorkflowProps } from '../../workflows/deployment-verification/construct.js';
import type { DrillLeftoverSweepWorkflowProps } from '../../workflows/drill-leftover-sweep/construct.js';
import type { FullRestoreTestWorkflowProps } from '../../workflows/full-restore-test/construct.js';
import type { RecoveryTestWorkflowProps } from '../../workflows/recovery-test/construct.js';
import type { SnapshotHousekeepingWorkflowProps } from '../../workflows/snapshot-housekeeping/construct.js';
import type { EnvironmentConfig } from '../config/index.js';
import { resolvePublicUrls } from '../config/public-urls.js';

/** What every workflow takes from config. */
export function commonWorkflowConfig(config: EnvironmentConfig) {
  return { failureSeverity: config.automation.failureSeverity } as const;
}

/** The on-demand (RDS) and cache snapshot workflows. */
export function snapshotWorkflowConfig(config: EnvironmentConfig) {
  return {
    ...commonWorkflowConfig(config),
    retentionDays: config.automation.manualSnapshotRetentionDays,
  } as const satisfies Partial<SnapshotWorkflowProps>;
}

/** The nightly backup verification. */
export function backupVerificationConfig(config: EnvironmentConfig) {
  return {
    ...commonWorkflowConfig(config),
    scheduleExpression: config.automation.nightlySchedule,
    backupRetentionDays: config.database.backupRetentionDays,
    backupMaxAgeHours: config.automation.backupMaxAgeHours,
    restoreLagThresholdMinutes: config.automation.restoreLagThresholdMinutes,
    manualSnapshotQuota: config.automation.manualSnapshotQuota,
    manualSnapshotWarnFraction: config.automation.manualSnapshotWarnFraction,
    checkCacheSnapshot: config.automation.cacheSnapshotNightly,
  } as const satisfies Partial<BackupVerificationWorkflowProps>;
}

/** The nightly snapshot housekeeping; `cacheSnapshotStateMachine` is given only where `nightlyCacheSnapshot`. */
export function snapshotHousekeepingConfig(config: EnvironmentConfig) {
  return {
    ...commonWorkflowConfig(config),
    scheduleExpression: config.automation.housekeepingSchedule,
    retentionDays: config.automation.manualSnapshotRetentionDays,
    // The config's '' means no DR region.
    drRegion: config.automation.drRegion || undefined,
  } as const satisfies Partial<SnapshotHousekeepingWorkflowProps>;
}

/** Whether housekeeping starts the nightly cache snapshot. */
export function nightlyCacheSnapshot(config: EnvironmentConfig): boolean {
  return config.automation.cacheSnapshotNightly;
}

/** The quarterly full restore test (what is not a reference to the platform). */
export function fullRestoreTestConfig(config: EnvironmentConfig) {
  const { fullRestore, objectives } = config.drills;
  return {
    ...commonWorkflowConfig(config),
    scheduleExpression: fullRestore.schedule,
    scheduleEnabled: fullRestore.scheduleEnabled,
    instanceClass: fullRestore.instanceClass,
    cacheNodeType: fullRestore.cacheNodeType,
    pollInterval: Duration.seconds(fullRestore.pollIntervalSeconds),
    timeout: Duration.minutes(fullRestore.timeoutMinutes),
    rtoObjectiveMinutes: objectives.rtoMinutes,
    smokeChecks: config.verification.httpChecks,
    smokeCheckTimeout: Duration.seconds(config.verification.timeoutsSeconds.http),
  } as const satisfies Partial<FullRestoreTestWorkflowProps>;
}

/** The drill leftover sweep. */
export function drillLeftoverSweepConfig(config: EnvironmentConfig) {
  return {
    ...commonWorkflowConfig(config),
    scheduleExpression: rateExpression(config.automation.drillLeftoverSweepHours),
  } as const satisfies Partial<DrillLeftoverSweepWorkflowProps>;
}

/** The drill leftover sweep's period: its schedule and its dead-man period. */
export function drillLeftoverSweepPeriod(config: EnvironmentConfig): Duration {
  return Duration.hours(config.automation.drillLeftoverSweepHours);
}

/** `rate(1 hour)`, `rate(3 hours)`: EventBridge wants the singular for 1. */
function rateExpression(hours: number): string {
  return `rate(${hours} ${hours === 1 ? 'hour' : 'hours'})`;
}

/** Alarm remediation: the guardrail policy, the state table, the alarms' severities and the playbook limits. */
export function alarmRemediationConfig(config: EnvironmentConfig) {
  return {
    ...commonWorkflowConfig(config),
    policy: policyFromConfig(config),
    tableName: config.remediation.tableName,
    alarmSeverities: alarmSeverities(config),
    limits: {
      maxTasks: config.compute.maxCapacity,
      maxAllocatedStorageGiB: config.database.allocatedStorageGiB * 2,
    },
  } as const satisfies Partial<AlarmRemediationWorkflowProps>;
}

/**
 * The deployment verification (CI hook, lifecycle hook, drift check). The probes call the
 * environment's public URLs (see {@link resolvePublicUrls}; a domain's hosts are already in
 * `config.verification` here, put there by infra/app.ts).
 */
export function deploymentVerificationConfig(config: EnvironmentConfig) {
  // The URLs travel as the probes' targets only, so the payload holds each once.
  const { appUrl: _appUrl, cdnUrl: _cdnUrl, ...probeSettings } = config.verification;
  const strategy = config.compute.deploymentStrategy;
  return {
    ...commonWorkflowConfig(config),
    ...resolvePublicUrls(config.verification),
    verification: probeSettings,
    driftScheduleExpression: config.verification.driftSchedule,
    cache: { tls: config.cache.transitEncryption },
    testListenerPort: strategy.type === 'blue-green' ? strategy.testListenerPort : undefined,
  } as const satisfies Partial<DeploymentVerificationWorkflowProps>;
}

/** The monthly point-in-time recovery drill (what is not a reference to the platform). */
export function recoveryTestConfig(config: EnvironmentConfig) {
  const { pitr, objectives } = config.drills;
  return {
    ...commonWorkflowConfig(config),
    databaseName: config.database.databaseName,
    scheduleExpression: pitr.schedule,
    scheduleEnabled: pitr.scheduleEnabled,
    restorePointMode: pitr.restorePointMode,
    instanceClass: pitr.instanceClass,
    pollInterval: Duration.seconds(pitr.pollIntervalSeconds),
    timeout: Duration.minutes(pitr.timeoutMinutes),
    objectives,
  } as const satisfies Partial<RecoveryTestWorkflowProps>;
}
