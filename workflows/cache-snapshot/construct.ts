/**
 * CacheSnapshotWorkflow: the seed's "ElastiCache | Redis backup (snapshot) | Restore from backup
 * file" as a state machine: validate the request -> create a tagged snapshot of the replication
 * group -> wait until available -> verify -> report. Failures delete only a snapshot THIS execution
 * created, notify and fail. The nightly run starts it as a nested execution. The lifecycle is the
 * shared SnapshotLifecycle; this file says what is special about ElastiCache. See README.md.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { type Environment, names } from '../../shared/naming.js';
import { elastiCacheArn, ownCacheSnapshotsArn, replicationGroupMembersArn } from '../common/arns.js';
import { retrySdkTransient } from '../common/retry.js';
import type { ExistingTagsScope, SnapshotService } from '../common/snapshot-service.js';
import {
  buildSnapshotWorkflow,
  type SnapshotWorkflowFunctionRefs,
  type SnapshotWorkflowProps,
} from '../common/snapshot-workflow.js';
import type { AutomationWorkflow } from '../common/workflow-props.js';

/** Props of CacheSnapshotWorkflow. */
export interface CacheSnapshotWorkflowProps extends SnapshotWorkflowProps {
  /** Replication group to snapshot. @default `names.cacheReplicationGroup(envName)` (`interactions-<env>`) */
  readonly replicationGroupId?: string;
}

/**
 * ElastiCache snapshots of `replicationGroupId` as the snapshot lifecycle uses them. Their names
 * carry the environment prefix (validate-snapshot-request enforces it), so IAM is scoped to
 * `interactions-<env>-*`.
 */
export function cacheSnapshotService(
  scope: Construct,
  envName: Environment,
  replicationGroupId: string,
): SnapshotService {
  const snapshots = ownCacheSnapshotsArn(scope, envName);
  return {
    service: 'elasticache',
    errorPrefix: 'ElastiCache',
    requestKind: 'cache',
    snapshotNameParameter: 'SnapshotName',
    snapshotsArn: snapshots,
    create: {
      action: 'createSnapshot',
      source: { ReplicationGroupId: replicationGroupId },
      // A replication group snapshot reads its member clusters (`<group>-001`, ...).
      iamResources: [
        elastiCacheArn(scope, 'replicationgroup', replicationGroupId),
        replicationGroupMembersArn(scope, replicationGroupId),
      ],
      iamAction: 'elasticache:CreateSnapshot',
      resultSelector: { 'id.$': '$.Snapshot.SnapshotName' },
    },
    describe: {
      action: 'describeSnapshots',
      iamResources: [snapshots],
      iamAction: 'elasticache:DescribeSnapshots',
      listPath: '$.Snapshots',
    },
    statusField: 'SnapshotStatus',
    terminalStatuses: { equals: ['failed', 'deleting'] },
    existingTags: { tagListPath: '$.existing.tags.TagList', read: listExistingSnapshotTags(snapshots) },
    errors: {
      alreadyExists: 'ElastiCache.SnapshotAlreadyExistsException',
      quotaExceeded: 'ElastiCache.SnapshotQuotaExceededException',
      notFound: 'ElastiCache.SnapshotNotFoundException',
    },
    messages: {
      duplicateName:
        "States.Format('A cache snapshot named {} already exists. It was not created by this execution and was left untouched; choose another name.', $.plan.snapshotName)",
      quotaRefused:
        "States.Format('ElastiCache refused snapshot {}: the snapshot quota is exhausted.', $.plan.snapshotName)",
      snapshotFailed:
        "States.Format('ElastiCache reports snapshot {} as {}', $.plan.snapshotName, $.describe.snapshots[0].SnapshotStatus)",
      waitTimedOut:
        "States.Format('Cache snapshot {} was not available after {} polls', $.plan.snapshotName, $.poll.count)",
    },
    resourceTagKey: 'aws:ResourceTag',
    guardedDelete: {
      readActions: ['elasticache:DescribeSnapshots', 'elasticache:ListTagsForResource'],
      deleteAction: 'elasticache:DeleteSnapshot',
    },
  };
}

/**
 * DescribeSnapshots returns no tags: "Existing snapshot found?" -> "List existing snapshot tags"
 * with the ARN it returned. A snapshot gone before the Describe leaves the name unexplained: rejected.
 */
function listExistingSnapshotTags(snapshots: string): (tags: ExistingTagsScope) => sfn.IChainable {
  return ({ scope, failure, next, notFound }) => {
    const listTags = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(scope, 'List existing snapshot tags', {
          service: 'elasticache',
          action: 'listTagsForResource',
          parameters: { ResourceName: sfn.JsonPath.stringAt('$.existing.snapshots[0].ARN') },
          iamResources: [snapshots],
          iamAction: 'elasticache:ListTagsForResource',
          // The whole answer: a selector of `$.TagList` would end the execution with an uncatchable
          // States.Runtime error when the answer has no tag list; the tag check tests presence instead.
          resultPath: '$.existing.tags',
        }),
        'ElastiCache',
      ),
    );
    listTags.next(next);
    return new sfn.Choice(scope, 'Existing snapshot found?')
      .when(sfn.Condition.isPresent('$.existing.snapshots[0].ARN'), listTags)
      .otherwise(notFound);
  };
}

/** The cache snapshot workflow (see the module comment). */
export class CacheSnapshotWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-cache-snapshot`. */
  readonly stateMachine: sfn.StateMachine;
  /** Functions of the workflow, for alarms and dashboards. */
  readonly functions: SnapshotWorkflowFunctionRefs;

  constructor(scope: Construct, id: string, props: CacheSnapshotWorkflowProps) {
    super(scope, id);
    const replicationGroupId = props.replicationGroupId ?? names.cacheReplicationGroup(props.envName);
    const workflow = buildSnapshotWorkflow(this, props, {
      construct: 'CacheSnapshotWorkflow',
      workflow: 'cache-snapshot',
      defaultTimeout: Duration.hours(1),
      verifyFunction: {
        name: 'verify-cache-snapshot',
        description: 'Verifies a finished cache snapshot (no AWS calls)',
      },
      service: cacheSnapshotService(this, props.envName, replicationGroupId),
      failureSummary: `Cache snapshot of ${replicationGroupId} failed`,
      verify: { source: { replicationGroupId } },
      report: {
        subject: 'Cache snapshot',
        source: replicationGroupId,
      },
      comment: `Snapshot of the ElastiCache replication group ${replicationGroupId}: validate, create, wait, verify, report`,
      snapshotsWildcardReason:
        'Cache snapshot names carry the environment prefix. Create requires the interactions:managed-by request tag; delete requires it on the snapshot, and the guard function also checks this execution tag.',
    });
    this.stateMachine = workflow.stateMachine;
    this.functions = workflow.functions;

    acknowledgeWildcard(
      this.stateMachine,
      replicationGroupMembersArn(this, replicationGroupId),
      'The member clusters of the replication group are named by ElastiCache (<group>-001, ...) and are read by CreateSnapshot.',
    );
  }
}
