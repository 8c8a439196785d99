/**
 * The housekeeping's cdk-nag acknowledgements, each narrow (one resource on one scope) with its
 * reason, made once here by the construct whose grants cause them. The state machine's X-Ray,
 * log-delivery and invoke-version wildcards are AutomationStateMachine's, the functions' DLQ finding
 * workflowFunction's.
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { drKeysByAlias } from './dr-copy.js';
import type { HousekeepingResources } from './resources.js';

/** What the acknowledgements are about. */
export interface HousekeepingNagProps {
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: events.Rule;
  readonly select: { readonly function: lambda.IFunction; readonly role: iam.IRole };
  readonly operate: { readonly function: lambda.IFunction; readonly role: iam.IRole };
  readonly resources: HousekeepingResources;
  /** The DR region, or `''`. */
  readonly drRegion: string;
  /** Whether the DR key is the default alias (IAM then scoped by `kms:ResourceAliases`). */
  readonly drKeyByAlias: boolean;
  /** The nested cache snapshot's state machine, when the nightly cache snapshot is on. */
  readonly cacheSnapshotStateMachine?: sfn.IStateMachine;
}

/** Acknowledges the housekeeping's findings (see the module comment). */
export function acknowledgeHousekeepingFindings(props: HousekeepingNagProps): void {
  const { stateMachine, select, operate, resources, drRegion } = props;
  const stack = Stack.of(stateMachine);
  const snapshotsReason =
    'Manual snapshots of the automation carry operator-chosen names, so no name prefix scopes them: Describe is read-only, Delete requires the rds:snapshot-tag managed-by and environment conditions and an execution tag, and Copy (source side only; its target is scoped to interactions-<env>-dr-*) the managed-by and environment request tags.';
  acknowledgeWildcard(stateMachine, resources.allSnapshots, snapshotsReason);
  acknowledgeWildcard(select.role, resources.allSnapshots, snapshotsReason);
  acknowledgeWildcard(operate.role, resources.allSnapshots, snapshotsReason);
  const cacheSnapshotsReason =
    'Cache snapshots of the automation are named interactions-<env>-<...> per execution: the prefix scopes them. Describe and ListTags are read-only; Delete requires the aws:ResourceTag managed-by and environment conditions and an execution tag.';
  acknowledgeWildcard(stateMachine, resources.ownCacheSnapshots, cacheSnapshotsReason);
  acknowledgeWildcard(select.role, resources.ownCacheSnapshots, cacheSnapshotsReason);
  acknowledgeWildcard(operate.role, resources.ownCacheSnapshots, cacheSnapshotsReason);
  acknowledgeWildcard(
    select.role,
    resources.allCacheSnapshots,
    'Read-only DescribeSnapshots listing of the replication group (filtered by ReplicationGroupId), authorized on the snapshot resource type.',
  );
  for (const executions of resources.ownerExecutions) {
    acknowledgeWildcard(
      select.role,
      executions,
      'Read-only DescribeExecution and GetExecutionHistory of the runs that made the automation snapshots (named per run, up to 50 a night): scoped to the executions of the on-demand-snapshot and cache-snapshot state machines of this environment.',
    );
  }
  Validations.of(props.schedule).acknowledge({
    id: 'Serverless-EventBusDLQ',
    reason:
      'EventBridge retries the start for an hour; a night that still never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
  });
  if (drRegion !== '') {
    acknowledgeWildcard(
      select.role,
      resources.allDrSnapshots,
      'Read-only listing of the DR region: expired DR copies are found by their tags.',
    );
    acknowledgeWildcard(
      operate.role,
      resources.drCopies,
      'DR copies are named per source snapshot under interactions-<env>-dr-; Copy and AddTags require the managed-by and environment request tags, Delete the same resource tags and an execution tag.',
    );
    if (props.drKeyByAlias) {
      acknowledgeWildcard(
        operate.role,
        drKeysByAlias(stack, drRegion),
        'The DR key lives in another region and is referenced by alias; the statements are limited to keys carrying that alias (kms:ResourceAliases), CreateGrant also to grants for an AWS resource.',
      );
    }
  }
  if (props.cacheSnapshotStateMachine !== undefined) {
    // What StepFunctionsStartExecution grants for .sync: Describe/Stop on the nested machine's executions.
    const machineName = stack.splitArn(
      props.cacheSnapshotStateMachine.stateMachineArn,
      ArnFormat.COLON_RESOURCE_NAME,
    ).resourceName;
    acknowledgeWildcard(
      stateMachine,
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${machineName}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      'Describe/Stop of the nested cache snapshot executions, whose names are generated per night; scoped to that one state machine.',
    );
  }
}
