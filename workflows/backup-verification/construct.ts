/**
 * BackupVerificationWorkflow: the nightly check that backups would actually save us. Gathers the
 * DB instance and the account's snapshot quota (SDK integrations), then one Lambda lists the
 * snapshots (paginated) and evaluates the checks (automated backup age, point-in-time lag, retention,
 * manual snapshot quota, cache snapshot age), publishing EMF metrics. The run SUCCEEDS whenever it
 * could check, problems included: they are reported with the matching severity. It FAILS (catch-all:
 * notify + fail) only when it could not check. See README.md.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { names } from '../../shared/naming.js';
import { elastiCacheArn, rdsArn, replicationGroupMembersArn } from '../common/arns.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { retrySdkTransient } from '../common/retry.js';
import { isScheduleExpression, nightlySchedule, oncePerScheduledEvent } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { workflowFunction } from '../common/workflow-function.js';
import {
  type AutomationWorkflow,
  type AutomationWorkflowProps,
  requirePositiveInteger,
  workflowSettings,
} from '../common/workflow-props.js';

const WORKFLOW = 'backup-verification';
const CONSTRUCT = 'BackupVerificationWorkflow';

/** Props of BackupVerificationWorkflow (the automation stack maps config.automation onto them). */
export interface BackupVerificationWorkflowProps extends AutomationWorkflowProps {
  /** EventBridge cron or rate expression of the nightly run (config `automation.nightlySchedule`). */
  readonly scheduleExpression: string;
  /** Expected automated backup retention in days (config `database.backupRetentionDays`). */
  readonly backupRetentionDays: number;
  /** The newest automated backup must be younger than this many hours (config `automation.backupMaxAgeHours`). @default 26 */
  readonly backupMaxAgeHours?: number;
  /** Longest lag of LatestRestorableTime behind now, in minutes (config `automation.restoreLagThresholdMinutes`). @default 15 */
  readonly restoreLagThresholdMinutes?: number;
  /** The region's quota of manual DB snapshots (config `automation.manualSnapshotQuota`). @default 100, AWS's default quota */
  readonly manualSnapshotQuota?: number;
  /** Warn when manual snapshots reach this fraction of the quota, in (0, 1] (config `automation.manualSnapshotWarnFraction`). @default 0.8 */
  readonly manualSnapshotWarnFraction?: number;
  /**
   * Check that the replication group has a fresh snapshot (config `automation.cacheSnapshotNightly`).
   * @default false: the cache is not checked and the function gets no ElastiCache permission
   */
  readonly checkCacheSnapshot?: boolean;
  /** DB instance checked. @default `names.databaseInstance(envName)` (`interactions-<env>-postgres`) */
  readonly databaseInstanceId?: string;
  /** Replication group whose snapshots are checked with `checkCacheSnapshot`. @default `names.cacheReplicationGroup(envName)` */
  readonly cacheReplicationGroupId?: string;
  /** Overall execution timeout. @default 15 minutes */
  readonly timeout?: Duration;
  /** Whether the nightly schedule rule is enabled. @default true */
  readonly scheduleEnabled?: boolean;
}

/** The thresholds the check Lambda evaluates, with their defaults filled in and checked. */
interface BackupPolicy {
  readonly backupMaxAgeHours: number;
  readonly restoreLagThresholdMinutes: number;
  readonly backupRetentionDays: number;
  readonly manualSnapshotQuota: number;
  readonly manualSnapshotWarnFraction: number;
}

/** Checks the schedule and fills the thresholds' defaults; throws `BackupVerificationWorkflow: <prop> must ...` for a bad one. */
function backupPolicy(props: BackupVerificationWorkflowProps): BackupPolicy {
  if (!isScheduleExpression(props.scheduleExpression)) {
    throw new Error(
      `${CONSTRUCT}: scheduleExpression must be a cron(...) or rate(...) expression (got "${props.scheduleExpression}")`,
    );
  }
  const positive = (prop: string, value: number): number => {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${CONSTRUCT}: ${prop} must be positive (got ${value})`);
    return value;
  };
  const warnFraction = props.manualSnapshotWarnFraction ?? 0.8;
  if (!(warnFraction > 0 && warnFraction <= 1)) {
    throw new Error(`${CONSTRUCT}: manualSnapshotWarnFraction must be in (0, 1] (got ${warnFraction})`);
  }
  return {
    backupMaxAgeHours: positive('backupMaxAgeHours', props.backupMaxAgeHours ?? 26),
    restoreLagThresholdMinutes: positive('restoreLagThresholdMinutes', props.restoreLagThresholdMinutes ?? 15),
    backupRetentionDays: requirePositiveInteger(CONSTRUCT, 'backupRetentionDays', props.backupRetentionDays),
    manualSnapshotQuota: requirePositiveInteger(CONSTRUCT, 'manualSnapshotQuota', props.manualSnapshotQuota ?? 100),
    manualSnapshotWarnFraction: warnFraction,
  };
}

/** The nightly backup verification (see the module comment). */
export class BackupVerificationWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-backup-verification`. */
  readonly stateMachine: sfn.StateMachine;
  /** The check-backups function, for alarms and dashboards. */
  readonly functions: { readonly check: lambda.IFunction };
  /** The nightly EventBridge rule that starts the state machine with the scheduled event. */
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: BackupVerificationWorkflowProps) {
    super(scope, id);
    // Checked before anything is built: a wrong config fails synth, naming the prop.
    const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, { timeout: Duration.minutes(15) });
    const policy = backupPolicy(props);
    const checkCache = props.checkCacheSnapshot ?? false;
    const instanceId = props.databaseInstanceId ?? names.databaseInstance(props.envName);
    const groupId = props.cacheReplicationGroupId ?? names.cacheReplicationGroup(props.envName);

    const check = workflowFunction(this, 'CheckFunction', {
      envName: props.envName,
      name: 'check-backups',
      description: `Lists the snapshots of ${instanceId} and evaluates the nightly backup checks`,
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      // Paginated listing of up to a few hundred snapshots; well under a minute even when throttled.
      timeout: Duration.seconds(60),
    });
    this.functions = { check: check.function };
    check.role.addToPolicy(
      new iam.PolicyStatement({
        // The manual snapshot count is region-wide (the quota is per region), so listing needs every snapshot.
        actions: ['rds:DescribeDBSnapshots'],
        resources: [rdsArn(this, 'db', instanceId), rdsArn(this, 'snapshot', '*')],
      }),
    );
    if (checkCache) {
      check.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['elasticache:DescribeSnapshots'],
          resources: [
            elastiCacheArn(this, 'replicationgroup', groupId),
            replicationGroupMembersArn(this, groupId),
            elastiCacheArn(this, 'snapshot', '*'),
          ],
        }),
      );
    }

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName: props.envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `Backup verification of ${instanceId} could not run: backups were NOT checked`,
    });

    const describeInstance = retrySdkTransient(
      new tasks.CallAwsService(this, 'Describe DB instance', {
        service: 'rds',
        action: 'describeDBInstances',
        parameters: { DbInstanceIdentifier: instanceId },
        iamResources: [rdsArn(this, 'db', instanceId)],
        iamAction: 'rds:DescribeDBInstances',
        resultSelector: { 'instance.$': '$.DbInstances[0]' },
      }),
      'Rds',
    );
    const describeQuotas = retrySdkTransient(
      new tasks.CallAwsService(this, 'Describe account quotas', {
        service: 'rds',
        action: 'describeAccountAttributes',
        parameters: {},
        // DescribeAccountAttributes has no resource type: IAM accepts only "*" for it.
        iamResources: ['*'],
        iamAction: 'rds:DescribeAccountAttributes',
        resultSelector: { 'accountQuotas.$': '$.AccountQuotas' },
      }),
      'Rds',
    );
    const gather = failure.catch(
      new sfn.Parallel(this, 'Gather backup facts', { resultPath: '$.facts' })
        .branch(describeInstance)
        .branch(describeQuotas),
    );

    const evaluate = failure.catch(
      lambdaTask(this, 'Evaluate backups', {
        workflow: WORKFLOW,
        lambdaFunction: check.function,
        payload: {
          instance: sfn.JsonPath.objectAt('$.facts[0].instance'),
          accountQuotas: sfn.JsonPath.listAt('$.facts[1].accountQuotas'),
          // CDK drops null payload values: a boolean says whether the cache is checked.
          cacheReplicationGroupId: groupId,
          cacheSnapshotRequired: checkCache,
          failureSeverity,
          policy,
        },
        resultPath: '$.evaluation',
        timeout: Duration.seconds(90),
      }),
    );

    const details = {
      'severity.$': '$.evaluation.severity',
      'findings.$': '$.evaluation.findings',
      'checked.$': '$.evaluation.checked',
    };
    const notifyPayload = {
      environment: props.envName,
      status: sfn.JsonPath.stringAt('$.evaluation.report.status'),
      severity: sfn.JsonPath.stringAt('$.evaluation.report.severity'),
      summary: sfn.JsonPath.stringAt('$.evaluation.report.summary'),
      'publish.$': '$.evaluation.report.publish',
      details,
    };
    const reportProblems = failure.catch(
      lambdaTask(this, 'Report failed checks', {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: {
          ...notifyPayload,
          error: 'BackupChecksFailed',
          cause: sfn.JsonPath.stringAt('$.evaluation.report.summary'),
        },
        resultPath: '$.notification',
      }),
    );
    const reportFindings = failure.catch(
      lambdaTask(this, 'Report findings', {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: notifyPayload,
        resultPath: '$.notification',
      }),
    );
    const done = new sfn.Succeed(this, 'Backups checked');
    const output = new sfn.Pass(this, 'Build output', {
      parameters: {
        'severity.$': '$.evaluation.severity',
        'findings.$': '$.evaluation.findings',
        'report.$': '$.notification.reports',
      },
    });
    reportProblems.next(output);
    reportFindings.next(output);
    output.next(done);

    gather
      .next(evaluate)
      .next(
        new sfn.Choice(this, 'Any check failed?')
          .when(sfn.Condition.stringEquals('$.evaluation.severity', 'fail'), reportProblems)
          .otherwise(reportFindings),
      );

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName: props.envName,
      workflow: WORKFLOW,
      definition: oncePerScheduledEvent(this, {
        stateMachineName: names.stateMachine(props.envName, WORKFLOW),
        run: gather,
        failure,
      }),
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Nightly verification of the backups of ${instanceId}: freshness, restore window, retention, quota, cache snapshot`,
    });
    this.stateMachine = machine.stateMachine;

    this.schedule = nightlySchedule(this, 'NightlySchedule', {
      schedule: props.scheduleExpression,
      stateMachine: this.stateMachine,
      description: `Starts ${names.stateMachine(props.envName, WORKFLOW)} every night`,
      enabled: props.scheduleEnabled,
      // The first state starts the run named from the event: a duplicate delivery is a no-op.
      handOver: true,
    });

    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'rds:DescribeAccountAttributes (account quotas) has no resource type: IAM accepts only "*". It is read-only.',
    );
    acknowledgeWildcard(
      check.role,
      rdsArn(this, 'snapshot', '*'),
      'Read-only listing: the manual snapshot quota is per region, so every manual DB snapshot of the region is counted.',
    );
    if (checkCache) {
      acknowledgeWildcard(
        check.role,
        elastiCacheArn(this, 'snapshot', '*'),
        'Read-only: automatic snapshots of the replication group are named by ElastiCache, so no name prefix can scope them.',
      );
      acknowledgeWildcard(
        check.role,
        replicationGroupMembersArn(this, groupId),
        'Read-only: the member clusters of the replication group are named by ElastiCache (<group>-001, ...).',
      );
    }
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a night that still never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
    });
  }
}
