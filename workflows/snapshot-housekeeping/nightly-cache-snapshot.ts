/**
 * The nightly cache snapshot: a nested, awaited execution of the cache-snapshot workflow, named from
 * the scheduled event (`nightly-<event id>`) so that a duplicate delivery finds it already there and
 * records `ALREADY_STARTED` instead of taking a second snapshot.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { FailurePath } from '../common/failure-path.js';
import { TRANSIENT_BACKOFF } from '../common/retry.js';
import { START_EXECUTION_TRANSIENT_ERRORS } from '../common/schedule.js';
import { WORKFLOW } from './workflow.js';

/** The nightly cache snapshot's states: "Snapshot cache" first, "Cache snapshot done" last. */
export interface NightlyCacheSnapshotStates {
  readonly start: tasks.StepFunctionsStartExecution;
  readonly end: sfn.Pass;
}

/** Builds "Snapshot cache" -> "Cache snapshot done" (ALREADY_STARTED on a duplicate). */
export function nightlyCacheSnapshot(
  scope: Construct,
  cacheSnapshotStateMachine: sfn.IStateMachine,
  failure: FailurePath,
): NightlyCacheSnapshotStates {
  const startCache = new tasks.StepFunctionsStartExecution(scope, 'Snapshot cache', {
    stateMachine: cacheSnapshotStateMachine,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    name: sfn.JsonPath.format('nightly-{}', sfn.JsonPath.stringAt('$$.Execution.Input.id')),
    input: sfn.TaskInput.fromObject({ requestedBy: WORKFLOW, reason: 'Nightly cache snapshot' }),
    associateWithParent: true,
    resultSelector: { 'executionArn.$': '$.ExecutionArn', 'status.$': '$.Status' },
    resultPath: '$.cacheSnapshot',
    taskTimeout: sfn.Timeout.duration(Duration.minutes(75)),
  });
  startCache.addRetry({ ...TRANSIENT_BACKOFF, errors: START_EXECUTION_TRANSIENT_ERRORS });
  const alreadyTaken = new sfn.Pass(scope, 'Record cache snapshot already started', {
    result: sfn.Result.fromObject({ status: 'ALREADY_STARTED' }),
    resultPath: '$.cacheSnapshot',
  });
  startCache.addCatch(alreadyTaken, {
    errors: ['StepFunctions.ExecutionAlreadyExistsException'],
    resultPath: '$.cacheSnapshotError',
  });
  failure.catch(startCache);
  const joined = new sfn.Pass(scope, 'Cache snapshot done');
  startCache.next(joined);
  alreadyTaken.next(joined);
  return { start: startCache, end: joined };
}
