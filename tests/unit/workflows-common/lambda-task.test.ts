/**
 * workflows/common/lambda-task.ts: a task gives its function more time than the function's own
 * timeout (it used to be able to give up at the moment the function's timeout fired). Its retry of
 * `Lambda.ClientExecutionTimeoutException` is exercised on a real workflow in
 * tests/workflows/defects/lambda-task-timeouts.test.ts.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { lambdaTask } from '../../../workflows/common/lambda-task.js';
import { testApp } from '../../support/cdk-app.js';

function stackWithFunction(timeout: Duration): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(testApp(), 'interactions-dev-automation');
  const fn = new lambda.Function(stack, 'Fn', {
    functionName: 'interactions-dev-probe',
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    timeout,
  });
  return { stack, fn };
}

describe('lambdaTask', () => {
  it('gives the task more time than its function by default', () => {
    // Prepare
    const { stack, fn } = stackWithFunction(Duration.seconds(60));

    // Act
    const state = lambdaTask(stack, 'Probe', { workflow: 'recovery-test', lambdaFunction: fn }).toStateJson();

    // Assess
    expect((state as { TimeoutSeconds: number }).TimeoutSeconds).toBe(75);
  });

  it('fails naming the state and the prop when the task timeout does not exceed the function timeout', () => {
    const { stack, fn } = stackWithFunction(Duration.seconds(60));
    expect(() =>
      lambdaTask(stack, 'Evaluate backups', {
        workflow: 'backup-verification',
        lambdaFunction: fn,
        timeout: Duration.seconds(60),
      }),
    ).toThrow('lambdaTask "Evaluate backups": timeout (1 minute) must exceed the timeout of its function (1 minute)');
  });
});
