/**
 * workflows/common/nested-execution.ts: the start of a nested execution named from its trigger, with
 * its retry, its "already started" route, its catch-all and its grant on the target only.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EXECUTION_ALREADY_EXISTS, NestedExecution } from '../../../workflows/common/nested-execution.js';
import { START_EXECUTION_TRANSIENT_ERRORS } from '../../../workflows/common/retry.js';
import { extractStateMachine } from '../../support/state-machine-harness.js';
import { stackWithFailurePath } from './support.js';

type Statement = { Action: string | string[]; Resource: unknown };
type TaskState = {
  Resource: string;
  Parameters: Record<string, unknown>;
  Retry: { ErrorEquals: string[]; JitterStrategy?: string }[];
  Catch: { ErrorEquals: string[]; Next: string; ResultPath: string }[];
  TimeoutSeconds?: number;
  Next: string;
};

interface BuildOptions {
  readonly waitForCompletion?: boolean;
  readonly executionName?: string;
  /** Route errors to a "Record run failed" state instead of the failure path. */
  readonly recordFailure?: boolean;
}

function build(options: BuildOptions = {}) {
  const { stack, failure } = stackWithFailurePath();
  const target = sfn.StateMachine.fromStateMachineName(stack, 'Target', 'interactions-dev-cache-snapshot');
  const nested = new NestedExecution(stack, 'Nested', {
    stateName: 'Snapshot cache',
    stateMachine: target,
    executionName: options.executionName ?? sfn.JsonPath.format('nightly-{}', sfn.JsonPath.stringAt('$.id')),
    input: sfn.TaskInput.fromObject({ requestedBy: 'snapshot-housekeeping' }),
    waitForCompletion: options.waitForCompletion,
    resultPath: '$.cacheSnapshot',
    taskTimeout: options.waitForCompletion === true ? Duration.minutes(75) : undefined,
    alreadyStarted: new sfn.Pass(stack, 'Record already started'),
    alreadyStartedResultPath: '$.duplicate',
    failure,
    recordFailure:
      options.recordFailure === true
        ? { next: new sfn.Pass(stack, 'Record run failed'), resultPath: '$.runError' }
        : undefined,
  });
  nested.next(new sfn.Succeed(stack, 'Done'));
  new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(nested) });
  const template = Template.fromStack(stack);
  const definition = extractStateMachine(template, { logicalId: 'Machine' }).definition;
  return { template, state: definition.States['Snapshot cache'] as unknown as TaskState };
}

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

describe('NestedExecution', () => {
  it('starts the target under the given name, retrying transient errors with jitter', () => {
    // Act
    const { state } = build();

    // Assess
    expect(state.Resource).toBe('arn:aws:states:::states:startExecution');
    expect(state.Parameters).toMatchObject({
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-dev-cache-snapshot',
      'Name.$': "States.Format('nightly-{}', $.id)",
    });
    expect(state.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: START_EXECUTION_TRANSIENT_ERRORS, JitterStrategy: 'FULL' }),
    ]);
    expect(state.Next).toBe('Done');
  });

  it('routes an execution name that already exists to alreadyStarted, every other error to the failure path', () => {
    // Act
    const { state } = build();

    // Assess
    expect(state.Catch.map((c) => [c.ErrorEquals, c.Next, c.ResultPath])).toEqual([
      [[EXECUTION_ALREADY_EXISTS], 'Record already started', '$.duplicate'],
      [['States.ALL'], 'Notify failure', '$.error'],
    ]);
  });

  it('awaits the nested execution with waitForCompletion, under the given state timeout', () => {
    // Act
    const { state } = build({ waitForCompletion: true });

    // Assess
    expect(state.Resource).toMatch(/^arn:aws:states:::states:startExecution\.sync/);
    expect(state.TimeoutSeconds).toBe(75 * 60);
  });

  it('grants StartExecution on the target state machine only', () => {
    // Act
    const { template } = build();

    // Assess
    const starts = statements(template).filter((s) => [s.Action].flat().includes('states:StartExecution'));
    expect(starts).toHaveLength(1);
    expect(starts[0]?.Resource).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-dev-cache-snapshot',
    );
  });

  it('grants Describe and Stop on the target machine executions only when awaited', () => {
    // Act
    const { template } = build({ waitForCompletion: true });

    // Assess
    const follow = statements(template).filter((s) => [s.Action].flat().includes('states:DescribeExecution'));
    expect(follow).toHaveLength(1);
    expect(JSON.stringify(follow[0]?.Resource)).toContain(':execution:interactions-dev-cache-snapshot*');
  });

  it("records an awaited run's own failure, and sends the task's timeout (a run still going) to the failure path", () => {
    // Act
    const { state } = build({ waitForCompletion: true, recordFailure: true });

    // Assess: the timeout is named before States.TaskFailed, which in AWS matches every error but it.
    expect(state.Catch.map((c) => [c.ErrorEquals, c.Next, c.ResultPath])).toEqual([
      [[EXECUTION_ALREADY_EXISTS], 'Record already started', '$.duplicate'],
      [['States.Timeout'], 'Notify failure', '$.error'],
      [['States.TaskFailed'], 'Record run failed', '$.runError'],
      [['States.ALL'], 'Notify failure', '$.error'],
    ]);
  });

  it('fails when recordFailure is given for a run that is not awaited', () => {
    expect(() => build({ recordFailure: true })).toThrow(
      'NestedExecution Nested: recordFailure needs waitForCompletion',
    );
  });

  it('fails naming the fragment when the execution name is empty', () => {
    expect(() => build({ executionName: ' ' })).toThrow('NestedExecution Nested: executionName must not be empty');
  });
});
