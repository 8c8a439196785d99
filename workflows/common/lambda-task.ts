/** A Lambda task with the automation's defaults. */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
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
  /** Longest a single invocation may take. @default 60 seconds */
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
  const task = new tasks.LambdaInvoke(scope, stateName, {
    lambdaFunction: props.lambdaFunction,
    payload: sfn.TaskInput.fromObject({ ...executionPayload(props.workflow), ...props.payload }),
    payloadResponseOnly: true,
    resultPath: props.resultPath ?? '$',
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.duration(props.timeout ?? Duration.seconds(60)),
    comment: props.comment,
  });
  return retryLambdaTransient(task);
}
