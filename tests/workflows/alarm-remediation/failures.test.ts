/**
 * Each failure point of the alarm remediation state machine: every one ends in the failure path,
 * which records the failure in the audit trail and notifies it with what was already done (the
 * playbook's result travels in the cause), so no partial action is left unreported.
 */
import {
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryStateStore } from '../../../shared/remediation/memory-state-store.js';
import { workflowTestbed } from '../../support/workflow-testbed.js';
import { alarmEvent, baseMocks, lambdas, prodPolicy, standInTaskToken } from './support.js';

const bed = workflowTestbed({ workflow: 'alarm-remediation', env: 'prod' });
standInTaskToken(bed.sm.definition as never);
const ecs = mockClient(ECSClient);
const family = 'arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-prod-backend';
const noApproval = { ...prodPolicy, approvalRequired: false };

function service(taskDefinition: string, running: number, rollout: string) {
  return {
    services: [
      {
        status: 'ACTIVE',
        desiredCount: 4,
        runningCount: running,
        deployments: [
          { status: 'PRIMARY', taskDefinition, createdAt: new Date(Date.now() - 5 * 60_000), rolloutState: rollout },
        ],
      },
    ],
  } as never;
}

beforeEach(() => {
  ecs.reset();
  ecs.on(DescribeServicesCommand).resolves(service(`${family}:8`, 1, 'COMPLETED'));
  ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [`${family}:8`, `${family}:7`] });
});

const run = (mocks = baseMocks(), store = new MemoryStateStore()) =>
  bed.run({
    input: alarmEvent('ecs-backend-healthy-tasks'),
    mocks,
    lambdas: lambdas(store, noApproval),
    executionName: 'alarm-f',
  });

/** The end of every failure inside the Map: recorded, notified, failed (the engine logs the Map's states interleaved). */
const FAILURE_TAIL = ['Record failure', 'Notify failure', 'Build failure message', 'Fail'];

describe('alarm remediation failure points', () => {
  it('notifies and fails when intake cannot reach its state store, acting on nothing', async () => {
    // Prepare
    const store = new MemoryStateStore();
    store.recordStateChange = () =>
      Promise.reject(Object.assign(new Error('table unreachable'), { name: 'ResourceNotFoundException' }));

    // Act
    const result = await run(baseMocks(), store);

    // Assess: nothing was decided, so nothing to audit; the failure is paged.
    expect(result).toHaveFailedWith('ResourceNotFoundException', 'table unreachable');
    expect(result).toHaveEndedWith(
      'Decide remediation',
      'Decisions to audit?',
      'Notify failure',
      'Build failure message',
      'Fail',
    );
    expect(result).toHaveNotified({ status: 'FAILED', severity: 'high' });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('acts on nothing when intake decides act with a reason the workflow does not know', async () => {
    // Prepare: intake as deployed, its decision's reason changed to one this definition lacks.
    const handlers = lambdas();
    const intakeName = Object.keys(handlers).find((name) => name.endsWith('remediation-intake')) as string;
    const intake = handlers[intakeName] as (event: unknown) => Promise<{ decisions: Record<string, unknown>[] }>;
    handlers[intakeName] = async (event: unknown) => {
      const output = await intake(event);
      return { decisions: output.decisions.map((decision) => ({ ...decision, reason: 'act-later' })) };
    };

    // Act
    const result = await bed.run({
      input: alarmEvent('ecs-backend-healthy-tasks'),
      mocks: baseMocks(),
      lambdas: handlers,
      executionName: 'alarm-u',
    });

    // Assess
    expect(result).toHaveFailedWith('ValidationError', 'intake decided act with a reason this workflow does not know');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('records and notifies a playbook that failed while acting, with the error', async () => {
    ecs
      .on(UpdateServiceCommand)
      .rejects(Object.assign(new Error('service is draining'), { name: 'InvalidParameterException' }));

    const result = await run().catch((e) => {
      console.log(e);
      throw e;
    });
    console.log(result.status, result.path, result.error, result.cause?.slice(0, 300));

    expect(result).toHaveFailedWith('StateChangeFailed', 'InvalidParameterException');
    expect(result).toHavePassedThrough('Run playbook', 'Describe state change failure', 'State change failed');
    expect(result).toHaveEndedWith(...FAILURE_TAIL);
    expect(result).toHaveNotified({ status: 'FAILED', severity: 'high' });
    expect(result.sdkCalls.find((c) => c.state === 'Record failure')?.parameters).toMatchObject({
      Item: { pk: { S: 'audit' }, sk: { S: expect.stringMatching(/#alarm-f#failed$/) } },
    });
  });

  it('reports what was done when verification fails after acting', async () => {
    ecs.on(UpdateServiceCommand).resolves({});
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce(service(`${family}:8`, 1, 'COMPLETED'))
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const result = await run();

    expect(result).toHavePassedThrough('Run playbook', 'Check recovery', 'State change failed');
    expect(result).toHaveEndedWith(...FAILURE_TAIL);
    // The cause carries the state: the rollback that was made.
    expect(result.cause).toMatch(/AccessDeniedException/);
    expect(result.cause).toMatch(/ecs:rollback/);
    expect(result).toHaveNotified({
      status: 'FAILED',
      cause: expect.stringMatching(/Roll interactions-prod-backend back/),
    });
  });

  it('keeps checking through a transient verification error and recovers', async () => {
    ecs.on(UpdateServiceCommand).resolves({});
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce(service(`${family}:8`, 1, 'COMPLETED'))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves(service(`${family}:7`, 4, 'COMPLETED'));

    const result = await run();

    expect(result.output?.results[0]?.outcome).toBe('recovered');
    expect(result.path.filter((s) => s === 'Check recovery')).toHaveLength(2);
  });

  it('notifies "not recovered" at the alarm severity when the service does not recover within the budget', async () => {
    ecs.on(UpdateServiceCommand).resolves({});
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce(service(`${family}:8`, 1, 'COMPLETED'))
      .resolves(service(`${family}:7`, 1, 'IN_PROGRESS'));

    const result = await run();

    expect(result).toHavePassedThrough('Count recovery check', 'Recovered?', 'Not recovered', 'Notify outcome');
    expect(result.path.filter((s) => s === 'Check recovery')).toHaveLength(20);
    expect(result.output?.results[0]?.outcome).toBe('not-recovered');
    expect(result).toHaveNotified({ severity: 'high', summary: expect.stringMatching(/NOT recovered/) });
  });

  it.each([
    ['Notify outcome', { Throw: { Error: 'Lambda.Unknown', Cause: 'notify crashed' } }],
    ['Record outcome', { Throw: { Error: 'DynamoDB.ConditionalCheckFailedException', Cause: 'refused' } }],
  ])('reports the done rollback when %s fails after it', async (state, failure) => {
    ecs.on(UpdateServiceCommand).resolves({});
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce(service(`${family}:8`, 1, 'COMPLETED'))
      .resolves(service(`${family}:7`, 4, 'COMPLETED'));

    const result = await run({ ...baseMocks(), [state]: failure });

    expect(result).toHavePassedThrough(state, 'State change failed');
    expect(result).toHaveEndedWith(...FAILURE_TAIL);
    expect(result.cause).toMatch(/"outcome":"recovered"/);
    expect(result).toHaveNotified({ status: 'FAILED', cause: expect.stringMatching(/ecs:rollback/) });
  });

  it('still notifies when the failure cannot be recorded in the audit trail', async () => {
    ecs.on(UpdateServiceCommand).rejects(Object.assign(new Error('boom'), { name: 'ServerException' }));

    const result = await run({
      ...baseMocks(),
      'Record failure': { Throw: { Error: 'DynamoDB.ResourceNotFoundException', Cause: 'gone' } },
    });

    expect(result).toHavePassedThrough('Record failure', 'Notify failure', 'Fail');
    expect(result).toHaveNotified({ status: 'FAILED' });
  });

  it('fails as unreported when the failure notification fails too', async () => {
    ecs.on(UpdateServiceCommand).rejects(Object.assign(new Error('boom'), { name: 'ServerException' }));

    const result = await run({
      ...baseMocks(),
      'Notify failure': { Throw: { Error: 'Lambda.Unknown', Cause: 'sns down' } },
    });

    expect(result).toHaveFailedWith('UnreportedFailure', 'sns down');
  });
});
