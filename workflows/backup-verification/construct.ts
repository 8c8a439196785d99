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
import type { AutomationConfig } from '../../infra/config/types.js';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { names } from '../../shared/naming.js';
import { elastiCacheArn, rdsArn, replicationGroupMembersArn } from '../common/arns.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { retrySdkTransient } from '../common/retry.js';
import { nightlySchedule } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { workflowFunction } from '../common/workflow-function.js';
import {
  type AutomationWorkflow,
  type AutomationWorkflowProps,
  requirePositiveInteger,
  workflowSettings,
} from '../common/workflow-props.js';

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
export interface BackupVerificationWorkflowProps extends AutomationWorkflowProps {
  /** Thresholds and schedule (config.automation); its failureSeverity is the default of `failureSeverity`. */
  readonly automation: BackupVerificationSettings;
  /** Expected automated backup retention (config.database.backupRetentionDays). */
  readonly backupRetentionDays: number;
  /** DB instance checked. @default `names.databaseInstance(envName)` (`interactions-<env>-postgres`) */
  readonly databaseInstanceId?: string;
  /** Replication group whose snapshots are checked when `automation.cacheSnapshotNightly`. @default `names.cacheReplicationGroup(envName)` */
  readonly cacheReplicationGroupId?: string;
  /** Overall execution timeout. @default 15 minutes */
  readonly timeout?: Duration;
  /** Severity topic of a failure. @default `automation.failureSeverity` */
  readonly failureSeverity?: AutomationWorkflowProps['failureSeverity'];
  /** Whether the nightly schedule rule is enabled. @default true */
  readonly scheduleEnabled?: boolean;
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
    const { automation } = props;
    const { timeout, failureSeverity } = workflowSettings('BackupVerificationWorkflow', props, {
      timeout: Duration.minutes(15),
      failureSeverity: automation.failureSeverity,
    });
    requirePositiveInteger('BackupVerificationWorkflow', 'backupRetentionDays', props.backupRetentionDays);
    if (automation.manualSnapshotWarnFraction <= 0 || automation.manualSnapshotWarnFraction > 1) {
      throw new Error(
        `BackupVerificationWorkflow: automation.manualSnapshotWarnFraction must be in (0, 1] (got ${automation.manualSnapshotWarnFraction})`,
      );
    }
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
    if (automation.cacheSnapshotNightly) {
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
          cacheSnapshotRequired: automation.cacheSnapshotNightly,
          failureSeverity,
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
      timeout,
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
      'rds:DescribeAccountAttributes (account quotas) has no resource type: IAM accepts only "*". It is read-only.',
    );
    acknowledgeWildcard(
      check.role,
      rdsArn(this, 'snapshot', '*'),
      'Read-only listing: the manual snapshot quota is per region, so every manual DB snapshot of the region is counted.',
    );
    if (automation.cacheSnapshotNightly) {
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
