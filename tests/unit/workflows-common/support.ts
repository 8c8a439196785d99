/** What the workflow-kit fragment tests build on: a stack in a fixed account and region, and its failure path. */
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FailurePath } from '../../../workflows/common/failure-path.js';
import { testApp } from '../../support/cdk-app.js';

/** A dev stack in 123456789012 / us-east-1 with the housekeeping's failure path (notify-outcome by ARN). */
export function stackWithFailurePath(): { readonly stack: Stack; readonly failure: FailurePath } {
  const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const failure = new FailurePath(stack, 'Failure', {
    workflow: 'snapshot-housekeeping',
    envName: 'dev',
    notifyFunction: lambda.Function.fromFunctionArn(
      stack,
      'Notify',
      'arn:aws:lambda:us-east-1:123456789012:function:interactions-dev-notify-outcome',
    ),
    severity: 'medium',
    summary: 'failed',
  });
  return { stack, failure };
}
