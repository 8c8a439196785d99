/**
 * NestedExecution: one `states:startExecution` of a state machine under a name the caller derives
 * from what triggered it (`nightly-<event id>`), so that a second start of that name is "already
 * started", never a second run. Step Functions keeps execution names unique per state machine for
 * 90 days and answers a repeated name with ExecutionAlreadyExists (or, while the first run is open
 * with the same input, that run back), which this fragment routes to `alreadyStarted` instead of the
 * failure path.
 *
 * The fragment owns what every such start needs, written once: the transient-error retry
 * (START_EXECUTION_TRANSIENT_ERRORS with the automation's backoff and jitter), the "already started"
 * catch, the catch-all (to the workflow's failure path, or, for an awaited run that reports its own
 * failure, to a state that records it: `recordFailure`), and the grant: the task is CDK's
 * StepFunctionsStartExecution, which registers `states:StartExecution` on the target state machine
 * only (plus, when awaited, Describe/Stop of that machine's executions and the managed rule `.sync`
 * needs) on the role of the state machine it is bound to.
 */
import type { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ERROR_PATH, type FailurePath } from './failure-path.js';
import { START_EXECUTION_TRANSIENT_ERRORS, TRANSIENT_BACKOFF } from './retry.js';

/** The error Step Functions raises for a second start of an execution name. */
export const EXECUTION_ALREADY_EXISTS = 'StepFunctions.ExecutionAlreadyExistsException';

/** Props of NestedExecution. */
export interface NestedExecutionProps {
  /** Name of the start state, a verb phrase ("Snapshot cache"). */
  readonly stateName: string;
  /** The state machine started; the grant is scoped to it. */
  readonly stateMachine: sfn.IStateMachine;
  /** The execution name (JSONPath allowed, e.g. `States.Format('nightly-{}', ...)`): the same trigger, the same name. */
  readonly executionName: string;
  /** The execution's input. */
  readonly input: sfn.TaskInput;
  /**
   * Wait for the nested execution to end (`startExecution.sync:2`): its failure fails this state,
   * which then goes to the failure path (or `recordFailure`). @default false: the execution is started, not awaited
   */
  readonly waitForCompletion?: boolean;
  /** Link the nested execution to this one in the console. @default false */
  readonly associateWithParent?: boolean;
  /** What of the StartExecution (or DescribeExecution) result to keep. @default the whole result */
  readonly resultSelector?: Record<string, unknown>;
  /** Where the result goes. @default '$': the result replaces the state */
  readonly resultPath?: string;
  /** Longest the state may take (awaited executions). @default no state timeout: the workflow's own timeout bounds it */
  readonly taskTimeout?: Duration;
  /** Where a start of an execution name that already exists goes (a duplicate delivery). */
  readonly alreadyStarted: sfn.IChainable;
  /** Where the ExecutionAlreadyExists error is kept on the way to `alreadyStarted`. */
  readonly alreadyStartedResultPath: string;
  /** The workflow's catch-all: every other error of the start, after its retries. */
  readonly failure: FailurePath;
  /**
   * Where the awaited run's own failure goes instead of the failure path, kept at `resultPath` as
   * `{ Error, Cause }`: a run that failed has notified through its own failure path, so the parent
   * records it rather than failing and notifying a second time. Caught as `States.TaskFailed`, which
   * in a Catch matches every error but `States.Timeout`: this task's own timeout (the run is still
   * going and has notified nobody) still goes to `failure`. Only with `waitForCompletion`.
   * @default none: every error goes to `failure`
   */
  readonly recordFailure?: { readonly next: sfn.IChainable; readonly resultPath: string };
}

/** The start of a nested execution named from its trigger (see the module comment). */
export class NestedExecution extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[];
  /** The start task itself. */
  readonly task: tasks.StepFunctionsStartExecution;

  constructor(scope: Construct, id: string, props: NestedExecutionProps) {
    super(scope, id);
    if (props.executionName.trim() === '') throw new Error(`NestedExecution ${id}: executionName must not be empty`);
    if (props.recordFailure !== undefined && props.waitForCompletion !== true) {
      throw new Error(
        `NestedExecution ${id}: recordFailure needs waitForCompletion (a run not awaited cannot fail here)`,
      );
    }
    this.task = new tasks.StepFunctionsStartExecution(this, props.stateName, {
      stateMachine: props.stateMachine,
      integrationPattern:
        props.waitForCompletion === true ? sfn.IntegrationPattern.RUN_JOB : sfn.IntegrationPattern.REQUEST_RESPONSE,
      name: props.executionName,
      input: props.input,
      associateWithParent: props.associateWithParent,
      resultSelector: props.resultSelector,
      resultPath: props.resultPath,
      taskTimeout: props.taskTimeout === undefined ? undefined : sfn.Timeout.duration(props.taskTimeout),
    });
    this.task.addRetry({ ...TRANSIENT_BACKOFF, errors: START_EXECUTION_TRANSIENT_ERRORS });
    // Before the catch-all: States.ALL must be a state's last catcher.
    this.task.addCatch(props.alreadyStarted, {
      errors: [EXECUTION_ALREADY_EXISTS],
      resultPath: props.alreadyStartedResultPath,
    });
    if (props.recordFailure !== undefined) {
      // Named first: Catch takes the first match, and not every engine keeps States.Timeout out of States.TaskFailed.
      this.task.addCatch(props.failure.startState, { errors: ['States.Timeout'], resultPath: ERROR_PATH });
      this.task.addCatch(props.recordFailure.next, {
        errors: ['States.TaskFailed'],
        resultPath: props.recordFailure.resultPath,
      });
    }
    props.failure.catch(this.task);
    this.startState = this.task;
    this.endStates = [this.task];
  }
}
