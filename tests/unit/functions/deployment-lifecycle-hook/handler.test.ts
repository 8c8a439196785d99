/**
 * The blue/green gate with ECS's own hook payloads (tests/fixtures, from the ECS developer guide),
 * moved onto a staging service: start, IN_PROGRESS, SUCCEEDED, FAILED, rollback, duplicates and
 * malformed events. Step Functions and ECS are mocked with aws-sdk-client-mock.
 */
import { DescribeServiceRevisionsCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/deployment-lifecycle-hook/handler.js';
import { deploymentVerificationInputSchema } from '../../../../workflows/deployment-verification/contract.js';
import { readFixture } from '../../../support/fixtures.js';

const sfnMock = mockClient(SFNClient);
const ecsMock = mockClient(ECSClient);
const sfn = new SFNClient({ region: 'us-east-1' });
const ecs = new ECSClient({ region: 'us-east-1' });

const ACCOUNT = '123456789012';
const STATE_MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:interactions-staging-deployment-verification`;
const EXECUTION_NAME = 'lifecycle-hook-backend-EZe5RNVLH6PPzHXINuP28';
const EXECUTION = `arn:aws:states:us-east-1:${ACCOUNT}:execution:interactions-staging-deployment-verification:${EXECUTION_NAME}`;
const TASK_DEFINITION = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/interactions-staging-backend:42`;
const TARGET_GROUPS = {
  backend: [
    `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/backend-blue/0123456789abcdef`,
    `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/backend-green/fedcba9876543210`,
  ],
  frontend: [
    `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/frontend-blue/0123456789abcdef`,
    `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/frontend-green/fedcba9876543210`,
  ],
};
const ENV = {
  ENVIRONMENT: 'staging',
  AWS_REGION: 'us-east-1',
  STATE_MACHINE_ARN: STATE_MACHINE,
  TEST_URL: 'http://interactions-staging-123.us-east-1.elb.amazonaws.com:8080',
  BACKEND_TARGET_GROUP_ARNS: TARGET_GROUPS.backend.join(','),
  FRONTEND_TARGET_GROUP_ARNS: TARGET_GROUPS.frontend.join(','),
  CALLBACK_DELAY_SECONDS: '45',
};
const handler = createHandler({ env: ENV, clients: { sfn: () => sfn, ecs: () => ecs } });
const context = { functionName: 'interactions-staging-deployment-lifecycle-hook', awsRequestId: 'r1' } as Context;

/** A fixture of the ECS guide (cluster `my-cluster`, service `my-service`, us-west-2) moved onto `service` in staging. */
function hookEvent(fixture: string, service = 'interactions-staging-backend'): Record<string, unknown> {
  const text = JSON.stringify(readFixture(`ecs-lifecycle-hook-${fixture}.awsdocs.json`))
    .replaceAll('us-west-2', 'us-east-1')
    .replaceAll('my-cluster/my-service', `interactions-staging/${service}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const GREEN_REVISION = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-revision/interactions-staging/interactions-staging-backend/9313423515462893900`;

function verificationOutput(verdict: 'passed' | 'failed'): string {
  return JSON.stringify({
    verdict,
    summary: verdict === 'passed' ? 'All 9 checks passed' : '1 of 9 checks failed: http:health answered 503',
    trigger: 'lifecycle-hook',
    checks: [{ name: 'http:health', status: verdict === 'passed' ? 'pass' : 'fail', durationMs: 12, finding: 'x' }],
    report: { json: 's3://reports/r.json', markdown: 's3://reports/r.md' },
  });
}

const notStarted = Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' });

beforeEach(() => {
  sfnMock.reset();
  ecsMock.reset();
  ecsMock.on(DescribeServiceRevisionsCommand).resolves({
    serviceRevisions: [{ serviceRevisionArn: GREEN_REVISION, taskDefinition: TASK_DEFINITION }],
    failures: [],
  });
});

describe('deployment-lifecycle-hook at POST_TEST_TRAFFIC_SHIFT', () => {
  it('starts the verification of the green revision on the test listener and answers IN_PROGRESS', async () => {
    // Prepare
    sfnMock.on(DescribeExecutionCommand).rejects(notStarted);
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

    // Act
    const answer = await handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context);

    // Assess
    expect(answer).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 45 });
    expect(ecsMock.commandCalls(DescribeServiceRevisionsCommand)[0]?.args[0].input).toEqual({
      serviceRevisionArns: [GREEN_REVISION],
    });
    const starts = sfnMock.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    const start = starts[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(STATE_MACHINE);
    expect(start?.name).toBe(EXECUTION_NAME);
    const input = deploymentVerificationInputSchema.parse(JSON.parse(start?.input ?? ''));
    expect(input).toEqual({
      trigger: 'lifecycle-hook',
      requestedBy: `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/interactions-staging/interactions-staging-backend/EZe5RNVLH6PPzHXINuP28`,
      expected: { backendTaskDefinition: TASK_DEFINITION },
      targetUrl: ENV.TEST_URL,
      targetGroupArns: TARGET_GROUPS.backend,
    });
  });

  it("expects the frontend's task definition and target groups for a frontend deployment", async () => {
    // Prepare
    sfnMock.on(DescribeExecutionCommand).rejects(notStarted);
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    const frontendTaskDefinition = TASK_DEFINITION.replace('backend', 'frontend');
    ecsMock
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ taskDefinition: frontendTaskDefinition }] });

    // Act
    await handler(hookEvent('POST_TEST_TRAFFIC_SHIFT', 'interactions-staging-frontend'), context);

    // Assess
    const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe('lifecycle-hook-frontend-EZe5RNVLH6PPzHXINuP28');
    expect(JSON.parse(start?.input ?? '')).toMatchObject({
      expected: { frontendTaskDefinition },
      targetGroupArns: TARGET_GROUPS.frontend,
    });
  });

  it('answers IN_PROGRESS without starting again while the verification runs', async () => {
    // Prepare
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION, status: 'RUNNING', startDate: new Date() } as never);

    // Act
    const answer = await handler(hookEvent('POST_TEST_TRAFFIC_SHIFT-hookDetails'), context);

    // Assess
    expect(answer).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 45 });
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: EXECUTION });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers SUCCEEDED when the verification passed', async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION, status: 'SUCCEEDED', output: verificationOutput('passed') } as never);

    await expect(handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context)).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers FAILED when a check failed, so ECS rolls back before production traffic', async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION, status: 'SUCCEEDED', output: verificationOutput('failed') } as never);

    await expect(handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context)).resolves.toEqual({ hookStatus: 'FAILED' });
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])(
    'answers FAILED when the verification execution ended %s',
    async (status) => {
      sfnMock.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, status } as never);

      await expect(handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context)).resolves.toEqual({ hookStatus: 'FAILED' });
    },
  );

  it("answers FAILED when a succeeded execution's output is not the workflow's contract", async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION, status: 'SUCCEEDED', output: '{"ok":true}' } as never);

    await expect(handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context)).resolves.toEqual({ hookStatus: 'FAILED' });
  });

  it('goes from IN_PROGRESS to SUCCEEDED over repeated calls, starting one execution only', async () => {
    // Prepare: ECS calls three times; the execution appears after the first call and then ends.
    sfnMock
      .on(DescribeExecutionCommand)
      .rejectsOnce(notStarted)
      .resolvesOnce({ executionArn: EXECUTION, status: 'RUNNING' } as never)
      .resolvesOnce({ executionArn: EXECUTION, status: 'SUCCEEDED', output: verificationOutput('passed') } as never);
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    const event = hookEvent('POST_TEST_TRAFFIC_SHIFT');

    // Act
    const answers = [await handler(event, context), await handler(event, context), await handler(event, context)];

    // Assess
    expect(answers.map((a) => a.hookStatus)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('treats a start that lost the race to a duplicate call as the same execution', async () => {
    // Prepare: two calls both saw no execution; the other one started it first.
    sfnMock.on(DescribeExecutionCommand).rejects(notStarted);
    sfnMock
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' }));

    // Act
    const answer = await handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context);

    // Assess
    expect(answer).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 45 });
  });

  it('answers FAILED without starting anything when the green revision cannot be described', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(notStarted);
    ecsMock
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [], failures: [{ arn: GREEN_REVISION, reason: 'MISSING' }] });

    await expect(handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context)).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it.each([
    ['throttled', { name: 'ThrottlingException', $retryable: { throttling: true } }],
    ['a Step Functions 5xx', { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }],
  ])(
    'answers IN_PROGRESS when the verification cannot be read for now (%s): a good release is not rolled back',
    async (_, shape) => {
      sfnMock.on(DescribeExecutionCommand).rejects(Object.assign(new Error('try later'), shape));

      await expect(handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context)).resolves.toMatchObject({
        hookStatus: 'IN_PROGRESS',
      });
      expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    },
  );

  it('lets a lasting AWS error (access denied) through, so ECS rolls back rather than release unverified', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(handler(hookEvent('POST_TEST_TRAFFIC_SHIFT'), context)).rejects.toThrow(/denied/);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('deployment-lifecycle-hook during a rollback', () => {
  it('answers SUCCEEDED at PRODUCTION_TRAFFIC_SHIFT with traffic moving back to blue, even after a failed verification', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, status: 'FAILED' } as never);

    await expect(handler(hookEvent('PRODUCTION_TRAFFIC_SHIFT-rollback'), context)).resolves.toEqual({
      hookStatus: 'SUCCEEDED',
    });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('answers SUCCEEDED at TEST_TRAFFIC_SHIFT with test traffic moving back to blue', async () => {
    const event = hookEvent('TEST_TRAFFIC_SHIFT');
    const details = event.executionDetails as { testTrafficWeights: Record<string, number> };
    for (const revision of Object.keys(details.testTrafficWeights)) {
      details.testTrafficWeights[revision] = revision === GREEN_REVISION ? 0 : 100;
    }

    await expect(handler(event, context)).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it.each(['TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'])(
    'lets %s of a forward deployment pass without verifying (the gate is POST_TEST_TRAFFIC_SHIFT only)',
    async (stage) => {
      await expect(handler(hookEvent(stage), context)).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
      expect(sfnMock.calls()).toHaveLength(0);
    },
  );
});

describe('deployment-lifecycle-hook with a malformed or foreign event', () => {
  it.each([
    [
      'no executionDetails',
      (e: Record<string, unknown>) => ({ ...e, executionDetails: undefined }),
      /executionDetails/,
    ],
    ['an unknown stage', (e: Record<string, unknown>) => ({ ...e, lifecycleStage: 'ROLLBACK' }), /lifecycleStage/],
    [
      'a resourceArn that is not a deployment',
      (e: Record<string, unknown>) => ({ ...e, resourceArn: 'arn:aws:ecs:x' }),
      /resourceArn/,
    ],
    [
      'a string weight',
      (e: Record<string, unknown>) => ({
        ...e,
        executionDetails: { ...(e.executionDetails as object), testTrafficWeights: { [GREEN_REVISION]: '100' } },
      }),
      /testTrafficWeights/,
    ],
    ['not an object', () => 'POST_TEST_TRAFFIC_SHIFT', /\(input\)/],
  ])('rejects %s, naming the field, before any AWS call', async (_case, mutate, field) => {
    const failure = handler(mutate(hookEvent('POST_TEST_TRAFFIC_SHIFT')), context);

    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(failure).rejects.toThrow(field);
    expect(sfnMock.calls()).toHaveLength(0);
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it.each([
    ['another environment', 'interactions-prod-backend', /not a service of cluster interactions-staging/],
    [
      'a service that is not the platform',
      'interactions-staging-worker',
      /not a service of cluster interactions-staging/,
    ],
  ])("refuses a deployment of %s's service before any AWS call", async (_case, service, message) => {
    const event = JSON.parse(
      JSON.stringify(hookEvent('POST_TEST_TRAFFIC_SHIFT', service)).replaceAll(
        'interactions-staging/interactions-prod-backend',
        'interactions-prod/interactions-prod-backend',
      ),
    ) as Record<string, unknown>;

    const failure = handler(event, context);

    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(failure).rejects.toThrow(message);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('refuses a deployment in another region', async () => {
    const event = JSON.parse(JSON.stringify(hookEvent('POST_TEST_TRAFFIC_SHIFT')).replaceAll('us-east-1', 'eu-west-1'));

    await expect(handler(event, context)).rejects.toThrow(/region eu-west-1 is not us-east-1/);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('fails to build with a state machine that is not the deployment verification', () => {
    expect(() =>
      createHandler({
        env: { ...ENV, STATE_MACHINE_ARN: STATE_MACHINE.replace('deployment-verification', 'recovery-test') },
        clients: { sfn: () => sfn, ecs: () => ecs },
      }),
    ).toThrow(/STATE_MACHINE_ARN/);
  });
});
