/**
 * Pruning of the source region's expired automation DB snapshots: the selection Lambda's list, each
 * described again by operate-regional-snapshots for the guard Choice, deleted by the
 * `rds:deleteDBSnapshot` SDK integration whose IAM statement requires the automation's tags.
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

/** What the RDS pruning needs. */
export interface RdsPruningProps {
  readonly envName: Environment;
  /** operate-regional-snapshots: the pre-delete describe. */
  readonly operateFunction: lambda.IFunction;
  readonly resources: HousekeepingResources;
  /** Deletions running at once. */
  readonly concurrency: number;
}

/** The Map "Delete expired snapshots" over `$.source.selected`, outcomes in `$.deletions`. */
export function rdsPruning(scope: Construct, props: RdsPruningProps): GuardedDeletion {
  const stack = Stack.of(scope);
  return new GuardedDeletion(scope, 'RdsPruning', {
    envName: props.envName,
    mapName: 'Delete expired snapshots',
    choiceName: 'Snapshot still ours and expired?',
    recordPrefix: '',
    itemsPath: '$.source.selected',
    resultPath: '$.deletions',
    concurrency: props.concurrency,
    describe: lambdaTask(scope, 'Describe snapshot before delete', {
      workflow: WORKFLOW,
      lambdaFunction: props.operateFunction,
      payload: { action: 'describe', region: stack.region, identifier: sfn.JsonPath.stringAt('$.snapshot.identifier') },
      resultPath: GUARD_PATH,
    }),
    deleteStep: {
      kind: 'sdk',
      stateName: 'Delete snapshot',
      resource: `arn:${stack.partition}:states:::aws-sdk:rds:deleteDBSnapshot`,
      parameters: { 'DbSnapshotIdentifier.$': '$.snapshot.identifier' },
      statusPath: '$.DbSnapshot.Status',
      service: 'Rds',
    },
    permission: {
      actions: ['rds:DeleteDBSnapshot'],
      resources: [props.resources.allSnapshots],
      tagConditionPrefix: 'rds:snapshot-tag',
    },
    // The describe Lambda reports a vanished snapshot as status `absent`; the delete may still race it.
    gone: ['Rds.DbSnapshotNotFoundException'],
    busy: ['Rds.InvalidDbSnapshotStateException'],
  });
}
