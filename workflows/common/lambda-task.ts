/** A Lambda task with the automation's defaults. */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { WorkflowName } from '../../shared/naming.js';
import { executionPayload } from './context.js';
import { retryLambdaTransient } from './retry.js';

/** Props of lambdaTask. */
export interface LambdaTaskProps {
  /** Workflow the task belongs to (sent for log correlation). */
  readonly workflow: WorkflowName;
  /** The function to invoke. */
  readonly lambdaFunction: lambda.IFunction;
  /** Payload fields besides `{ workflow, execution, startedAt }` (JSONPath values allowed). */
  readonly payload?: Record<string, unknown>;
  /** Where the function's result goes in the state. @default '$': the result replaces the state */
  readonly resultPath?: string;
  /**
   * Longest a single invocation may take; must exceed the function's own timeout, so the function
   * times out (and reports) before the state gives up on it.
   * @default the function's timeout plus 15 seconds, at least 60 seconds (60 seconds for an imported function)
   */
  readonly timeout?: Duration;
  /** Comment shown in the console. @default no comment */
  readonly comment?: string;
}

/**
 * Invokes `lambdaFunction` with the execution context and the given payload. The task's result is
 * the function's return value itself (`payloadResponseOnly`), and transient errors are retried with
 * jitter (the CDK's default retry, without jitter, is switched off).
 */
export function lambdaTask(scope: Construct, stateName: string, props: LambdaTaskProps): tasks.LambdaInvoke {
  const timeout = lambdaTaskTimeout(stateName, props);
  const task = new tasks.LambdaInvoke(scope, stateName, {
    lambdaFunction: props.lambdaFunction,
    payload: sfn.TaskInput.fromObject({ ...executionPayload(props.workflow), ...props.payload }),
    payloadResponseOnly: true,
    resultPath: props.resultPath ?? '$',
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.duration(timeout),
    comment: props.comment,
  });
  return retryLambdaTransient(task);
}

/** Margin between a function's timeout and its task's: the invoke call's own overhead. */
const INVOKE_MARGIN = Duration.seconds(15);

/** The task timeout of `props` (see LambdaTaskProps.timeout); throws naming the state when it is too short. */
function lambdaTaskTimeout(stateName: string, props: LambdaTaskProps): Duration {
  const functionTimeout = props.lambdaFunction instanceof lambda.Function ? props.lambdaFunction.timeout : undefined;
  if (props.timeout === undefined) {
    if (functionTimeout === undefined) return Duration.seconds(60);
    return Duration.seconds(Math.max(60, functionTimeout.toSeconds() + INVOKE_MARGIN.toSeconds()));
  }
  if (functionTimeout !== undefined && props.timeout.toSeconds() <= functionTimeout.toSeconds()) {
    throw new Error(
      `lambdaTask "${stateName}": timeout (${props.timeout.toHumanString()}) must exceed the timeout of its function (${functionTimeout.toHumanString()})`,
    );
  }
  return props.timeout;
}
