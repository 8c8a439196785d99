/**
 * Wait -> Describe -> Choice: how a workflow waits for AWS (a snapshot becoming available) without
 * sleeping in a Lambda. The loop has its own time budget, smaller than the state machine's timeout,
 * so a resource that never settles ends in the failure path, which cleans up and notifies, instead
 * of a TIMED_OUT execution that does neither.
 *
 * Why a poll count bounds TIME here: every pass through the loop is exactly one Wait of `interval`
 * plus ONE Describe attempt. The Describe has no Retry: a transient error (throttling, a network
 * error) is caught and counts as a poll whose answer was "not known yet", so the next attempt comes
 * one interval later. A Retry inside the loop would add its own, uncounted backoff (up to a minute
 * per attempt): under sustained throttling the loop then outlived its budget and the state machine's
 * timeout fired first, ending TIMED_OUT with no cleanup and no report. (A deadline compared with
 * `$$.State.EnteredTime` would need date arithmetic, which JSONPath intrinsics do not have.)
 */
import type { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FailurePath } from './failure-path.js';

/** Where the loop keeps its poll count. */
export const POLL_PATH = '$.poll';
/** Where a Describe attempt's transient error is recorded (the last one; the loop goes on). */
export const POLL_ERROR_PATH = '$.pollError';

/** Props of PollLoop. */
export interface PollLoopProps {
  /** State names, stable verb phrases: e.g. "Wait for snapshot", "Count snapshot poll", "Snapshot available?". */
  readonly names: { readonly start: string; readonly wait: string; readonly count: string; readonly choice: string };
  /** Pause between polls. */
  readonly interval: Duration;
  /** Total time the loop may wait; polls = floor(budget / interval), at least 1. */
  readonly budget: Duration;
  /**
   * The Describe task, WITHOUT Retry or Catch (the caller sets its ResultPath): the loop catches
   * `transientErrors` as a poll and sends every other error to `failure`.
   */
  readonly describe: sfn.TaskStateBase;
  /** Errors of the Describe that mean "ask again next poll" (e.g. `transientSdkErrors('Rds')`). */
  readonly transientErrors: readonly string[];
  /** The workflow's failure path: where any other error of the Describe goes. */
  readonly failure: FailurePath;
  /** The resource is ready. */
  readonly ready: sfn.Condition;
  /** The resource reached a state it will not leave (e.g. `failed`). */
  readonly failed: sfn.Condition;
  readonly onReady: sfn.IChainable;
  readonly onFailed: sfn.IChainable;
  /** Budget spent while the resource is still pending. */
  readonly onTimeout: sfn.IChainable;
}

/** Number of polls a budget allows. */
export function maxPolls(budget: Duration, interval: Duration): number {
  return Math.max(1, Math.floor(budget.toSeconds() / interval.toSeconds()));
}

/**
 * The loop as a fragment: its start state resets the poll count; it has no end states (every exit
 * is one of `onReady`, `onFailed`, `onTimeout` or the failure path).
 */
export class PollLoop extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[] = [];

  constructor(scope: Construct, id: string, props: PollLoopProps) {
    super(scope, id);
    if (props.transientErrors.length === 0) throw new Error('PollLoop: transientErrors must not be empty');
    const polls = maxPolls(props.budget, props.interval);
    const start = new sfn.Pass(this, props.names.start, {
      result: sfn.Result.fromObject({ count: 0, max: polls }),
      resultPath: POLL_PATH,
    });
    const wait = new sfn.Wait(this, props.names.wait, { time: sfn.WaitTime.duration(props.interval) });
    const count = new sfn.Pass(this, props.names.count, {
      parameters: { 'count.$': `States.MathAdd(${POLL_PATH}.count, 1)`, 'max.$': `${POLL_PATH}.max` },
      resultPath: POLL_PATH,
    });
    const choice = new sfn.Choice(this, props.names.choice)
      .when(props.ready, props.onReady)
      .when(props.failed, props.onFailed)
      .when(sfn.Condition.numberGreaterThanEqualsJsonPath(`${POLL_PATH}.count`, `${POLL_PATH}.max`), props.onTimeout)
      .otherwise(wait);
    // Order matters: the transient catch must come before the failure path's States.ALL.
    props.describe.addCatch(count, { errors: [...props.transientErrors], resultPath: POLL_ERROR_PATH });
    props.failure.catch(props.describe);
    start.next(wait).next(props.describe).next(count).next(choice);
    this.startState = start;
  }
}
