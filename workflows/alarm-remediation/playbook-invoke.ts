/**
 * A Lambda task whose function is chosen at run time: the playbook of the decision,
 * `interactions-<env>-remediation-playbook-<id>`. One state per mode (plan, act, verify) instead
 * of a Choice over six functions per mode; the state machine may invoke exactly the playbook
 * functions given, nothing else.
 */

import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Props of PlaybookInvoke. */
export interface PlaybookInvokeProps {
  /** The functions the task may invoke (its IAM grant). */
  readonly functions: readonly lambda.IFunction[];
  /** JSONPath of the function's name in the state, e.g. `$.playbookFunction`. */
  readonly functionNamePath: string;
  /** The payload (JSONPath values allowed). */
  readonly payload: Record<string, unknown>;
  /** Where the function's result goes. */
  readonly resultPath: string;
  /** Longest one invocation may take. */
  readonly timeout: sfn.Timeout;
  /** @default no comment */
  readonly comment?: string;
}

/** `lambda:invoke` of the function named at `functionNamePath`, the result unwrapped from `Payload`. */
export class PlaybookInvoke extends sfn.TaskStateBase {
  protected readonly taskMetrics = undefined;
  protected readonly taskPolicies: iam.PolicyStatement[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PlaybookInvokeProps,
  ) {
    super(scope, id, {
      resultPath: props.resultPath,
      // The optimized integration wraps the result: keep only what the function returned.
      resultSelector: { 'result.$': '$.Payload' },
      taskTimeout: props.timeout,
      comment: props.comment,
    });
    this.taskPolicies = [
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: props.functions.map((fn) => fn.functionArn),
      }),
    ];
  }

  protected _renderTask(): unknown {
    return {
      Resource: `arn:${Stack.of(this).partition}:states:::lambda:invoke`,
      Parameters: sfn.FieldUtils.renderObject({
        FunctionName: sfn.JsonPath.stringAt(this.props.functionNamePath),
        Payload: this.props.payload,
      }),
    };
  }
}
