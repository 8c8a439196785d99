/**
 * A Lambda function a workflow's state machine invokes: the automation's AutomationFunction plus the
 * cdk-nag acknowledgement every such function needs, made here once so no workflow repeats it.
 */
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AutomationFunction, type AutomationFunctionProps } from '../../infra/constructs/automation-function.js';

/** Why a function invoked only by Step Functions needs no dead-letter queue. */
const SYNCHRONOUS_ONLY =
  'Invoked synchronously by Step Functions only: errors return to the state machine, whose Retry and Catch handle them; a DLQ applies to asynchronous invocations.';

/** Creates the function (see AutomationFunction for its defaults) and acknowledges Serverless-LambdaDLQ. */
export function workflowFunction(scope: Construct, id: string, props: AutomationFunctionProps): AutomationFunction {
  const created = new AutomationFunction(scope, id, props);
  Validations.of(created.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason: SYNCHRONOUS_ONLY });
  return created;
}
