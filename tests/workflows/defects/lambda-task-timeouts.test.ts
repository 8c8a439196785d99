/**
 * Defects: `Lambda.ClientExecutionTimeoutException` (the invoke call itself timed out) was not
 * retried, and a task could give up on its function at the moment the function's own timeout fired.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { lambdaTask } from '../../../workflows/common/lambda-task.js';
import { AutomationStateMachine } from '../../../workflows/common/state-machine.js';
import { extractStateMachine, runStateMachine } from '../../support/state-machine-harness.js';

function stackWithFunction(timeout: Duration): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(new App(), 'interactions-dev-automation');
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
  it('retries an invoke that timed out on the client side, then continues', async () => {
    // Prepare
    const { stack, fn } = stackWithFunction(Duration.seconds(30));
    const task = lambdaTask(stack, 'Probe', { workflow: 'recovery-test', lambdaFunction: fn });
    new AutomationStateMachine(stack, 'Machine', {
      envName: 'dev',
      workflow: 'recovery-test',
      definition: task.next(new sfn.Succeed(stack, 'Done')),
      timeout: Duration.minutes(5),
      logGroup: new logs.LogGroup(stack, 'Logs'),
    });
    const sm = extractStateMachine(stack, { name: 'interactions-dev-recovery-test' });

    // Act
    const result = await runStateMachine(sm, {
      input: {},
      mocks: {
        Probe: [
          { Throw: { Error: 'Lambda.ClientExecutionTimeoutException', Cause: 'Client execution did not complete' } },
          { Return: { ok: true } },
        ],
      },
    });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.retries.Probe).toBe(1);
  });

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
