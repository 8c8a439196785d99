import '../../../support/lambda-env.js';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/remediation-playbook-ecs-service-health/handler.js';
import { playbookResultSchema, verificationSchema } from '../../../../workflows/alarm-remediation/contract.js';
import { context, env, invocation, now } from './support.js';

const ecsMock = mockClient(ECSClient);
const ecs = new ECSClient({ region: 'us-east-1' });
const handler = createHandler({ env, clients: { ecs: () => ecs }, clock: () => now });
const policy = { recentDeploymentMinutes: 60 };
const family = 'arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-prod-backend';

function service(overrides: Partial<Service> & { startedMinutesAgo?: number; rollout?: string } = {}): Service {
  const { startedMinutesAgo = 600, rollout = 'COMPLETED', ...rest } = overrides;
  return {
    serviceName: 'interactions-prod-backend',
    status: 'ACTIVE',
    desiredCount: 4,
    runningCount: 1,
    taskDefinition: `${family}:7`,
    deployments: [
      {
        status: 'PRIMARY',
        taskDefinition: `${family}:7`,
        createdAt: new Date(now.getTime() - startedMinutesAgo * 60_000),
        rolloutState: rollout as never,
      },
    ],
    ...rest,
  };
}

beforeEach(() => {
  ecsMock.reset();
  ecsMock
    .on(ListTaskDefinitionsCommand)
    .resolves({ taskDefinitionArns: [`${family}:7`, `${family}:6`, `${family}:5`] });
});

describe('ECS service health playbook', () => {
  it('rolls back to the previous task definition when a deployment started recently', async () => {
    // Prepare
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service({ startedMinutesAgo: 10 })] });

    // Act
    const result = (await handler(invocation('act', 'ecs-backend-healthy-tasks', policy), context)) as Record<
      string,
      unknown
    >;

    // Assess
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      {
        cluster: 'interactions-prod',
        service: 'interactions-prod-backend',
        taskDefinition: `${family}:6`,
        forceNewDeployment: true,
      },
    ]);
    expect(playbookResultSchema.parse(result)).toMatchObject({
      playbook: 'ecs-service-health',
      mode: 'act',
      verify: true,
      expectation: { taskDefinition: `${family}:6` },
    });
    expect(ecsMock.commandCalls(ListTaskDefinitionsCommand)[0]?.args[0].input).toMatchObject({
      familyPrefix: 'interactions-prod-backend',
    });
  });

  it('forces a new deployment when no deployment is recent', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service()] });

    await handler(invocation('act', 'ecs-frontend-healthy-tasks', policy), context);

    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({
      cluster: 'interactions-prod',
      services: ['interactions-prod-frontend'],
    });
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: 'interactions-prod',
      service: 'interactions-prod-frontend',
      forceNewDeployment: true,
    });
  });

  it('forces a new deployment when a recent deployment has no older revision to roll back to', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service({ startedMinutesAgo: 5 })] });
    ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [`${family}:7`] });

    const result = (await handler(invocation('plan', 'ecs-backend-healthy-tasks', policy), context)) as {
      actions: { kind: string }[];
      decided: string;
    };

    expect(result.actions.map((a) => a.kind)).toEqual(['ecs:force-new-deployment']);
    expect(result.decided).toMatch(/no older ACTIVE revision/);
  });

  it('changes nothing in plan mode (dry run)', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service({ startedMinutesAgo: 10 })] });

    const result = (await handler(invocation('plan', 'ecs-backend-healthy-tasks', policy), context)) as Record<
      string,
      unknown
    >;

    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(result).toMatchObject({ mode: 'plan', verify: false, actions: [{ kind: 'ecs:rollback' }] });
  });

  it('reports an inactive service as a failure, changing nothing', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });

    await expect(handler(invocation('act', 'ecs-backend-healthy-tasks', policy), context)).rejects.toMatchObject({
      name: 'ResourceFailedError',
      message: expect.stringMatching(/MISSING/),
    });
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it.each([
    ['recovered', { runningCount: 4, rollout: 'COMPLETED' }, { taskDefinition: `${family}:7` }],
    ['pending', { runningCount: 2, rollout: 'IN_PROGRESS' }, {}],
    ['failed', { runningCount: 1, rollout: 'FAILED' }, {}],
    ['failed', { runningCount: 4, rollout: 'COMPLETED' }, { taskDefinition: `${family}:6` }],
  ])('verifies the service as %s', async (status, state, expectation) => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(state)] });

    const result = await handler(invocation('verify', 'ecs-backend-healthy-tasks', policy, expectation), context);

    expect(verificationSchema.parse(result)).toMatchObject({ status });
  });

  it('rejects a payload without a policy before any AWS call', async () => {
    const { policy: _policy, ...payload } = invocation('act', 'ecs-backend-healthy-tasks', policy);

    await expect(handler(payload, context)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/policy/),
    });
    expect(ecsMock.calls()).toHaveLength(0);
  });
});
