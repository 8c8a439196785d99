/**
 * workflows/common/schedule.ts: the nightly rule and the "once per scheduled event" first state.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { nightlySchedule, oncePerScheduledEvent } from '../../../workflows/common/schedule.js';
import { testApp } from '../../support/cdk-app.js';
import { extractStateMachine } from '../../support/state-machine-harness.js';
import { stackWithFailurePath } from './support.js';

type Statement = { Action: string | string[]; Resource: unknown };

function stackWithMachine() {
  const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const machine = new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Work')),
  });
  return { stack, machine };
}

function ruleTarget(template: Template): Record<string, unknown> {
  const [rule] = Object.values(template.findResources('AWS::Events::Rule')) as {
    Properties: { Targets: Record<string, unknown>[] };
  }[];
  return rule?.Properties.Targets[0] ?? {};
}

describe('nightlySchedule', () => {
  it('starts the state machine with the scheduled event itself by default', () => {
    // Prepare
    const { stack, machine } = stackWithMachine();

    // Act
    nightlySchedule(stack, 'Nightly', { schedule: 'cron(40 3 * * ? *)', stateMachine: machine, description: 'x' });

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(40 3 * * ? *)', State: 'ENABLED' });
    const target = ruleTarget(template);
    expect(target.InputPath).toBe('$');
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 });
  });

  it('wraps the event as { scheduledEvent } with handOver', () => {
    // Prepare
    const { stack, machine } = stackWithMachine();

    // Act
    nightlySchedule(stack, 'Nightly', {
      schedule: 'cron(40 3 * * ? *)',
      stateMachine: machine,
      description: 'x',
      handOver: true,
    });

    // Assess
    expect(ruleTarget(Template.fromStack(stack)).InputTransformer).toEqual({
      InputPathsMap: { f1: '$' },
      InputTemplate: '{"scheduledEvent":<f1>}',
    });
  });

  it('fails when the schedule is not a cron or rate expression, naming it', () => {
    const { stack, machine } = stackWithMachine();
    expect(() =>
      nightlySchedule(stack, 'Nightly', { schedule: '03:40 daily', stateMachine: machine, description: 'x' }),
    ).toThrow('nightlySchedule: schedule must be a cron(...) or rate(...) expression, got "03:40 daily"');
  });
});

describe('oncePerScheduledEvent', () => {
  function build() {
    const { stack, failure } = stackWithFailurePath();
    const first = oncePerScheduledEvent(stack, {
      stateMachineName: 'interactions-dev-snapshot-housekeeping',
      run: new sfn.Pass(stack, 'Select expired snapshots'),
      failure,
    });
    new sfn.StateMachine(stack, 'Machine', {
      stateMachineName: 'interactions-dev-snapshot-housekeeping',
      definitionBody: sfn.DefinitionBody.fromChainable(first),
    });
    const template = Template.fromStack(stack);
    return { template, definition: extractStateMachine(template, { logicalId: 'Machine' }).definition };
  }

  it('starts the run named nightly-<event id> with the event as input, and treats an existing one as a duplicate', () => {
    // Act
    const { definition } = build();

    // Assess
    const states = definition.States as Record<string, Record<string, unknown>>;
    expect(definition.StartAt).toBe('Delivered by the schedule?');
    expect(states['Delivered by the schedule?']).toMatchObject({
      Choices: [{ Variable: '$.scheduledEvent.id', IsPresent: true, Next: 'Start run named from the event' }],
      Default: 'Select expired snapshots',
    });
    const start = states['Start run named from the event'] as {
      Parameters: Record<string, unknown>;
      Catch: { ErrorEquals: string[]; Next: string }[];
      Next: string;
    };
    expect(start.Parameters).toEqual({
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-dev-snapshot-housekeeping',
      'Name.$': "States.Format('nightly-{}', $.scheduledEvent.id)",
      'Input.$': '$.scheduledEvent',
    });
    expect(start.Next).toBe('Handed over');
    expect(start.Catch.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['StepFunctions.ExecutionAlreadyExistsException'], 'Skip duplicate delivery'],
      [['States.ALL'], 'Notify failure'],
    ]);
  });

  it('grants StartExecution on its own state machine only', () => {
    // Act
    const { template } = build();

    // Assess
    const starts = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
      )
      .filter((s) => [s.Action].flat().includes('states:StartExecution'));
    expect(starts).toHaveLength(1);
    expect(JSON.stringify(starts[0]?.Resource)).toContain(':stateMachine:interactions-dev-snapshot-housekeeping');
  });
});
