/**
 * CacheSnapshotWorkflow: the seed's "ElastiCache | Redis backup (snapshot) | Restore from backup
 * file" as a state machine: validate the request -> create a tagged snapshot of the replication
 * group -> wait until available -> verify -> report. Failures delete only a snapshot THIS execution
 * created, notify and fail. The nightly run starts it as a nested execution. See README.md.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { names } from '../../shared/naming.js';
import { elastiCacheArn, ownCacheSnapshotsArn, replicationGroupMembersArn } from '../common/arns.js';
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

const WORKFLOW = 'cache-snapshot';
/** Status of the described snapshot; absent when Describe returned an empty list. */
const STATUS = '$.describe.snapshots[0].SnapshotStatus';

/** Props of CacheSnapshotWorkflow. */
export interface CacheSnapshotWorkflowProps extends SnapshotWorkflowProps {
  /** Replication group to snapshot. @default `names.cacheReplicationGroup(envName)` (`interactions-<env>`) */
  readonly replicationGroupId?: string;
}

/** The cache snapshot workflow (see the module comment). */
export class CacheSnapshotWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-cache-snapshot`. */
  readonly stateMachine: sfn.StateMachine;
  /** Functions of the workflow, for alarms and dashboards. */
  readonly functions: {
    readonly validate: lambda.IFunction;
    readonly verify: lambda.IFunction;
    readonly delete: lambda.IFunction;
  };

  constructor(scope: Construct, id: string, props: CacheSnapshotWorkflowProps) {
    super(scope, id);
    const { timeout, pollInterval, waitBudget, retentionDays, failureSeverity } = snapshotWorkflowSettings(
      'CacheSnapshotWorkflow',
      props,
      Duration.hours(1),
    );
    const replicationGroupId = props.replicationGroupId ?? names.cacheReplicationGroup(props.envName);
    const ownSnapshots = ownCacheSnapshotsArn(this, props.envName);
    const memberClusters = replicationGroupMembersArn(this, replicationGroupId);

    this.functions = snapshotWorkflowFunctions(this, props, {
      name: 'verify-cache-snapshot',
      description: 'Verifies a finished cache snapshot (no AWS calls)',
    });
    const { validate: validateFn, verify: verifyFn, delete: deleteFn } = this.functions;

    deleteFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeSnapshots', 'elasticache:ListTagsForResource'],
        resources: [ownSnapshots],
      }),
    );
    deleteFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DeleteSnapshot'],
        resources: [ownSnapshots],
        conditions: ownedResourceConditions(props.envName, 'aws:ResourceTag'),
      }),
    );

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName: props.envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `Cache snapshot of ${replicationGroupId} failed`,
      // Created but not yet verified: ours to delete. Once verified, a later failure (the success
      // notification) is reported without deleting a good snapshot.
      cleanup: (next) =>
        new CleanupIfCreated(this, 'Cleanup', {
          workflow: WORKFLOW,
          choiceName: 'Snapshot created?',
          deleteName: 'Delete snapshot',
          deleteFunction: deleteFn,
          payload: { service: 'elasticache', snapshotName: sfn.JsonPath.stringAt('$.plan.snapshotName') },
          createdPath: '$.created',
          keepPath: '$.verification',
          comment: 'Deletes the snapshot only if its tags name this execution',
          next,
        }),
    });

    const validate = failure.catch(
      lambdaTask(this, 'Validate request', {
        workflow: WORKFLOW,
        lambdaFunction: validateFn,
        payload: { kind: 'cache', environment: props.envName, retentionDays, request: sfn.JsonPath.objectAt('$') },
        resultPath: '$.plan',
      }),
    );

    const create = new tasks.CallAwsService(this, 'Create snapshot', {
      service: 'elasticache',
      action: 'createSnapshot',
      parameters: {
        ReplicationGroupId: replicationGroupId,
        SnapshotName: sfn.JsonPath.stringAt('$.plan.snapshotName'),
        Tags: sfn.JsonPath.listAt('$.plan.tags'),
      },
      // A replication group snapshot reads its member clusters (`<group>-001`, ...).
      iamResources: [elastiCacheArn(this, 'replicationgroup', replicationGroupId), memberClusters],
      iamAction: 'elasticache:CreateSnapshot',
      additionalIamStatements: [
        new iam.PolicyStatement({
          actions: ['elasticache:CreateSnapshot', 'elasticache:AddTagsToResource'],
          resources: [ownSnapshots],
          conditions: createRequestConditions(props.envName),
        }),
      ],
      resultSelector: { 'id.$': '$.Snapshot.SnapshotName' },
      resultPath: '$.created',
    });
    retrySdkTransient(create, 'ElastiCache');
    // The name is taken. A retried create whose first attempt succeeded (response lost) also lands
    // here: read the existing snapshot's tags and adopt it if THIS execution created it.
    const rejectDuplicate = failure.raise('Reject duplicate name', 'ResourceConflictError', {
      format:
        "States.Format('A cache snapshot named {} already exists. It was not created by this execution and was left untouched; choose another name.', $.plan.snapshotName)",
    });
    const describeExisting = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Describe existing snapshot', {
          service: 'elasticache',
          action: 'describeSnapshots',
          parameters: { SnapshotName: sfn.JsonPath.stringAt('$.plan.snapshotName') },
          iamResources: [ownSnapshots],
          iamAction: 'elasticache:DescribeSnapshots',
          // The whole list: `[0]` of an empty list would be an uncatchable States.Runtime error.
          resultSelector: { 'snapshots.$': '$.Snapshots' },
          resultPath: '$.existing',
        }),
        'ElastiCache',
      ),
    );
    create.addCatch(describeExisting, {
      errors: ['ElastiCache.SnapshotAlreadyExistsException'],
      resultPath: ERROR_PATH,
    });
    // DescribeSnapshots returns no tags: read them with the ARN it returned.
    const listTags = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'List existing snapshot tags', {
          service: 'elasticache',
          action: 'listTagsForResource',
          parameters: { ResourceName: sfn.JsonPath.stringAt('$.existing.snapshots[0].ARN') },
          iamResources: [ownSnapshots],
          iamAction: 'elasticache:ListTagsForResource',
          resultSelector: { 'tagList.$': '$.TagList' },
          resultPath: '$.existing.tags',
        }),
        'ElastiCache',
      ),
    );
    const adopt = new sfn.Pass(this, 'Adopt own snapshot', {
      parameters: { 'id.$': '$.plan.snapshotName' },
      resultPath: '$.created',
    });
    describeExisting.next(
      new sfn.Choice(this, 'Existing snapshot found?')
        .when(sfn.Condition.isPresent('$.existing.snapshots[0].ARN'), listTags)
        .otherwise(rejectDuplicate),
    );
    // Ours only if this execution created it (a retried create whose first attempt succeeded).
    const ownershipCheck = ownedByThisExecution(this, {
      envName: props.envName,
      tagListPath: '$.existing.tags.tagList',
      scratchPath: '$.existing',
      onOwned: adopt,
      onOther: rejectDuplicate,
    });
    listTags.next(
      new sfn.Choice(this, 'Existing snapshot has tags?')
        .when(sfn.Condition.isPresent('$.existing.tags.tagList'), ownershipCheck)
        .otherwise(rejectDuplicate),
    );
    create.addCatch(
      failure.raise('Reject quota exceeded', 'QuotaExceededError', {
        format:
          "States.Format('ElastiCache refused snapshot {}: the snapshot quota is exhausted.', $.plan.snapshotName)",
      }),
      { errors: ['ElastiCache.SnapshotQuotaExceededException'], resultPath: ERROR_PATH },
    );
    failure.catch(create);

    // No Retry or Catch here: the wait loop owns them (a throttled attempt counts as a poll).
    const describeSnapshot = new tasks.CallAwsService(this, 'Describe snapshot', {
      service: 'elasticache',
      action: 'describeSnapshots',
      parameters: { SnapshotName: sfn.JsonPath.stringAt('$.plan.snapshotName') },
      iamResources: [ownSnapshots],
      iamAction: 'elasticache:DescribeSnapshots',
      // The whole list: `[0]` of an empty list would be an uncatchable States.Runtime error.
      resultSelector: { 'snapshots.$': '$.Snapshots' },
      resultPath: '$.describe',
    });

    const verify = failure.catch(
      lambdaTask(this, 'Verify snapshot', {
        workflow: WORKFLOW,
        lambdaFunction: verifyFn,
        payload: {
          snapshotName: sfn.JsonPath.stringAt('$.plan.snapshotName'),
          replicationGroupId,
          snapshot: sfn.JsonPath.objectAt('$.describe.snapshots[0]'),
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
          'Cache snapshot {} of {} is available and verified',
          sfn.JsonPath.stringAt('$.plan.snapshotName'),
          replicationGroupId,
        ),
        details: {
          'request.$': '$.plan',
          'snapshot.$': '$.verification.snapshot',
          'checks.$': '$.verification.checks',
        },
      },
      output: { 'snapshot.$': '$.verification.snapshot' },
      succeedName: 'Snapshot ready',
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
      transientErrors: transientSdkErrors('ElastiCache'),
      failure,
      // An empty list (or no status) is "not yet available": the loop polls again until its budget.
      ready: sfn.Condition.and(sfn.Condition.isPresent(STATUS), sfn.Condition.stringEquals(STATUS, 'available')),
      failed: sfn.Condition.and(
        sfn.Condition.isPresent(STATUS),
        sfn.Condition.or(sfn.Condition.stringEquals(STATUS, 'failed'), sfn.Condition.stringEquals(STATUS, 'deleting')),
      ),
      onReady: verify,
      onFailed: failure.raise('Snapshot creation failed', 'ResourceFailedError', {
        format:
          "States.Format('ElastiCache reports snapshot {} as {}', $.plan.snapshotName, $.describe.snapshots[0].SnapshotStatus)",
      }),
      onTimeout: failure.raise('Snapshot wait timed out', 'WaitTimedOutError', {
        format:
          "States.Format('Cache snapshot {} was not available after {} polls', $.plan.snapshotName, $.poll.count)",
      }),
    });

    validate.next(create);
    create.next(wait);
    adopt.next(wait);
    verify.next(report);

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName: props.envName,
      workflow: WORKFLOW,
      definition: validate,
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Snapshot of the ElastiCache replication group ${replicationGroupId}: validate, create, wait, verify, report`,
    });
    this.stateMachine = machine.stateMachine;

    const snapshotsReason =
      'Cache snapshot names carry the environment prefix. Create requires the interactions:managed-by request tag; delete requires it on the snapshot, and the guard function also checks this execution tag.';
    acknowledgeWildcard(this.stateMachine, ownSnapshots, snapshotsReason);
    acknowledgeWildcard(deleteFn.role ?? deleteFn, ownSnapshots, snapshotsReason);
    acknowledgeWildcard(
      this.stateMachine,
      memberClusters,
      'The member clusters of the replication group are named by ElastiCache (<group>-001, ...) and are read by CreateSnapshot.',
    );
  }
}
