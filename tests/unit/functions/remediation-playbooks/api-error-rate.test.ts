import '../../../support/lambda-env.js';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/remediation-playbook-api-error-rate/handler.js';
import { context, env, invocation, now } from './support.js';

const ecsMock = mockClient(ECSClient);
const ecs = new ECSClient({ region: 'us-east-1' });
const handler = createHandler({ env, clients: { ecs: () => ecs }, clock: () => now });
const policy = { recentDeploymentMinutes: 60, maxTasks: 6 };
const family = 'arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-prod-backend';

function describeBackend(desiredCount: number, startedMinutesAgo: number) {
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        status: 'ACTIVE',
        desiredCount,
        runningCount: desiredCount,
        deployments: [
          {
            status: 'PRIMARY',
            taskDefinition: `${family}:3`,
            createdAt: new Date(now.getTime() - startedMinutesAgo * 60_000),
            rolloutState: 'COMPLETED',
          },
        ],
      },
    ],
  });
}

beforeEach(() => {
  ecsMock.reset();
  ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [`${family}:3`, `${family}:2`] });
});

describe('API error rate playbook', () => {
  it.each(['api-error-rate', 'alb-5xx-rate'])(
    'rolls the backend back when %s follows a recent deployment',
    async (suffix) => {
      describeBackend(2, 15);

      const result = await handler(invocation('act', suffix, policy), context);

      expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toMatchObject({
        service: 'interactions-prod-backend',
        taskDefinition: `${family}:2`,
      });
      expect(result).toMatchObject({ actions: [{ kind: 'ecs:rollback' }], verify: true });
    },
  );

  it('scales out by half again when no deployment is recent', async () => {
    describeBackend(2, 600);

    const result = await handler(invocation('act', 'api-error-rate', policy), context);

    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toMatchObject({ desiredCount: 3 });
    expect(result).toMatchObject({ actions: [{ kind: 'ecs:scale-out' }], expectation: { desiredCount: 3 } });
  });

  it('never scales past the environment maximum', async () => {
    describeBackend(5, 600);

    await handler(invocation('act', 'api-error-rate', policy), context);

    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toMatchObject({ desiredCount: 6 });
  });

  it('changes nothing and says a person must look when already at the maximum', async () => {
    describeBackend(6, 600);

    const result = await handler(invocation('act', 'api-error-rate', policy), context);

    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(result).toMatchObject({ actions: [], verify: false, decided: expect.stringMatching(/maximum of 6 tasks/) });
  });

  it('verifies a scale-out once the desired tasks run', async () => {
    describeBackend(3, 600);

    const result = await handler(invocation('verify', 'api-error-rate', policy, { desiredCount: 3 }), context);

    expect(result).toMatchObject({ status: 'recovered' });
  });
});
