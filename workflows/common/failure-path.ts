/**
 * The one catch-all path of a workflow: clean up what this execution created, notify the severity
 * topic with a report, then fail with a readable message. Every task's Catch and every
 * "this went wrong" Choice branch ends here, so no failure can skip cleanup or notification.
 *
 * One page per incident: the workflow's own notification is the page. The execution then fails with
 * the original error and a cause starting with NOTIFIED_CAUSE_PREFIX, which the executions alarm
 * (infra/constructs/workflow-monitoring.ts) skips. When the notification itself fails, nobody has
 * been told: the execution fails with UNREPORTED_FAILURE instead (the original error kept in the
 * cause), and the alarm pages.
 *
 * State shape it relies on: the failure is in `$.error` as `{ Error, Cause }` (what a Catch with
 * `resultPath: '$.error'` writes; `raise()` writes the same for failures a Choice detects).
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Environment, WorkflowName } from '../../shared/naming.js';
import { lambdaTask } from './lambda-task.js';

/** Where a Catch puts the error: the rest of the state (what the execution created) is kept for cleanup. */
export const ERROR_PATH = '$.error';

/** Error name of an execution whose failure notification failed too: the executions alarm pages for it. */
export const UNREPORTED_FAILURE = 'UnreportedFailure';

/** Start of the cause of every failure this path notified: the executions alarm does not page for those. */
export const NOTIFIED_CAUSE_PREFIX = 'Notified: ';

/** Props of FailurePath. */
export interface FailurePathProps {
  /** The workflow, for the notification and report. */
  readonly workflow: WorkflowName;
  /** The environment, for the notification and report. */
  readonly envName: Environment;
  /** notify-outcome: writes the report and publishes to the severity topic. */
  readonly notifyFunction: lambda.IFunction;
  /** Topic severity of a failure. */
  readonly severity: 'high' | 'medium' | 'low';
  /** First line of the failure notification, e.g. "On-demand snapshot failed". */
  readonly summary: string;
  /**
   * Builds the cleanup states; every branch must continue to `next`. Cleanup errors must be caught
   * by the caller's states (see `catchCleanup`) so that notification always happens.
   * @default no cleanup: straight to the notification
   */
  readonly cleanup?: (next: sfn.IChainable) => sfn.IChainable;
  /**
   * Extra details for the report, as Payload fields (JSONPath values allowed).
   * @default the whole state
   */
  readonly details?: Record<string, unknown>;
}

/** The catch-all failure path (see the module comment). */
export class FailurePath extends Construct {
  /** The first state: what Catch and `raise()` go to. */
  readonly startState: sfn.IChainable;

  constructor(scope: Construct, id: string, props: FailurePathProps) {
    super(scope, id);

    const message = new sfn.Pass(this, 'Build failure message', {
      parameters: {
        'error.$': `${ERROR_PATH}.Error`,
        'cause.$': `States.Format('${NOTIFIED_CAUSE_PREFIX}${props.workflow} execution {} failed with {}: {}', $$.Execution.Name, ${ERROR_PATH}.Error, ${ERROR_PATH}.Cause)`,
      },
      resultPath: '$.failure',
    });
    message.next(new sfn.Fail(this, 'Fail', { errorPath: '$.failure.error', causePath: '$.failure.cause' }));

    const unreported = new sfn.Pass(this, 'Build unreported failure message', {
      parameters: {
        'cause.$': `States.Format('${props.workflow} execution {} failed with {}: {}; its failure notification failed too with {}: {}', $$.Execution.Name, ${ERROR_PATH}.Error, ${ERROR_PATH}.Cause, $.notificationError.Error, $.notificationError.Cause)`,
      },
      resultPath: '$.failure',
    });
    unreported.next(new sfn.Fail(this, 'Fail unreported', { error: UNREPORTED_FAILURE, causePath: '$.failure.cause' }));

    const notify = lambdaTask(this, 'Notify failure', {
      workflow: props.workflow,
      lambdaFunction: props.notifyFunction,
      payload: {
        environment: props.envName,
        status: 'FAILED',
        severity: props.severity,
        summary: props.summary,
        details: props.details ?? sfn.JsonPath.objectAt('$'),
        error: sfn.JsonPath.stringAt(`${ERROR_PATH}.Error`),
        cause: sfn.JsonPath.stringAt(`${ERROR_PATH}.Cause`),
      },
      resultPath: '$.notification',
    });
    // Nobody was told: fail under a name the executions alarm pages for, the original error kept in the cause.
    notify.addCatch(unreported, { errors: ['States.ALL'], resultPath: '$.notificationError' });
    notify.next(message);

    this.startState = props.cleanup ? props.cleanup(notify) : notify;
  }

  /** Routes every error of `task` (after its retries) to the failure path, keeping the state. */
  catch<T extends sfn.TaskStateBase | sfn.Parallel | sfn.Map>(task: T): T {
    task.addCatch(this.startState, { errors: ['States.ALL'], resultPath: ERROR_PATH });
    return task;
  }

  /**
   * A Pass state that records a failure detected by a Choice (`error` name; `cause` is a
   * States.Format expression or plain text) and continues to the failure path.
   */
  raise(stateName: string, error: string, cause: { readonly format: string } | string): sfn.Pass {
    const pass = new sfn.Pass(this, stateName, {
      parameters:
        typeof cause === 'string' ? { Error: error, Cause: cause } : { Error: error, 'Cause.$': cause.format },
      resultPath: ERROR_PATH,
    });
    pass.next(this.startState);
    return pass;
  }
}

/**
 * Catches every error of a cleanup task into `$.cleanupError` and continues to `next`: a cleanup
 * that fails (or that the tag guard refuses) is reported, never allowed to skip the notification.
 */
export function catchCleanup<T extends sfn.TaskStateBase>(task: T, next: sfn.IChainable): T {
  task.addCatch(next, { errors: ['States.ALL'], resultPath: '$.cleanupError' });
  return task;
}
