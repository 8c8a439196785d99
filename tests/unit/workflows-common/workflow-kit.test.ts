import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { lambdaTask } from '../../../workflows/common/lambda-task.js';
import { invokedFunctionArns } from '../../../workflows/common/state-machine.js';
import { requirePositiveInteger, workflowSettings } from '../../../workflows/common/workflow-props.js';
import { testApp } from '../../support/cdk-app.js';

const notify = { envName: 'prod', notifyFunction: {}, functionLogGroup: {} } as never;

describe('workflowSettings', () => {
  it('fills the failure severity from the environment when neither props nor defaults give one', () => {
    // Act
    const prod = workflowSettings('W', notify, { timeout: Duration.hours(1) });
    const dev = workflowSettings('W', { ...(notify as object), envName: 'dev' } as never, {
      timeout: Duration.hours(1),
    });
    // Assess
    expect(prod).toEqual({ timeout: Duration.hours(1), failureSeverity: 'high' });
    expect(dev.failureSeverity).toBe('medium');
  });

  it('fails naming the construct and the prop when the timeout is not positive', () => {
    expect(() =>
      workflowSettings('RecoveryTestWorkflow', { ...(notify as object), timeout: Duration.seconds(0) } as never, {
        timeout: Duration.hours(1),
      }),
    ).toThrow('RecoveryTestWorkflow: timeout must be positive');
  });

  it('rejects a non-integer count naming the prop', () => {
    expect(() => requirePositiveInteger('W', 'retentionDays', 1.5)).toThrow(
      'W: retentionDays must be a positive integer (got 1.5)',
    );
    expect(requirePositiveInteger('W', 'retentionDays', 3)).toBe(3);
  });
});

describe('invokedFunctionArns', () => {
  it('finds the functions of Lambda tasks on the main path, in error handlers and in Parallel branches of a bound definition', () => {
    // Prepare
    const stack = new Stack(testApp(), 'S');
    const fn = (name: string) =>
      lambda.Function.fromFunctionArn(stack, name, `arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    const first = lambdaTask(stack, 'First', { workflow: 'recovery-test', lambdaFunction: fn('first') });
    const handler = lambdaTask(stack, 'On error', { workflow: 'recovery-test', lambdaFunction: fn('handler') });
    first.addCatch(handler);
    const parallel = new sfn.Parallel(stack, 'Both').branch(
      lambdaTask(stack, 'In branch', { workflow: 'recovery-test', lambdaFunction: fn('branch') }),
    );
    first.next(parallel);
    // Parallel branches render once the definition is bound to a state machine, as in AutomationStateMachine.
    new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(first) });
    // Act
    const arns = invokedFunctionArns(first);
    // Assess
    expect(arns.sort()).toEqual([
      'arn:aws:lambda:us-east-1:123456789012:function:branch',
      'arn:aws:lambda:us-east-1:123456789012:function:first',
      'arn:aws:lambda:us-east-1:123456789012:function:handler',
    ]);
  });
});
