import type { Stack } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { StateMachineDefaults } from '../../../infra/safety-rules/index.js';
import { findingsOf, newStack } from './support.js';

/** A state machine whose definition references a function (so the definition is an Fn::Join). */
function machine(stack: Stack, props: Partial<sfn.StateMachineProps> = {}): sfn.StateMachine {
  const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:check');
  const invoke = new tasks.LambdaInvoke(stack, 'Check', { lambdaFunction: fn });
  return new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(invoke.next(new sfn.Succeed(stack, 'Done'))),
    timeout: Duration.hours(1),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'Logs'), level: sfn.LogLevel.ALL },
    ...props,
  });
}

/** A raw state machine with `definition` as an object, logged and traced. */
function rawMachine(stack: Stack, definition: Record<string, unknown>): sfn.CfnStateMachine {
  return new sfn.CfnStateMachine(stack, 'Raw', {
    roleArn: 'arn:aws:iam::123456789012:role/machine',
    definition,
    loggingConfiguration: {
      level: 'ALL',
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:x' } }],
    },
    tracingConfiguration: { enabled: true },
  });
}

const pass = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };

describe('Interactions-StateMachineDefaults', () => {
  describe('Noncompliance', () => {
    it('reports every missing default of a bare state machine', () => {
      // Prepare
      const stack = newStack();
      new sfn.StateMachine(stack, 'Bare', {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')),
      });
      // Act
      const findings = findingsOf(stack, StateMachineDefaults);
      // Assess
      expect(findings).toEqual([
        'Interactions-StateMachineDefaults[LoggingLevelAll]',
        'Interactions-StateMachineDefaults[TimeoutSeconds]',
        'Interactions-StateMachineDefaults[Tracing]',
      ]);
    });

    it('reports logging below ALL', () => {
      const stack = newStack();
      machine(stack, { logs: { destination: new logs.LogGroup(stack, 'ErrorLogs'), level: sfn.LogLevel.ERROR } });
      expect(findingsOf(stack, StateMachineDefaults)).toEqual(['Interactions-StateMachineDefaults[LoggingLevelAll]']);
    });

    it.each([
      ['no destination', []],
      ['a destination without a log group', [{}]],
    ])('reports logging level ALL with %s', (_case, destinations) => {
      // Prepare
      const stack = newStack();
      rawMachine(stack, { ...pass, TimeoutSeconds: 60 }).loggingConfiguration = { level: 'ALL', destinations };
      // Act
      const findings = findingsOf(stack, StateMachineDefaults);
      // Assess
      expect(findings).toEqual(['Interactions-StateMachineDefaults[LoggingLevelAll]']);
    });

    it('reports JSONata at the top of the definition', () => {
      const stack = newStack();
      new sfn.StateMachine(stack, 'Jsonata', {
        definitionBody: sfn.DefinitionBody.fromChainable(sfn.Pass.jsonata(stack, 'P')),
        queryLanguage: sfn.QueryLanguage.JSONATA,
        timeout: Duration.minutes(5),
        tracingEnabled: true,
        logs: { destination: new logs.LogGroup(stack, 'Logs'), level: sfn.LogLevel.ALL },
      });
      expect(findingsOf(stack, StateMachineDefaults)).toEqual(['Interactions-StateMachineDefaults[QueryLanguage]']);
    });

    it('reports JSONata on a state inside a Parallel branch', () => {
      const stack = newStack();
      const branch = { StartAt: 'X', States: { X: { Type: 'Pass', QueryLanguage: 'JSONata', End: true } } };
      rawMachine(stack, {
        TimeoutSeconds: 60,
        StartAt: 'Both',
        States: { Both: { Type: 'Parallel', Branches: [pass, branch], End: true } },
      });
      expect(findingsOf(stack, StateMachineDefaults)).toEqual(['Interactions-StateMachineDefaults[QueryLanguage]']);
    });

    it('reports a definition that cannot be read at synth', () => {
      const stack = newStack();
      new sfn.CfnStateMachine(stack, 'FromS3', {
        roleArn: 'arn:aws:iam::123456789012:role/machine',
        definitionS3Location: { bucket: 'definitions', key: 'machine.json' },
        loggingConfiguration: { level: 'ALL', destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:x' } }] },
        tracingConfiguration: { enabled: true },
      });
      expect(findingsOf(stack, StateMachineDefaults)).toEqual(['Interactions-StateMachineDefaults[Definition]']);
    });

    it('reports a timeout that is not a positive whole number of seconds', () => {
      const stack = newStack();
      rawMachine(stack, { ...pass, TimeoutSeconds: 0 });
      expect(findingsOf(stack, StateMachineDefaults)).toEqual(['Interactions-StateMachineDefaults[TimeoutSeconds]']);
    });
  });

  describe('Compliance', () => {
    it('accepts a state machine with timeout, logging ALL, tracing and JSONPath (definition with references)', () => {
      const stack = newStack();
      machine(stack);
      expect(findingsOf(stack, StateMachineDefaults)).toEqual([]);
    });

    it('accepts JSONPath written explicitly, top and state level', () => {
      const stack = newStack();
      rawMachine(stack, {
        QueryLanguage: 'JSONPath',
        TimeoutSeconds: 3600,
        StartAt: 'Done',
        States: { Done: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } },
      });
      expect(findingsOf(stack, StateMachineDefaults)).toEqual([]);
    });
  });
});
