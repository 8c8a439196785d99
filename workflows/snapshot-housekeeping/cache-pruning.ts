/**
 * Pruning of the replication group's expired automation cache snapshots, with the same three guards
 * as the DB snapshots: the selection, the Lambda re-reading the tags (ElastiCache returns them only
 * through ListTagsForResource) for the guard Choice, and the `elasticache:deleteSnapshot` SDK
 * integration whose IAM statement requires the automation's tags. It runs before tonight's cache
 * snapshot is started: the selection was made before that snapshot exists, and it would not be
 * expired anyway (its expires-at lies weeks ahead).
 */
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Environment } from '../../shared/naming.js';
import { GUARD_PATH, GuardedDeletion } from '../common/guarded-deletion.js';
import { lambdaTask } from '../common/lambda-task.js';
import type { HousekeepingResources } from './resources.js';
import { WORKFLOW } from './workflow.js';

/** What the cache pruning needs. */
export interface CachePruningProps {
  readonly envName: Environment;
  /** operate-regional-snapshots: the pre-delete describe. */
  readonly operateFunction: lambda.IFunction;
  readonly resources: HousekeepingResources;
  /** Deletions running at once. */
  readonly concurrency: number;
}

/** The Map "Delete expired cache snapshots" over `$.source.cache.selected`, outcomes in `$.cacheDeletions`. */
export function cachePruning(scope: Construct, props: CachePruningProps): GuardedDeletion {
  const stack = Stack.of(scope);
  return new GuardedDeletion(scope, 'CachePruning', {
    envName: props.envName,
    mapName: 'Delete expired cache snapshots',
    choiceName: 'Cache snapshot still ours and expired?',
    recordPrefix: 'cache ',
    itemsPath: '$.source.cache.selected',
    resultPath: '$.cacheDeletions',
    concurrency: props.concurrency,
    describe: lambdaTask(scope, 'Describe cache snapshot before delete', {
      workflow: WORKFLOW,
      lambdaFunction: props.operateFunction,
      payload: { action: 'describe-cache', identifier: sfn.JsonPath.stringAt('$.snapshot.identifier') },
      resultPath: GUARD_PATH,
    }),
    deleteStep: {
      kind: 'sdk',
      stateName: 'Delete cache snapshot',
      resource: `arn:${stack.partition}:states:::aws-sdk:elasticache:deleteSnapshot`,
      parameters: { 'SnapshotName.$': '$.snapshot.identifier' },
      statusPath: '$.Snapshot.SnapshotStatus',
      service: 'ElastiCache',
    },
    permission: {
      actions: ['elasticache:DeleteSnapshot'],
      resources: [props.resources.ownCacheSnapshots],
      tagConditionPrefix: 'aws:ResourceTag',
    },
    // Deleted by someone else since the describe: what the delete wanted is done.
    gone: ['ElastiCache.SnapshotNotFoundException'],
    busy: ['ElastiCache.InvalidSnapshotStateException'],
  });
}
