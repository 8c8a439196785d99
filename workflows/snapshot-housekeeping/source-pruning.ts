/**
 * Pruning of the source region's expired automation snapshots, DB (RDS) and cache (ElastiCache),
 * each with the same three guards: the selection Lambda's list; operate-regional-snapshots
 * re-reading each snapshot's tags for the guard Choice (ElastiCache returns them only through
 * ListTagsForResource); and the SDK delete whose IAM statement requires the automation's tags.
 * Both are one GuardedDeletion; what differs per service is data (`SOURCE_PRUNING`). The cache
 * pruning runs before tonight's cache snapshot is started: the selection was made before that
 * snapshot exists, and it would not be expired anyway (its expires-at lies weeks ahead).
 */
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Environment } from '../../shared/naming.js';
import { GUARD_PATH, GuardedDeletion } from '../common/guarded-deletion.js';
import { lambdaTask } from '../common/lambda-task.js';
import type { SdkErrorPrefix } from '../common/retry.js';
import type { HousekeepingResources } from './resources.js';
import { WORKFLOW } from './workflow.js';

/** What one service's pruning is: construct id, state names, paths, SDK call, grant, error names. */
interface SourcePruningKind {
  readonly id: string;
  readonly mapName: string;
  readonly choiceName: string;
  readonly describeName: string;
  readonly deleteName: string;
  /** Prefix of the "Record ... deleted/refused/..." states. */
  readonly recordPrefix: string;
  readonly itemsPath: string;
  readonly resultPath: string;
  /** The operate-regional-snapshots describe action (RDS also names the region). */
  readonly describePayload: (region: string) => Record<string, unknown>;
  readonly sdkAction: string;
  readonly identifierParameter: string;
  readonly statusPath: string;
  readonly service: SdkErrorPrefix;
  readonly action: string;
  readonly resources: (resources: HousekeepingResources) => string;
  readonly tagConditionPrefix: 'rds:snapshot-tag' | 'aws:ResourceTag';
  /** Deleted by someone else since the describe: what the delete wanted is done. */
  readonly gone: string;
  readonly busy: string;
}

/** The two source-region prunings, by service. */
export const SOURCE_PRUNING = {
  rds: {
    id: 'RdsPruning',
    mapName: 'Delete expired snapshots',
    choiceName: 'Snapshot still ours and expired?',
    describeName: 'Describe snapshot before delete',
    deleteName: 'Delete snapshot',
    recordPrefix: '',
    itemsPath: '$.source.selected',
    resultPath: '$.deletions',
    describePayload: (region) => ({ action: 'describe', region }),
    sdkAction: 'rds:deleteDBSnapshot',
    identifierParameter: 'DbSnapshotIdentifier',
    statusPath: '$.DbSnapshot.Status',
    service: 'Rds',
    action: 'rds:DeleteDBSnapshot',
    resources: (r) => r.allSnapshots,
    tagConditionPrefix: 'rds:snapshot-tag',
    gone: 'Rds.DbSnapshotNotFoundException',
    busy: 'Rds.InvalidDbSnapshotStateException',
  },
  cache: {
    id: 'CachePruning',
    mapName: 'Delete expired cache snapshots',
    choiceName: 'Cache snapshot still ours and expired?',
    describeName: 'Describe cache snapshot before delete',
    deleteName: 'Delete cache snapshot',
    recordPrefix: 'cache ',
    itemsPath: '$.source.cache.selected',
    resultPath: '$.cacheDeletions',
    describePayload: () => ({ action: 'describe-cache' }),
    sdkAction: 'elasticache:deleteSnapshot',
    identifierParameter: 'SnapshotName',
    statusPath: '$.Snapshot.SnapshotStatus',
    service: 'ElastiCache',
    action: 'elasticache:DeleteSnapshot',
    resources: (r) => r.ownCacheSnapshots,
    tagConditionPrefix: 'aws:ResourceTag',
    gone: 'ElastiCache.SnapshotNotFoundException',
    busy: 'ElastiCache.InvalidSnapshotStateException',
  },
} as const satisfies Record<string, SourcePruningKind>;

/** What a source pruning needs besides its kind. */
export interface SourcePruningProps {
  readonly envName: Environment;
  /** operate-regional-snapshots: the pre-delete describe. */
  readonly operateFunction: lambda.IFunction;
  readonly resources: HousekeepingResources;
  /** Deletions running at once. */
  readonly concurrency: number;
}

/** The Map deleting the selected snapshots of one service, outcomes at the kind's `resultPath`. */
export function sourcePruning(scope: Construct, kind: SourcePruningKind, props: SourcePruningProps): GuardedDeletion {
  const stack = Stack.of(scope);
  return new GuardedDeletion(scope, kind.id, {
    envName: props.envName,
    mapName: kind.mapName,
    choiceName: kind.choiceName,
    recordPrefix: kind.recordPrefix,
    itemsPath: kind.itemsPath,
    resultPath: kind.resultPath,
    concurrency: props.concurrency,
    describe: lambdaTask(scope, kind.describeName, {
      workflow: WORKFLOW,
      lambdaFunction: props.operateFunction,
      payload: { ...kind.describePayload(stack.region), identifier: sfn.JsonPath.stringAt('$.snapshot.identifier') },
      resultPath: GUARD_PATH,
    }),
    deleteStep: {
      kind: 'sdk',
      stateName: kind.deleteName,
      resource: `arn:${stack.partition}:states:::aws-sdk:${kind.sdkAction}`,
      parameters: { [`${kind.identifierParameter}.$`]: '$.snapshot.identifier' },
      statusPath: kind.statusPath,
      service: kind.service,
    },
    permission: {
      actions: [kind.action],
      resources: [kind.resources(props.resources)],
      tagConditionPrefix: kind.tagConditionPrefix,
    },
    // The describe Lambda reports a vanished snapshot as status `absent`; the delete may still race it.
    gone: [kind.gone],
    busy: [kind.busy],
  });
}
