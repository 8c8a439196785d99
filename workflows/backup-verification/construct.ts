/**
 * BackupVerificationWorkflow: the nightly check that backups would actually save us. Gathers the
 * DB instance and the account's snapshot quota (SDK integrations), then one Lambda lists the
 * snapshots (paginated) and evaluates the checks (automated backup age, point-in-time lag, retention,
 * manual snapshot quota, cache snapshot age), publishing EMF metrics. The run SUCCEEDS whenever it
 * could check, problems included: they are reported with the matching severity. It FAILS (catch-all:
 * notify + fail) only when it could not check. See README.md.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { AutomationConfig } from '../../infra/config/types.js';
import { AutomationFunction } from '../../infra/constructs/automation-function.js';
import { acknowledgeInvokeVersions, acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { type Environment, names } from '../../shared/naming.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { retrySdkTransient } from '../common/retry.js';
import { nightlySchedule } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';

const WORKFLOW = 'backup-verification';

/** The config.automation fields the verification reads. */
export type BackupVerificationSettings = Pick<
  AutomationConfig,
  | 'backupMaxAgeHours'
  | 'restoreLagThresholdMinutes'
  | 'manualSnapshotQuota'
  | 'manualSnapshotWarnFraction'
  | 'cacheSnapshotNightly'
  | 'nightlySchedule'
  | 'failureSeverity'
>;

/** Props of BackupVerificationWorkflow. */
export interface BackupVerificationWorkflowProps {
  /** The environment: names the state machine, the function and the resources checked. */
  readonly envName: Environment;
  /** Thresholds, schedule and failure severity (config.automation). */
  readonly automation: BackupVerificationSettings;
  /** Expected automated backup retention (config.database.backupRetentionDays). */
  readonly backupRetentionDays: number;
  /** notify-outcome: writes the JSON and Markdown report and notifies the severity topic. */
  readonly notifyFunction: lambda.IFunction;
  /** The automation's shared function log group (`/aws/lambda/interactions-<env>-tasks`). */
  readonly functionLogGroup: logs.ILogGroup;
  /** DB instance checked. @default `names.databaseInstance(envName)` (`interactions-<env>-postgres`) */
  readonly databaseInstanceId?: string;
  /** Replication group whose snapshots are checked when `automation.cacheSnapshotNightly`. @default `names.cacheReplicationGroup(envName)` */
  readonly cacheReplicationGroupId?: string;
  /** Log group of the state machine. @default a new `/aws/vendedlogs/states/...` group with `logRetention` */
  readonly logGroup?: logs.ILogGroup;
  /** Retention of the log group created when `logGroup` is absent. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Overall execution timeout. @default 15 minutes */
  readonly timeout?: Duration;
  /** Whether the nightly schedule rule is enabled. @default true */
  readonly scheduleEnabled?: boolean;
}

/** The nightly backup verification (see the module comment). */
export class BackupVerificationWorkflow extends Construct {
  /** The state machine `interactions-<env>-backup-verification`. */
  readonly stateMachine: sfn.StateMachine;
  /** The check-backups function, for alarms and dashboards. */
  readonly checkFunction: lambda.IFunction;
  /** The nightly EventBridge rule that starts the state machine with the scheduled event. */
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: BackupVerificationWorkflowProps) {
    super(scope, id);
    const { automation } = props;
    if (!Number.isInteger(props.backupRetentionDays) || props.backupRetentionDays < 1) {
      throw new Error(
        `BackupVerificationWorkflow: backupRetentionDays must be a positive integer (got ${props.backupRetentionDays})`,
      );
    }
    if (automation.manualSnapshotWarnFraction <= 0 || automation.manualSnapshotWarnFraction > 1) {
      throw new Error(
        `BackupVerificationWorkflow: automation.manualSnapshotWarnFraction must be in (0, 1] (got ${automation.manualSnapshotWarnFraction})`,
      );
    }
    const instanceId = props.databaseInstanceId ?? names.databaseInstance(props.envName);
    const groupId = props.cacheReplicationGroupId ?? names.cacheReplicationGroup(props.envName);
    const stack = Stack.of(this);
    const rdsArn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'rds', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const cacheArn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'elasticache', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    const check = new AutomationFunction(this, 'CheckFunction', {
      envName: props.envName,
      name: 'check-backups',
      description: `Lists the snapshots of ${instanceId} and evaluates the nightly backup checks`,
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      // Paginated listing of up to a few hundred snapshots; well under a minute even when throttled.
      timeout: Duration.seconds(60),
    });
    this.checkFunction = check.function;
    check.role.addToPolicy(
      new iam.PolicyStatement({
        // The manual snapshot count is region-wide (the quota is per region), so listing needs every snapshot.
        actions: ['rds:DescribeDBSnapshots'],
        resources: [rdsArn('db', instanceId), rdsArn('snapshot', '*')],
      }),
    );
    if (automation.cacheSnapshotNightly) {
      check.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['elasticache:DescribeSnapshots'],
          resources: [
            cacheArn('replicationgroup', groupId),
            cacheArn('cluster', `${groupId}-*`),
            cacheArn('snapshot', '*'),
          ],
        }),
      );
    }

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName: props.envName,
      notifyFunction: props.notifyFunction,
      severity: automation.failureSeverity,
      summary: `Backup verification of ${instanceId} could not run: backups were NOT checked`,
    });

    const describeInstance = retrySdkTransient(
      new tasks.CallAwsService(this, 'Describe DB instance', {
        service: 'rds',
        action: 'describeDBInstances',
        parameters: { DbInstanceIdentifier: instanceId },
        iamResources: [rdsArn('db', instanceId)],
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
          cacheSnapshotRequired: automation.cacheSnapshotNightly,
          failureSeverity: automation.failureSeverity,
          policy: {
            backupMaxAgeHours: automation.backupMaxAgeHours,
            restoreLagThresholdMinutes: automation.restoreLagThresholdMinutes,
            backupRetentionDays: props.backupRetentionDays,
            manualSnapshotQuota: automation.manualSnapshotQuota,
            manualSnapshotWarnFraction: automation.manualSnapshotWarnFraction,
          },
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
      definition: gather,
      timeout: props.timeout ?? Duration.minutes(15),
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Nightly verification of the backups of ${instanceId}: freshness, restore window, retention, quota, cache snapshot`,
    });
    this.stateMachine = machine.stateMachine;

    this.schedule = nightlySchedule(this, 'NightlySchedule', {
      schedule: automation.nightlySchedule,
      stateMachine: this.stateMachine,
      description: `Starts ${names.stateMachine(props.envName, WORKFLOW)} every night`,
      enabled: props.scheduleEnabled,
    });

    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'rds:DescribeAccountAttributes (account quotas) and the X-Ray and log-delivery actions have no resource type: IAM accepts only "*". None mutates a resource.',
    );
    acknowledgeInvokeVersions(this.stateMachine, check.function.functionArn);
    acknowledgeInvokeVersions(this.stateMachine, props.notifyFunction.functionArn);
    acknowledgeWildcard(
      check.role,
      rdsArn('snapshot', '*'),
      'Read-only listing: the manual snapshot quota is per region, so every manual DB snapshot of the region is counted.',
    );
    if (automation.cacheSnapshotNightly) {
      acknowledgeWildcard(
        check.role,
        cacheArn('snapshot', '*'),
        'Read-only: automatic snapshots of the replication group are named by ElastiCache, so no name prefix can scope them.',
      );
      acknowledgeWildcard(
        check.role,
        cacheArn('cluster', `${groupId}-*`),
        'Read-only: the member clusters of the replication group are named by ElastiCache (<group>-001, ...).',
      );
    }
    Validations.of(check.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions only: errors return to the state machine, whose Retry and Catch handle them; a DLQ applies to asynchronous invocations.',
    });
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a night that still never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
    });
  }
}
