/**
 * The nightly cache snapshot: a nested, awaited execution of the cache-snapshot workflow, named from
 * the scheduled event (`nightly-<event id>`) so that a duplicate delivery finds it already there and
 * records `ALREADY_STARTED` instead of taking a second snapshot (common/nested-execution.ts).
 *
 * A failed cache-snapshot run has already notified through its own failure path, and the cache
 * snapshot does not depend on the pruning and DR copy that ran before it: its failure (any error of
 * the awaited start after its retries but this state's own timeout) is recorded as
 * `cacheSnapshot: { status: 'FAILED', error, cause }` and the night is reported as a partial failure
 * (report.ts), not sent to housekeeping's failure path, which would notify a second time and fail a
 * night whose other work succeeded. A run still going after 75 minutes has notified nobody: that
 * timeout goes to the failure path and pages.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FailurePath } from '../common/failure-path.js';
import { NestedExecution } from '../common/nested-execution.js';
import { NIGHTLY_RUN_PREFIX } from '../common/schedule.js';
import { NESTED_RUN_FAILED } from './report.js';
import { WORKFLOW } from './workflow.js';

/** Where the nested run's outcome is kept (and reported as `cacheSnapshot`). */
export const CACHE_SNAPSHOT_PATH = '$.cacheSnapshot';

/** The nightly cache snapshot's states: "Snapshot cache" first, "Cache snapshot done" last. */
export interface NightlyCacheSnapshotStates {
  readonly start: NestedExecution;
  readonly end: sfn.Pass;
}

/**
 * Builds "Snapshot cache" -> "Cache snapshot done" (ALREADY_STARTED on a duplicate, FAILED with the
 * error and cause when the run failed).
 */
export function nightlyCacheSnapshot(
  scope: Construct,
  cacheSnapshotStateMachine: sfn.IStateMachine,
  failure: FailurePath,
): NightlyCacheSnapshotStates {
  const alreadyTaken = new sfn.Pass(scope, 'Record cache snapshot already started', {
    result: sfn.Result.fromObject({ status: 'ALREADY_STARTED' }),
    resultPath: CACHE_SNAPSHOT_PATH,
  });
  const failed = new sfn.Pass(scope, 'Record cache snapshot run failed', {
    parameters: {
      status: NESTED_RUN_FAILED,
      'error.$': '$.cacheSnapshotError.Error',
      'cause.$': '$.cacheSnapshotError.Cause',
    },
    resultPath: CACHE_SNAPSHOT_PATH,
  });
  const startCache = new NestedExecution(scope, 'NightlyCacheSnapshot', {
    stateName: 'Snapshot cache',
    stateMachine: cacheSnapshotStateMachine,
    executionName: sfn.JsonPath.format(`${NIGHTLY_RUN_PREFIX}{}`, sfn.JsonPath.stringAt('$$.Execution.Input.id')),
    input: sfn.TaskInput.fromObject({ requestedBy: WORKFLOW, reason: 'Nightly cache snapshot' }),
    waitForCompletion: true,
    associateWithParent: true,
    resultSelector: { 'executionArn.$': '$.ExecutionArn', 'status.$': '$.Status' },
    resultPath: CACHE_SNAPSHOT_PATH,
    taskTimeout: Duration.minutes(75),
    alreadyStarted: alreadyTaken,
    alreadyStartedResultPath: '$.cacheSnapshotError',
    recordFailure: { next: failed, resultPath: '$.cacheSnapshotError' },
    failure,
  });
  const joined = new sfn.Pass(scope, 'Cache snapshot done');
  startCache.next(joined);
  alreadyTaken.next(joined);
  failed.next(joined);
  return { start: startCache, end: joined };
}
