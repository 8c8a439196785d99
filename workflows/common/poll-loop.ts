/**
 * Wait -> Describe -> Choice: how a workflow waits for AWS (a snapshot becoming available) without
 * sleeping in a Lambda. The loop has its own budget (a number of polls) smaller than the state
 * machine's timeout, so a resource that never settles ends in the failure path, which cleans up and
 * notifies, instead of a TIMED_OUT execution that does neither.
 */
import type { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Where the loop keeps its poll count. */
export const POLL_PATH = '$.poll';

/** Props of pollLoop. */
export interface PollLoopProps {
  /** State names, stable verb phrases: e.g. "Wait for snapshot", "Count snapshot poll", "Snapshot available?". */
  readonly names: { readonly start: string; readonly wait: string; readonly count: string; readonly choice: string };
  /** Pause between polls. */
  readonly interval: Duration;
  /** Total time the loop may wait; polls = floor(budget / interval), at least 1. */
  readonly budget: Duration;
  /** The Describe task (the caller sets its ResultPath, Retry and Catch). */
  readonly describe: sfn.TaskStateBase;
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
 * is one of `onReady`, `onFailed`, `onTimeout`). The Describe task's grants come with it.
 */
export class PollLoop extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[] = [];

  constructor(scope: Construct, id: string, props: PollLoopProps) {
    super(scope, id);
    this.startState = buildPollLoop(this, props);
  }
}

function buildPollLoop(scope: Construct, props: PollLoopProps): sfn.State {
  const polls = maxPolls(props.budget, props.interval);
  const start = new sfn.Pass(scope, props.names.start, {
    result: sfn.Result.fromObject({ count: 0, max: polls }),
    resultPath: POLL_PATH,
  });
  const wait = new sfn.Wait(scope, props.names.wait, { time: sfn.WaitTime.duration(props.interval) });
  const count = new sfn.Pass(scope, props.names.count, {
    parameters: { 'count.$': `States.MathAdd(${POLL_PATH}.count, 1)`, 'max.$': `${POLL_PATH}.max` },
    resultPath: POLL_PATH,
  });
  const choice = new sfn.Choice(scope, props.names.choice)
    .when(props.ready, props.onReady)
    .when(props.failed, props.onFailed)
    .when(sfn.Condition.numberGreaterThanEqualsJsonPath(`${POLL_PATH}.count`, `${POLL_PATH}.max`), props.onTimeout)
    .otherwise(wait);
  start.next(wait).next(props.describe).next(count).next(choice);
  return start;
}
