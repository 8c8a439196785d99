/**
 * The housekeeping's two functions and their read permissions: select-expired-snapshots (lists and
 * selects, in either region) and operate-regional-snapshots (the pre-delete describe in both regions,
 * the DR copy and the DR delete; those two add their own grants where they are built).
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AutomationFunction } from '../../infra/constructs/automation-function.js';
import type { Environment } from '../../shared/naming.js';
import { workflowFunction } from '../common/workflow-function.js';
import type { HousekeepingResources } from './resources.js';
import { WORKFLOW } from './workflow.js';

/** The housekeeping's functions. */
export interface HousekeepingFunctions {
  readonly select: AutomationFunction;
  readonly operate: AutomationFunction;
}

/**
 * Creates both functions (construct ids `SelectFunction`, `OperateFunction` under `scope`). With a
 * DR region (`drRegion` not `''`) both get it as `DR_REGION`: their only DR region, which they hold
 * every DR call's region to (shared/identity.ts); without it they refuse DR calls.
 */
export function housekeepingFunctions(
  scope: Construct,
  envName: Environment,
  functionLogGroup: logs.ILogGroup,
  resources: HousekeepingResources,
  drRegion: string,
): HousekeepingFunctions {
  const environment = { WORKFLOW, ...(drRegion === '' ? {} : { DR_REGION: drRegion }) };
  const select = workflowFunction(scope, 'SelectFunction', {
    envName,
    name: 'select-expired-snapshots',
    description: 'Lists manual DB and cache snapshots and selects the automation snapshots whose retention has passed',
    environment,
    logGroup: functionLogGroup,
    timeout: Duration.seconds(60),
  });
  select.role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['rds:DescribeDBSnapshots'],
      resources: [
        resources.instance,
        resources.allSnapshots,
        ...(resources.allDrSnapshots === '' ? [] : [resources.allDrSnapshots]),
      ],
    }),
  );
  // Listing by replication group is authorized on the snapshot resource type; the listing includes
  // snapshots of any name, so it needs them all. Tags are read only for the automation's prefix.
  select.role.addToPolicy(
    new iam.PolicyStatement({ actions: ['elasticache:DescribeSnapshots'], resources: [resources.allCacheSnapshots] }),
  );
  select.role.addToPolicy(
    new iam.PolicyStatement({ actions: ['elasticache:ListTagsForResource'], resources: [resources.ownCacheSnapshots] }),
  );
  // Read-only: whether the run that made a not-yet-expired snapshot failed (its leftover is swept),
  // and, for a failed one, whether its history shows the snapshot verified (then it is kept).
  select.role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: resources.ownerExecutions,
    }),
  );

  // The pre-delete describe runs in the Lambda in both regions: it flattens the tags for the guard
  // Choice (a JSONPath filter over TagList fails the state when the tag is absent).
  const operate = workflowFunction(scope, 'OperateFunction', {
    envName,
    name: 'operate-regional-snapshots',
    description: 'Describes DB and cache snapshots for the delete guard; copies to and deletes in the DR region',
    environment,
    logGroup: functionLogGroup,
    timeout: Duration.seconds(60),
  });
  operate.role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['rds:DescribeDBSnapshots'],
      resources: [resources.allSnapshots, ...(resources.drCopies === '' ? [] : [resources.drCopies])],
    }),
  );
  operate.role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['elasticache:DescribeSnapshots', 'elasticache:ListTagsForResource'],
      resources: [resources.ownCacheSnapshots],
    }),
  );
  return { select, operate };
}
