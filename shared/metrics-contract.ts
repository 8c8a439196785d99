/**
 * Metrics a function publishes and an alarm watches, defined once for both sides. CloudWatch
 * identifies a metric by namespace, name and the exact set of dimensions (names and values): an
 * alarm with one dimension more or less, or another value, watches a series nobody writes, and a
 * dead-man alarm on such a series stays quiet or pages forever. So the function publishes with
 * `publishMetric(descriptor)` and the CDK side builds its alarm metric from the same descriptor.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type Environment, names, type WorkflowName } from './naming.js';

/** A metric as CloudWatch identifies it, plus the unit it is published in. */
export interface MetricDescriptor {
  /** CloudWatch namespace. */
  readonly namespace: string;
  /** Metric name. */
  readonly metricName: string;
  /**
   * The complete dimension set. Powertools always adds `service` to every metric it publishes, so
   * the set names it explicitly: the publishing function's name.
   */
  readonly dimensions: Readonly<{ service: string } & Record<string, string>>;
  /** Unit of each published value. */
  readonly unit: 'Count' | 'Seconds' | 'None';
}

/** The function that reports every workflow's outcome (its AutomationFunction `name`). */
export const OUTCOME_FUNCTION = 'notify-outcome';

/** How a workflow run ended, as notify-outcome receives it. */
export type WorkflowOutcomeStatus = 'SUCCEEDED' | 'FAILED';

/**
 * `WorkflowSucceeded` / `WorkflowFailed`: one per run that reported its outcome through
 * notify-outcome, with dimensions service (notify-outcome's function name), environment and workflow.
 */
export function workflowOutcomeMetric(
  env: Environment,
  workflow: WorkflowName,
  status: WorkflowOutcomeStatus,
): MetricDescriptor {
  return {
    namespace: names.metricsNamespace,
    metricName: status === 'SUCCEEDED' ? 'WorkflowSucceeded' : 'WorkflowFailed',
    dimensions: { service: names.lambdaFunction(env, OUTCOME_FUNCTION), environment: env, workflow },
    unit: 'Count',
  };
}

/**
 * The real-run success the dead-man's switch watches: a hand-over (workflows/common/schedule.ts)
 * and a duplicate delivery never report an outcome, so they never count.
 */
export function workflowSucceededMetric(env: Environment, workflow: WorkflowName): MetricDescriptor {
  return workflowOutcomeMetric(env, workflow, 'SUCCEEDED');
}

/**
 * Publishes one value of `metric` at once (its own EMF line), with exactly its dimension set: a
 * Metrics instance of its own, so neither the shared instance's invocation dimensions nor
 * POWERTOOLS_SERVICE_NAME can add to or change the set. POWERTOOLS_METRICS_DISABLED still applies.
 */
export function publishMetric(metric: MetricDescriptor, value: number): void {
  const { service, ...dimensions } = metric.dimensions;
  const single = new Metrics({ namespace: metric.namespace, serviceName: service, singleMetric: true });
  if (Object.keys(dimensions).length > 0) single.addDimensions(dimensions);
  single.addMetric(metric.metricName, metric.unit, value);
}

/** The function that evaluates the nightly backup checks (its AutomationFunction `name`). */
export const BACKUP_CHECK_FUNCTION = 'check-backups';

/** The workflow whose run publishes the backup checks' metrics. */
export const BACKUP_CHECK_WORKFLOW: WorkflowName = 'backup-verification';

/**
 * The metrics check-backups publishes each night through the shared Metrics instance, and the unit
 * of each (functions/check-backups/evaluate.ts and handler.ts).
 */
export const BACKUP_CHECK_METRICS = {
  /** Hours since the newest available automated DB snapshot was created. */
  BackupAgeHours: 'None',
  /** Minutes the instance's LatestRestorableTime lags the check's start. */
  RestoreLagMinutes: 'None',
  /** Manual DB snapshots in the region, against the account quota. */
  ManualSnapshotCount: 'Count',
  /** Checks that failed in one run. */
  BackupChecksFailed: 'Count',
  /** Checks that warned in one run. */
  BackupChecksWarned: 'Count',
} as const satisfies Record<string, MetricDescriptor['unit']>;

/** Name of a metric check-backups publishes. */
export type BackupCheckMetricName = keyof typeof BACKUP_CHECK_METRICS;

/**
 * A metric of check-backups with the dimension set it really has: Powertools' `service` (the
 * function's name, from POWERTOOLS_SERVICE_NAME) plus the invocation's environment and workflow that
 * the handler chain adds (shared/middleware.ts); the workflow is backup-verification (its WORKFLOW).
 */
export function backupCheckMetric(env: Environment, metricName: BackupCheckMetricName): MetricDescriptor {
  return {
    namespace: names.metricsNamespace,
    metricName,
    dimensions: {
      service: names.lambdaFunction(env, BACKUP_CHECK_FUNCTION),
      environment: env,
      workflow: BACKUP_CHECK_WORKFLOW,
    },
    unit: BACKUP_CHECK_METRICS[metricName],
  };
}

/** The long-schedule dead-man metric check-last-success publishes, in seconds. */
export const SECONDS_SINCE_LAST_SUCCESS = 'SecondsSinceLastSuccess';

/** The function that publishes the long-schedule dead-man metric (its AutomationFunction `name`). */
export const LAST_SUCCESS_CHECK_FUNCTION = 'check-last-success';

/**
 * `SecondsSinceLastSuccess` of `workflow`, as check-last-success publishes it: service (its function
 * name), environment and the workflow of the checked state machine.
 */
export function secondsSinceLastSuccessMetric(env: Environment, workflow: WorkflowName): MetricDescriptor {
  return {
    namespace: names.metricsNamespace,
    metricName: SECONDS_SINCE_LAST_SUCCESS,
    dimensions: { service: names.lambdaFunction(env, LAST_SUCCESS_CHECK_FUNCTION), environment: env, workflow },
    unit: 'Seconds',
  };
}

/** The function that measures a point-in-time recovery drill (its AutomationFunction `name`). */
export const RECOVERY_TEST_FUNCTION = 'evaluate-recovery-test';

/** The workflow whose runs publish the recovery metrics. */
export const RECOVERY_TEST_WORKFLOW: WorkflowName = 'recovery-test';

/** The metrics evaluate-recovery-test publishes once per verified drill, and the unit of each. */
export const RECOVERY_TEST_METRICS = {
  /** RTO: seconds from the drill's start to the restored data verified. */
  RecoveryTimeSeconds: 'Seconds',
  /** RPO: seconds between the restore point and the newest data found in the restored database. */
  RecoveryPointSeconds: 'Seconds',
} as const satisfies Record<string, MetricDescriptor['unit']>;

/** Name of a metric evaluate-recovery-test publishes. */
export type RecoveryTestMetricName = keyof typeof RECOVERY_TEST_METRICS;

/**
 * A recovery metric with exactly the dimensions it is published with (`publishMetric`): service
 * (the function's name), environment and workflow recovery-test; the objective alarms watch these.
 */
export function recoveryTestMetric(env: Environment, metricName: RecoveryTestMetricName): MetricDescriptor {
  return {
    namespace: names.metricsNamespace,
    metricName,
    dimensions: {
      service: names.lambdaFunction(env, RECOVERY_TEST_FUNCTION),
      environment: env,
      workflow: RECOVERY_TEST_WORKFLOW,
    },
    unit: RECOVERY_TEST_METRICS[metricName],
  };
}

/** The function that evaluates the failover drill and publishes its downtime (its AutomationFunction `name`). */
export const FAILOVER_REPORT_FUNCTION = 'failover-report';

/** The workflow whose runs publish the downtime metric. */
export const FAILOVER_DRILL_WORKFLOW: WorkflowName = 'failover-drill';

/** The failover drill's user-visible downtime of one dependency, in seconds. */
export const FAILOVER_DOWNTIME_METRIC = 'DowntimeSeconds';

/**
 * `DowntimeSeconds` of one dependency (database, cache, application) as failover-report publishes it
 * once per evaluated drill: service (its function name), environment, workflow failover-drill and
 * dependency. A string, not the drill's Dependency type: this module stays free of workflow code.
 */
export function failoverDowntimeMetric(env: Environment, dependency: string): MetricDescriptor {
  return {
    namespace: names.metricsNamespace,
    metricName: FAILOVER_DOWNTIME_METRIC,
    dimensions: {
      service: names.lambdaFunction(env, FAILOVER_REPORT_FUNCTION),
      environment: env,
      workflow: FAILOVER_DRILL_WORKFLOW,
      dependency,
    },
    unit: 'Seconds',
  };
}
