/**
 * The workflow harness itself, exercised on a sample state machine shaped like ours
 * (tests/support/harness/fixtures/sample-workflow-stack.ts) and run with its real handlers.
 */
import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { testApp } from '../support/cdk-app.js';
import { prepareSnapshot, summarizeTarget } from '../support/harness/fixtures/sample-handlers.js';
import {
  buildSampleWorkflowStack,
  PREPARE_FUNCTION_NAME,
  SAMPLE_STATE_MACHINE_NAME,
  THROTTLING_ERROR,
} from '../support/harness/fixtures/sample-workflow-stack.js';
import {
  type ExtractedStateMachine,
  extractStateMachine,
  HarnessError,
  type InlineMocks,
  type LambdaHandler,
  type MockConfigFile,
  type RunResult,
  runStateMachine,
  validateDefinition,
} from '../support/state-machine-harness.js';
import { handlerModulePath, invokedFunctionNames } from '../support/testbed/handlers.js';
import { workflowTestbed } from '../support/workflow-testbed.js';

const INPUT = { dbInstanceIdentifier: 'interactions-dev-postgres', targets: ['us-west-2', 'eu-west-1'] };
const SNAPSHOT = 'interactions-dev-postgres-drill-42';
const LAMBDAS: Record<string, LambdaHandler> = { [PREPARE_FUNCTION_NAME]: prepareSnapshot };

const available = { Return: { DbSnapshots: [{ DBSnapshotIdentifier: SNAPSHOT, Status: 'available' }] } };
const creating = { Return: { DbSnapshots: [{ DBSnapshotIdentifier: SNAPSHOT, Status: 'creating' }] } };
const published = { Return: { MessageId: 'message-1' } };
const throttled = { Throw: { Error: THROTTLING_ERROR, Cause: 'Rate exceeded' } };

const HAPPY_PATH = [
  'Prepare snapshot',
  'Create snapshot',
  'Wait for snapshot',
  'Describe snapshot',
  'Snapshot available?',
  'Wait for snapshot',
  'Describe snapshot',
  'Snapshot available?',
  'Verify snapshot',
  'Check encryption',
  'Check tags',
  'Report per target',
  'Summarize target',
  'Summarize target',
  'Snapshot ready',
];

let sm: ExtractedStateMachine;

beforeAll(() => {
  const { template } = buildSampleWorkflowStack();
  // The summarize function has no physical name: its handler is keyed by its logical id (prefix).
  sm = extractStateMachine(template, { name: SAMPLE_STATE_MACHINE_NAME });
  const summarizeId = sm.functions.find((f) => f.logicalId.startsWith('SummarizeTargetFunction'))?.logicalId;
  Object.assign(LAMBDAS, { [summarizeId ?? 'missing']: summarizeTarget });
});

function run(mocks: InlineMocks | Parameters<typeof runStateMachine>[1]['mocks'], input: unknown = INPUT) {
  return runStateMachine(sm, { input, executionName: 'drill-42', lambdas: LAMBDAS, mocks });
}

describe('extractStateMachine', () => {
  test('resolves the definition with fake, well-formed ARNs', () => {
    // Prepare / Act
    const prepare = sm.definition.States['Prepare snapshot'] as unknown as {
      Resource: string;
      Parameters: { FunctionName: string };
    };
    const notify = sm.definition.States['Notify failure'] as unknown as {
      Resource: string;
      Parameters: { TopicArn: string };
    };
    const summarize = (
      sm.definition.States['Report per target'] as unknown as {
        ItemProcessor: { States: Record<string, { Resource: string }> };
      }
    ).ItemProcessor.States['Summarize target'];

    // Assess
    expect(sm.name).toBe(SAMPLE_STATE_MACHINE_NAME);
    expect(sm.definition.TimeoutSeconds).toBe(3600);
    expect(prepare.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(prepare.Parameters.FunctionName).toBe(
      `arn:aws:lambda:us-east-1:123456789012:function:${PREPARE_FUNCTION_NAME}`,
    );
    expect(summarize?.Resource).toMatch(
      /^arn:aws:lambda:us-east-1:123456789012:function:SummarizeTargetFunction[0-9A-F]{8}$/,
    );
    expect(notify.Resource).toBe('arn:aws:states:::sns:publish');
    expect(notify.Parameters.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:harness-sample-alerts');
  });

  test('selects by logical id prefix, and fails when the selection matches nothing', () => {
    const { stack } = buildSampleWorkflowStack();
    expect(extractStateMachine(stack, { logicalId: 'SnapshotStateMachine' }).name).toBe(SAMPLE_STATE_MACHINE_NAME);
    expect(() => extractStateMachine(stack, { name: 'nope' })).toThrow(
      /exactly one state machine matching .*nope.* found 0\. State machines in the template: SnapshotStateMachine[0-9A-F]{8} \(harness-sample-snapshot\)/,
    );
  });

  test('fails when the definition uses JSONata', () => {
    // Prepare
    const stack = new Stack(testApp(), 'JsonataStack');
    new sfn.StateMachine(stack, 'Jsonata', {
      stateMachineName: 'jsonata-machine',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(
        new sfn.Pass(stack, 'Shape', { outputs: { a: '{% $states.input.a %}' } }),
      ),
    });

    // Act / Assess
    expect(() => extractStateMachine(stack)).toThrow(/jsonata-machine uses QueryLanguage JSONata at \$.*Use JSONPath/);
    const raw = { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Succeed' } } };
    expect(() => validateDefinition(raw)).toThrow(/JSONata/);
    return expect(runStateMachine({ name: 'raw', definition: raw }, { input: {} })).rejects.toThrow(/JSONata/);
  });
});

describe('validateDefinition', () => {
  test('accepts the synthesized definition', () => {
    expect(() => validateDefinition(sm.definition)).not.toThrow();
  });

  test('fails listing the errors of a broken definition', () => {
    const broken = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } };
    expect(() => validateDefinition(broken)).toThrow(/State machine definition is invalid:\n.*Missing/);
  });
});

describe('runStateMachine on the sample workflow', () => {
  test('success: real handlers, polling until available, Parallel and Map', async () => {
    // Act
    const result = await run({ 'Create snapshot': { Return: {} }, 'Describe snapshot': [creating, available] });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(HAPPY_PATH);
    expect(result.transitions).toBe(15);
    expect(result.output).toMatchObject({
      snapshot: { name: SNAPSHOT, dbInstanceIdentifier: INPUT.dbInstanceIdentifier, targets: INPUT.targets },
      describe: { status: 'available' },
      verification: [{ encrypted: true }, { tagged: true }],
      report: [
        { target: 'us-west-2', line: `${SNAPSHOT} -> us-west-2` },
        { target: 'eu-west-1', line: `${SNAPSHOT} -> eu-west-1` },
      ],
    });
    expect(result.lambdaInvocations.map((i) => [i.state, i.functionName, i.mocked])).toEqual([
      ['Prepare snapshot', PREPARE_FUNCTION_NAME, false],
      ['Summarize target', expect.stringMatching(/^SummarizeTargetFunction/), false],
      ['Summarize target', expect.stringMatching(/^SummarizeTargetFunction/), false],
    ]);
    // $$.Execution.Name reached the handler through the payload.
    expect(result.lambdaInvocations[0]?.payload).toEqual({ ...INPUT, executionName: 'drill-42' });
    expect(result.sdkCalls).toEqual([
      {
        state: 'Create snapshot',
        resource: 'arn:aws:states:::aws-sdk:rds:createDBSnapshot',
        parameters: { DbInstanceIdentifier: INPUT.dbInstanceIdentifier, DbSnapshotIdentifier: SNAPSHOT },
      },
      {
        state: 'Describe snapshot',
        resource: 'arn:aws:states:::aws-sdk:rds:describeDBSnapshots',
        parameters: { DbSnapshotIdentifier: SNAPSHOT },
      },
      {
        state: 'Describe snapshot',
        resource: 'arn:aws:states:::aws-sdk:rds:describeDBSnapshots',
        parameters: { DbSnapshotIdentifier: SNAPSHOT },
      },
    ]);
    expect(result.virtualSeconds).toBe(600);
  });

  test('throttling is retried with backoff, without sleeping, then succeeds', async () => {
    // Act
    const result = await run({
      'Create snapshot': { Return: {} },
      'Describe snapshot': [throttled, throttled, available],
    });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual([...HAPPY_PATH.slice(0, 5), ...HAPPY_PATH.slice(8)]);
    expect(result.sdkCalls.filter((c) => c.state === 'Describe snapshot')).toHaveLength(3);
    expect(result.retries).toEqual({ 'Describe snapshot': 2 });
    // 300 s wait + retry pauses of 2 s and 4 s (jitter counted at its maximum), none slept.
    expect(result.virtualSeconds).toBe(306);
    expect(result.durationMs).toBeLessThan(5000);
  });

  test('throttling beyond MaxAttempts goes to the catch-all: cleanup, notify, fail', async () => {
    const result = await run({
      'Create snapshot': { Return: {} },
      'Describe snapshot': throttled,
      'Clean up snapshot': { Return: {} },
      'Notify failure': published,
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(THROTTLING_ERROR);
    expect(result.cause).toBe('Rate exceeded');
    expect(result.retries).toEqual({ 'Describe snapshot': 4 });
    expect(result.path).toEqual([...HAPPY_PATH.slice(0, 4), 'Clean up snapshot', 'Notify failure', 'Workflow failed']);
    expect(result.sdkCalls.map((c) => c.state)).toEqual([
      'Create snapshot',
      ...Array(5).fill('Describe snapshot'),
      'Clean up snapshot',
      'Notify failure',
    ]);
  });

  test('a ValidationError thrown by the real handler is caught to the failure path', async () => {
    // Act
    const result = await run({ 'Notify failure': published }, { ...INPUT, dbInstanceIdentifier: 'Bad_Name' });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual(['Prepare snapshot', 'Notify failure', 'Workflow failed']);
    expect(result.error).toBe('ValidationError');
    const cause = JSON.parse(result.cause ?? '{}');
    expect(cause).toMatchObject({
      errorType: 'ValidationError',
      errorMessage: expect.stringMatching(/^dbInstanceIdentifier: must match/),
    });
    expect(Array.isArray(cause.trace)).toBe(true);
    expect(result.retries).toEqual({});
    const notify = result.sdkCalls.find((c) => c.state === 'Notify failure');
    expect(notify?.parameters).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:harness-sample-alerts',
      Message: { Error: 'ValidationError', Cause: result.cause },
    });
  });

  test('a snapshot that ends failed is cleaned up, notified and fails with a built message', async () => {
    const failedSnapshot = { Return: { DbSnapshots: [{ Status: 'failed' }] } };
    const result = await run({
      'Create snapshot': { Return: {} },
      'Describe snapshot': [failedSnapshot],
      'Clean up snapshot': { Return: {} },
      'Notify failure': published,
    });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual([
      ...HAPPY_PATH.slice(0, 5),
      'Snapshot failed',
      'Clean up snapshot',
      'Notify failure',
      'Workflow failed',
    ]);
    expect(result.error).toBe('SnapshotFailed');
    expect(result.cause).toBe(`Snapshot ${SNAPSHOT} ended in status failed`);
    expect(result.sdkCalls.find((c) => c.state === 'Clean up snapshot')?.parameters).toEqual({
      DbSnapshotIdentifier: SNAPSHOT,
    });
  });

  test('a mocked Lambda wins over the handler and simulates service errors (retried, then caught)', async () => {
    const result = await run({
      'Prepare snapshot': { Throw: { Error: 'Lambda.ServiceException', Cause: 'Service unavailable' } },
      'Notify failure': published,
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Lambda.ServiceException');
    expect(result.path).toEqual(['Prepare snapshot', 'Notify failure', 'Workflow failed']);
    // CDK's LambdaInvoke default: 6 retries on Lambda service errors, so 7 attempts.
    expect(result.retries).toEqual({ 'Prepare snapshot': 6 });
    expect(result.lambdaInvocations).toHaveLength(7);
    expect(result.lambdaInvocations.every((i) => i.mocked && i.error?.Error === 'Lambda.ServiceException')).toBe(true);
  });

  test('fails loudly when an SDK integration has no mocked response, even under a catch-all', async () => {
    const attempt = run({ 'Create snapshot': { Return: {} } });

    await expect(attempt).rejects.toThrow(HarnessError);
    await expect(attempt).rejects.toThrow(
      'Task state "Describe snapshot" calls arn:aws:states:::aws-sdk:rds:describeDBSnapshots but the test case has no mocked response',
    );
  });

  test('fails loudly when a mock runs out of responses', async () => {
    await expect(run({ 'Create snapshot': { Return: {} }, 'Describe snapshot': [creating] })).rejects.toThrow(
      'State "Describe snapshot" was invoked 2 time(s) but its inline mock covers only 1 invocation(s)',
    );
  });

  test('fails loudly when a Lambda task has neither a handler nor a mock', async () => {
    await expect(runStateMachine(sm, { input: INPUT, lambdas: {}, mocks: {} })).rejects.toThrow(
      `Task state "Prepare snapshot" invokes Lambda function "${PREPARE_FUNCTION_NAME}" but no handler was given`,
    );
  });

  test('a polling loop that outlives the state machine timeout times out (virtual clock)', async () => {
    // Prepare: Step Functions Local's mock config file shape.
    const config: MockConfigFile = {
      StateMachines: {
        [SAMPLE_STATE_MACHINE_NAME]: {
          TestCases: { StuckCreating: { 'Create snapshot': 'CreateOk', 'Describe snapshot': 'AlwaysCreating' } },
        },
      },
      MockedResponses: { CreateOk: { '0': { Return: {} } }, AlwaysCreating: { '0-49': creating } },
    };

    // Act
    const result = await run({ config, testCase: 'StuckCreating' });

    // Assess: 12 polls of 300 s fit in the hour; the 13th wait exceeds it.
    const loop = ['Wait for snapshot', 'Describe snapshot', 'Snapshot available?'];
    expect(result.status).toBe('TIMED_OUT');
    expect(result.error).toBe('States.Timeout');
    expect(result.path).toEqual([
      'Prepare snapshot',
      'Create snapshot',
      ...Array(12).fill(loop).flat(),
      'Wait for snapshot',
    ]);
    expect(result.sdkCalls.filter((c) => c.state === 'Describe snapshot')).toHaveLength(12);
    expect(result.virtualSeconds).toBe(3900);
    expect(result.output).toBeUndefined();
  });
});

describe('runStateMachine on hand-written definitions', () => {
  const slowDefinition = {
    StartAt: 'Slow task',
    States: {
      'Slow task': {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:slow-function',
        TimeoutSeconds: 30,
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Timed out' }],
        End: true,
      },
      'Timed out': { Type: 'Pass', End: true },
    },
  };
  const slow = (ms: number) => async () => new Promise((resolve) => setTimeout(() => resolve({ done: true }), ms));

  test("a Task slower than its scaled TimeoutSeconds fails with States.Timeout, caught by the state's Catch", async () => {
    const result = await runStateMachine(
      { name: 'slow', definition: slowDefinition },
      { input: {}, lambdas: { 'slow-function': slow(300) }, taskTimeoutScale: 0.001 },
    );

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['Slow task', 'Timed out']);
    expect(result.output).toEqual({ error: { Error: 'States.Timeout', Cause: 'Task timed out after 30 s (scaled)' } });
  });

  test('a Task within its scaled TimeoutSeconds returns the direct Lambda result', async () => {
    const result = await runStateMachine(
      { name: 'slow', definition: slowDefinition },
      { input: {}, lambdas: { 'slow-function': slow(1) }, taskTimeoutScale: 1 },
    );

    expect(result.path).toEqual(['Slow task']);
    expect(result.output).toEqual({ done: true });
  });
});

// The testbed on its smallest real case: the on-demand snapshot workflow failing validation, and
// one succeeding with a verify handler replaced to break the contract.
const bed = workflowTestbed({ workflow: 'on-demand-snapshot', env: 'dev' });
const malformed = { snapshotName: 'Bad--Name', requestedBy: 'alice' };

/** A run result shaped like the harness's, for the matchers alone. */
function fakeRun(over: Partial<Pick<RunResult, 'status' | 'error' | 'cause' | 'path' | 'lambdaInvocations'>>) {
  return { status: 'SUCCEEDED' as const, path: [], lambdaInvocations: [], ...over };
}

describe('workflow testbed', () => {
  test('finds the handler of every function the definition invokes, by the functions/<name> convention', () => {
    // Act
    const functions = invokedFunctionNames(bed.sm.definition);

    // Assess
    expect(functions).toEqual([
      'interactions-dev-guarded-delete-snapshot',
      'interactions-dev-notify-outcome',
      'interactions-dev-validate-snapshot-request',
      'interactions-dev-verify-db-snapshot',
    ]);
    expect(handlerModulePath('interactions-dev-verify-db-snapshot', 'dev')).toMatch(
      /functions\/verify-db-snapshot\/handler\.ts$/,
    );
  });

  test('names the missing handler file or the naming rule a function breaks', () => {
    expect(() => handlerModulePath('interactions-dev-no-such-function', 'dev')).toThrow(
      /no handler at .*functions\/no-such-function\/handler\.ts/,
    );
    expect(() => handlerModulePath('interactions-prod-verify-db-snapshot', 'dev')).toThrow(
      /not named interactions-dev-<name>/,
    );
  });

  test('runs the real handlers in the environment it set, and files the failure report in its local S3', async () => {
    // Act
    const run = await bed.run({ input: malformed, executionName: 'testbed-1' });

    // Assess
    expect(run).toHaveFailedWith('ValidationError', 'request.snapshotName');
    expect(run).toHaveNotified({ environment: 'dev', status: 'FAILED', error: 'ValidationError' });
    expect(await bed.report(run)).toMatchObject({ status: 'FAILED', environment: 'dev' });
    // dev's failure severity is low (config automation.failureSeverity).
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.low]);
    expect(run.output).toBeUndefined();
  });

  test('fails the test with the contract and the offending field when a successful output breaks the contract', async () => {
    // Prepare: a verify handler that passes a snapshot the contract forbids (not encrypted)
    const snapshot = {
      id: 'interactions-pre-migration',
      arn: null,
      status: 'available',
      encrypted: false,
      allocatedStorageGiB: 20,
      sourceInstance: 'interactions-dev-postgres',
      createdAt: null,
    };
    const mocks = {
      'Describe database': { Return: { DbInstances: [{ AllocatedStorage: 20 }] } },
      'Check snapshot quota': {
        Return: { AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 1, Max: 100 }] },
      },
      'Create snapshot': { Return: { DbSnapshot: { DbSnapshotIdentifier: 'x', DbSnapshotArn: 'arn:x' } } },
      'Describe snapshot': { Return: { DbSnapshots: [{ Status: 'available' }] } },
    };
    const lambdas = { 'interactions-dev-verify-db-snapshot': () => ({ passed: true, checks: [], snapshot }) };

    // Act
    const running = bed.run({
      input: { snapshotName: 'interactions-pre-migration', requestedBy: 'alice' },
      mocks,
      lambdas,
    });

    // Assess
    await expect(running).rejects.toThrow(
      /on-demand-snapshot output does not match its contract \(workflows\/on-demand-snapshot\/contract\.ts\):\n {2}- snapshot\.encrypted: /,
    );
  });

  describe('milestone matchers', () => {
    const path = ['Validate request', 'Create snapshot', 'Verify snapshot', 'Notify success'];

    test('toHavePassedThrough holds for states in order with others between, and not out of order', () => {
      expect(fakeRun({ path })).toHavePassedThrough('Validate request', 'Verify snapshot');
      expect(fakeRun({ path })).not.toHavePassedThrough('Verify snapshot', 'Create snapshot');
      expect(fakeRun({ path })).not.toHavePassedThrough('Delete snapshot');
      expect(() => expect(fakeRun({ path })).toHavePassedThrough('Delete snapshot')).toThrow(
        /to pass through "Delete snapshot"[\s\S]*path: "Validate request" -> "Create snapshot"/,
      );
    });

    test('toHaveEndedWith compares the last states exactly', () => {
      expect(fakeRun({ path })).toHaveEndedWith('Verify snapshot', 'Notify success');
      expect(fakeRun({ path })).not.toHaveEndedWith('Create snapshot', 'Notify success');
    });

    test('toHaveFailedWith checks the status, the error and part of the cause, and shows them when it fails', () => {
      const failed = fakeRun({ status: 'FAILED', error: 'QuotaExceededError', cause: '100 of 100 used', path });
      expect(failed).toHaveFailedWith('QuotaExceededError', '100 of 100');
      expect(failed).not.toHaveFailedWith('QuotaExceededError', '5 of 100');
      expect(fakeRun({ path })).not.toHaveFailedWith('QuotaExceededError');
      expect(() => expect(failed).toHaveSucceeded()).toThrow(
        /status FAILED, error QuotaExceededError, cause 100 of 100/,
      );
    });

    test('toHaveNotified matches a subset of a notify-outcome payload, nested objects included', () => {
      const notified = fakeRun({
        lambdaInvocations: [
          {
            state: 'Notify failure',
            functionName: 'interactions-dev-notify-outcome',
            payload: { status: 'FAILED', severity: 'high', details: { snapshot: { id: 'a', arn: 'b' } } },
            mocked: true,
          },
          { state: 'Verify snapshot', functionName: 'interactions-dev-verify-db-snapshot', payload: {}, mocked: false },
        ],
      });
      expect(notified).toHaveNotified({ status: 'FAILED', details: { snapshot: { id: 'a' } } });
      expect(notified).not.toHaveNotified({ status: 'SUCCEEDED' });
      expect(fakeRun({})).not.toHaveNotified({});
    });
  });
});
