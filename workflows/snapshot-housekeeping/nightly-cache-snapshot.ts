/**
 * The nightly cache snapshot: a nested, awaited execution of the cache-snapshot workflow, named from
 * the scheduled event (`nightly-<event id>`) so that a duplicate delivery finds it already there and
 * records `ALREADY_STARTED` instead of taking a second snapshot (common/nested-execution.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FailurePath } from '../common/failure-path.js';
import { NestedExecution } from '../common/nested-execution.js';
import { NIGHTLY_RUN_PREFIX } from '../common/schedule.js';
import { WORKFLOW } from './workflow.js';

/** The nightly cache snapshot's states: "Snapshot cache" first, "Cache snapshot done" last. */
export interface NightlyCacheSnapshotStates {
  readonly start: NestedExecution;
  readonly end: sfn.Pass;
}

/** Builds "Snapshot cache" -> "Cache snapshot done" (ALREADY_STARTED on a duplicate). */
export function nightlyCacheSnapshot(
  scope: Construct,
  cacheSnapshotStateMachine: sfn.IStateMachine,
  failure: FailurePath,
): NightlyCacheSnapshotStates {
  const alreadyTaken = new sfn.Pass(scope, 'Record cache snapshot already started', {
    result: sfn.Result.fromObject({ status: 'ALREADY_STARTED' }),
    resultPath: '$.cacheSnapshot',
  });
  const startCache = new NestedExecution(scope, 'NightlyCacheSnapshot', {
    stateName: 'Snapshot cache',
    stateMachine: cacheSnapshotStateMachine,
    executionName: sfn.JsonPath.format(`${NIGHTLY_RUN_PREFIX}{}`, sfn.JsonPath.stringAt('$$.Execution.Input.id')),
    input: sfn.TaskInput.fromObject({ requestedBy: WORKFLOW, reason: 'Nightly cache snapshot' }),
    waitForCompletion: true,
    associateWithParent: true,
    resultSelector: { 'executionArn.$': '$.ExecutionArn', 'status.$': '$.Status' },
    resultPath: '$.cacheSnapshot',
    taskTimeout: Duration.minutes(75),
    alreadyStarted: alreadyTaken,
    alreadyStartedResultPath: '$.cacheSnapshotError',
    failure,
  });
  const joined = new sfn.Pass(scope, 'Cache snapshot done');
  startCache.next(joined);
  alreadyTaken.next(joined);
  return { start: startCache, end: joined };
}
