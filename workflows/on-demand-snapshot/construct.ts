/**
 * OnDemandSnapshotWorkflow: the seed's "Manual Snapshots: taken before major updates"
 * (`backup.sh create-snapshot prod interactions-pre-migration`) as a state machine:
 * validate the request -> check the manual snapshot quota -> create the snapshot, tagged ->
 * wait until available -> verify it against the instance -> report. Every failure goes to one
 * path that deletes only a snapshot THIS execution created, notifies and fails. See README.md.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { rdsArn } from '../common/arns.js';
import { CleanupIfCreated } from '../common/cleanup-if-created.js';
import { ERROR_PATH, FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { ownedByThisExecution } from '../common/ownership.js';
import { PollLoop } from '../common/poll-loop.js';
import { ReportAndSucceed } from '../common/report-and-succeed.js';
import { retrySdkTransient, transientSdkErrors } from '../common/retry.js';
import {
  type SnapshotWorkflowProps,
  snapshotWorkflowFunctions,
  snapshotWorkflowSettings,
} from '../common/snapshot-workflow.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { createRequestConditions, ownedResourceConditions } from '../common/tag-conditions.js';
import type { AutomationWorkflow } from '../common/workflow-props.js';

const WORKFLOW = 'on-demand-snapshot';
/** Status of the described snapshot; absent when Describe returned an empty list. */
const STATUS = '$.describe.snapshots[0].Status';

/** Props of OnDemandSnapshotWorkflow. */
export interface OnDemandSnapshotWorkflowProps extends SnapshotWorkflowProps {
  /** The instance to snapshot. */
  readonly database: rds.IDatabaseInstance;
}

/** The on-demand DB snapshot workflow (see the module comment). */
export class OnDemandSnapshotWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-on-demand-snapshot`. */
  readonly stateMachine: sfn.StateMachine;
  /** Functions of the workflow, for alarms and dashboards. */
  readonly functions: {
    readonly validate: lambda.IFunction;
    readonly verify: lambda.IFunction;
    readonly delete: lambda.IFunction;
  };

  constructor(scope: Construct, id: string, props: OnDemandSnapshotWorkflowProps) {
    super(scope, id);
    const { timeout, pollInterval, waitBudget, retentionDays, failureSeverity } = snapshotWorkflowSettings(
      'OnDemandSnapshotWorkflow',
      props,
      Duration.hours(2),
    );
    const instanceId = props.database.instanceIdentifier;
    const snapshotArn = (name: string) => rdsArn(this, 'snapshot', name);

    this.functions = snapshotWorkflowFunctions(this, props, {
      name: 'verify-db-snapshot',
      description: 'Verifies a finished DB snapshot (no AWS calls)',
    });
    const { validate: validateFn, verify: verifyFn, delete: deleteFn } = this.functions;

    // The guard in code checks this execution's tag; IAM repeats what it can: only snapshots the automation made.
    deleteFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['rds:DescribeDBSnapshots'], resources: [snapshotArn('*')] }),
    );
    deleteFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['rds:DeleteDBSnapshot'],
        resources: [snapshotArn('*')],
        conditions: ownedResourceConditions(props.envName, 'rds:snapshot-tag'),
      }),
    );

    // ---- failure path: delete our snapshot (if we created one), notify, fail
    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName: props.envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `On-demand snapshot of ${props.database.instanceIdentifier} failed`,
      // `$.created` exists only once Create snapshot succeeded: before that there is nothing of ours to delete.
      // `$.verification` exists once the snapshot passed verification: a later failure (the success
      // notification) is reported, but a good snapshot is never deleted for it.
      cleanup: (next) =>
        new CleanupIfCreated(this, 'Cleanup', {
          workflow: WORKFLOW,
          choiceName: 'Snapshot created?',
          deleteName: 'Delete snapshot',
          deleteFunction: deleteFn,
          payload: { service: 'rds', snapshotName: sfn.JsonPath.stringAt('$.plan.snapshotName') },
          createdPath: '$.created',
          keepPath: '$.verification',
          comment: 'Deletes the snapshot only if its tags name this execution',
          next,
        }),
    });

    // ---- 1. validate (no AWS call before this passes)
    const validate = failure.catch(
      lambdaTask(this, 'Validate request', {
        workflow: WORKFLOW,
        lambdaFunction: validateFn,
        payload: {
          kind: 'db',
          environment: props.envName,
          retentionDays,
          request: sfn.JsonPath.objectAt('$'),
        },
        resultPath: '$.plan',
      }),
    );

    // ---- 2. source instance (size and engine for verification; also proves it exists)
    const describeDatabase = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Describe database', {
          service: 'rds',
          action: 'describeDBInstances',
          parameters: { DbInstanceIdentifier: instanceId },
          iamResources: [props.database.instanceArn],
          iamAction: 'rds:DescribeDBInstances',
          resultSelector: { 'instance.$': '$.DbInstances[0]' },
          resultPath: '$.database',
        }),
        'Rds',
      ),
    );

    // ---- 3. quota: ManualSnapshots Used/Max as RDS itself counts them
    const checkQuota = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Check snapshot quota', {
          service: 'rds',
          action: 'describeAccountAttributes',
          parameters: {},
          // DescribeAccountAttributes has no resource type: IAM accepts only "*" (read-only).
          iamResources: ['*'],
          iamAction: 'rds:DescribeAccountAttributes',
          resultSelector: { 'manualSnapshots.$': "$.AccountQuotas[?(@.AccountQuotaName == 'ManualSnapshots')]" },
          resultPath: '$.quota',
        }),
        'Rds',
      ),
    );
    const quotaReached = failure.raise('Reject over quota', 'QuotaExceededError', {
      format:
        "States.Format('Manual DB snapshot quota reached: {} of {} used. Delete old manual snapshots or raise the quota, then retry.', $.quota.manualSnapshots[0].Used, $.quota.manualSnapshots[0].Max)",
    });

    // ---- 4. create, tagged (IAM requires the managed-by tag on the request)
    const create = new tasks.CallAwsService(this, 'Create snapshot', {
      service: 'rds',
      action: 'createDBSnapshot',
      parameters: {
        DbInstanceIdentifier: instanceId,
        DbSnapshotIdentifier: sfn.JsonPath.stringAt('$.plan.snapshotName'),
        Tags: sfn.JsonPath.listAt('$.plan.tags'),
      },
      iamResources: [props.database.instanceArn],
      iamAction: 'rds:CreateDBSnapshot',
      additionalIamStatements: [
        new iam.PolicyStatement({
          actions: ['rds:CreateDBSnapshot', 'rds:AddTagsToResource'],
          resources: [snapshotArn('*')],
          conditions: createRequestConditions(props.envName),
        }),
      ],
      resultSelector: { 'id.$': '$.DbSnapshot.DbSnapshotIdentifier', 'arn.$': '$.DbSnapshot.DbSnapshotArn' },
      resultPath: '$.created',
    });
    retrySdkTransient(create, 'Rds');
    // The name is taken. A retried create whose first attempt succeeded (response lost) also lands
    // here: read the existing snapshot's tags and adopt it if THIS execution created it.
    const describeExisting = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Describe existing snapshot', {
          service: 'rds',
          action: 'describeDBSnapshots',
          parameters: { DbSnapshotIdentifier: sfn.JsonPath.stringAt('$.plan.snapshotName') },
          iamResources: [props.database.instanceArn, snapshotArn('*')],
          iamAction: 'rds:DescribeDBSnapshots',
          // The whole list: `[0]` of an empty list, or a filter that matches nothing, would be an
          // uncatchable States.Runtime error. The Choices below test presence instead.
          resultSelector: { 'snapshots.$': '$.DbSnapshots' },
          resultPath: '$.existing',
        }),
        'Rds',
      ),
    );
    create.addCatch(describeExisting, { errors: ['Rds.DbSnapshotAlreadyExistsException'], resultPath: ERROR_PATH });
    const adopt = new sfn.Pass(this, 'Adopt own snapshot', {
      parameters: { 'id.$': '$.plan.snapshotName', 'arn.$': '$.existing.snapshots[0].DbSnapshotArn' },
      resultPath: '$.created',
    });
    // Not ours: explain, and delete nothing (`$.created` stays absent).
    const rejectDuplicate = failure.raise('Reject duplicate name', 'ResourceConflictError', {
      format:
        "States.Format('A DB snapshot named {} already exists. It was not created by this execution and was left untouched; choose another name.', $.plan.snapshotName)",
    });
    // Ours only if this execution created it (a retried create whose first attempt succeeded).
    const ownershipCheck = ownedByThisExecution(this, {
      envName: props.envName,
      tagListPath: '$.existing.snapshots[0].TagList',
      scratchPath: '$.existing',
      onOwned: adopt,
      onOther: rejectDuplicate,
    });
    describeExisting.next(
      new sfn.Choice(this, 'Existing snapshot has tags?')
        .when(sfn.Condition.isPresent('$.existing.snapshots[0].TagList'), ownershipCheck)
        .otherwise(rejectDuplicate),
    );
    create.addCatch(
      failure.raise('Reject quota exceeded', 'QuotaExceededError', {
        format:
          "States.Format('RDS refused snapshot {}: the manual DB snapshot quota is exhausted. Delete old manual snapshots or raise the quota, then retry.', $.plan.snapshotName)",
      }),
      { errors: ['Rds.SnapshotQuotaExceededException'], resultPath: ERROR_PATH },
    );
    failure.catch(create);

    // ---- 5. wait until available
    // No Retry or Catch here: the wait loop owns them (a throttled attempt counts as a poll).
    const describeSnapshot = new tasks.CallAwsService(this, 'Describe snapshot', {
      service: 'rds',
      action: 'describeDBSnapshots',
      parameters: { DbSnapshotIdentifier: sfn.JsonPath.stringAt('$.plan.snapshotName') },
      iamResources: [props.database.instanceArn, snapshotArn('*')],
      iamAction: 'rds:DescribeDBSnapshots',
      // The whole list: `[0]` of an empty list would be an uncatchable States.Runtime error.
      resultSelector: { 'snapshots.$': '$.DbSnapshots' },
      resultPath: '$.describe',
    });

    // ---- 6. verify, 7. report, succeed
    const verify = failure.catch(
      lambdaTask(this, 'Verify snapshot', {
        workflow: WORKFLOW,
        lambdaFunction: verifyFn,
        payload: {
          snapshotName: sfn.JsonPath.stringAt('$.plan.snapshotName'),
          instanceIdentifier: instanceId,
          snapshot: sfn.JsonPath.objectAt('$.describe.snapshots[0]'),
          instance: sfn.JsonPath.objectAt('$.database.instance'),
        },
        resultPath: '$.verification',
      }),
    );
    const report = new ReportAndSucceed(this, 'Report', {
      workflow: WORKFLOW,
      notifyFunction: props.notifyFunction,
      failure,
      payload: {
        environment: props.envName,
        status: 'SUCCEEDED',
        severity: 'low',
        summary: sfn.JsonPath.format(
          'Snapshot {} of {} is available and verified',
          sfn.JsonPath.stringAt('$.plan.snapshotName'),
          instanceId,
        ),
        details: {
          'request.$': '$.plan',
          'snapshot.$': '$.verification.snapshot',
          'checks.$': '$.verification.checks',
          'quota.$': '$.quota.manualSnapshots',
        },
      },
      output: { 'snapshot.$': '$.verification.snapshot' },
      succeedName: 'Snapshot ready',
    });

    const snapshotFailed = failure.raise('Snapshot creation failed', 'ResourceFailedError', {
      format: "States.Format('RDS reports snapshot {} as {}', $.plan.snapshotName, $.describe.snapshots[0].Status)",
    });
    const timedOut = failure.raise('Snapshot wait timed out', 'WaitTimedOutError', {
      format: "States.Format('Snapshot {} was not available after {} polls', $.plan.snapshotName, $.poll.count)",
    });
    const wait = new PollLoop(this, 'Wait', {
      names: {
        start: 'Start waiting',
        wait: 'Wait for snapshot',
        count: 'Count snapshot poll',
        choice: 'Snapshot available?',
      },
      interval: pollInterval,
      budget: waitBudget,
      describe: describeSnapshot,
      transientErrors: transientSdkErrors('Rds'),
      failure,
      // An empty list (or no Status) is "not yet available": the loop polls again until its budget.
      ready: sfn.Condition.and(sfn.Condition.isPresent(STATUS), sfn.Condition.stringEquals(STATUS, 'available')),
      // RDS ends a snapshot it cannot complete in `failed`; `incompatible-*` and `deleting` never become available either.
      failed: sfn.Condition.and(
        sfn.Condition.isPresent(STATUS),
        sfn.Condition.or(
          sfn.Condition.stringEquals(STATUS, 'failed'),
          sfn.Condition.stringEquals(STATUS, 'deleting'),
          sfn.Condition.stringMatches(STATUS, 'incompatible*'),
        ),
      ),
      onReady: verify,
      onFailed: snapshotFailed,
      onTimeout: timedOut,
    });

    const quotaChoice = new sfn.Choice(this, 'Snapshot quota left?')
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.quota.manualSnapshots[0].Used'),
          sfn.Condition.isPresent('$.quota.manualSnapshots[0].Max'),
          sfn.Condition.numberGreaterThanEqualsJsonPath(
            '$.quota.manualSnapshots[0].Used',
            '$.quota.manualSnapshots[0].Max',
          ),
        ),
        quotaReached,
      )
      .otherwise(create);
    create.next(wait);
    adopt.next(wait);
    verify.next(report);

    const definition = validate.next(describeDatabase).next(checkQuota).next(quotaChoice);

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName: props.envName,
      workflow: WORKFLOW,
      definition,
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `On-demand manual snapshot of ${props.database.instanceIdentifier}: validate, quota, create, wait, verify, report`,
    });
    this.stateMachine = machine.stateMachine;

    const snapshotsReason =
      'Snapshot names come from the operator at run time. Create is allowed only with the interactions:managed-by request tag; delete only on snapshots carrying it, and the guard function also checks this execution tag.';
    acknowledgeWildcard(this.stateMachine, snapshotArn('*'), snapshotsReason);
    acknowledgeWildcard(deleteFn.role ?? deleteFn, snapshotArn('*'), snapshotsReason);
    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'rds:DescribeAccountAttributes (the manual snapshot quota) has no resource type: IAM accepts only "*". It is read-only.',
    );
  }
}
