/** The drill-leftovers handler: strict input, and the rules of what is a leftover (leftovers.ts). */
import { DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/drill-leftovers/handler.js';
import { asExpiredLeftover } from '../../../../functions/drill-leftovers/leftovers.js';
import { MANAGED_BY, TAG_KEYS } from '../../../../shared/tags.js';

const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);
const ecs = mockClient(ECSClient);
const ec2 = mockClient(EC2Client);
const context = { functionName: 'drill-leftovers', awsRequestId: 'r1' } as Context;
const NOW = new Date('2026-11-29T12:00:00Z');
const handler = createHandler({
  env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' },
  clients: {
    rds: () => new RDSClient({ region: 'us-east-1' }),
    elastiCache: () => new ElastiCacheClient({ region: 'us-east-1' }),
    ecs: () => new ECSClient({ region: 'us-east-1' }),
    ec2: () => new EC2Client({ region: 'us-east-1' }),
  },
  clock: () => NOW,
});
const tags = (expiresAt: string, environment = 'prod') => [
  { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
  { Key: TAG_KEYS.environment, Value: environment },
  { Key: TAG_KEYS.execution, Value: 'drill-1' },
  { Key: TAG_KEYS.expiresAt, Value: expiresAt },
];

beforeEach(() => {
  for (const mock of [rds, elastiCache, ecs, ec2]) mock.reset();
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
  elastiCache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
});

describe('drill-leftovers handler', () => {
  it.each([
    [{ action: 'delete-security-group', identifier: 'vpc-123' }, 'security group id'],
    [{ action: 'describe', kind: 'snapshot', identifier: 'x' }, 'kind'],
    [{ action: 'sweep-everything' }, 'action'],
    [{}, 'action'],
  ])('rejects %j before any AWS call, naming %s', async (input, message) => {
    await expect(handler(input as never, context)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(handler(input as never, context)).rejects.toThrow(message);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(0);
    expect(rds.calls()).toHaveLength(0);
  });

  it('finds nothing in an environment whose cluster does not exist (yet)', async () => {
    ecs
      .on(ListTasksCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));

    await expect(handler({ action: 'find' }, context)).resolves.toMatchObject({ count: 0, tasks: [] });
  });

  it('reads tasks in batches of 100 (the DescribeTasks limit) with their tags', async () => {
    const arns = Array.from(
      { length: 150 },
      (_, i) => `arn:aws:ecs:us-east-1:123456789012:task/interactions-prod/${i}`,
    );
    ecs.on(ListTasksCommand).resolves({ taskArns: arns });
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((taskArn) => ({
        taskArn,
        lastStatus: 'RUNNING',
        tags: tags('2026-11-29T10:00:00Z').map((tag) => ({ key: tag.Key, value: tag.Value })),
      })),
    }));

    const found = await handler({ action: 'find' }, context);

    expect(found).toMatchObject({ count: 150 });
    expect(ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input.tasks?.length)).toEqual([100, 50]);
    expect(ecs.commandCalls(DescribeTasksCommand)[0]?.args[0].input.include).toEqual(['TAGS']);
  });

  it('describes a stopped task as absent: nothing left to stop', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: 'arn:t', lastStatus: 'STOPPED', tags: [] }] });

    await expect(
      handler({ action: 'describe', kind: 'ecs-task', identifier: 'arn:aws:ecs:us-east-1:1:task/c/1' }, context),
    ).resolves.toMatchObject({ status: 'absent', type: 'ecs-task' });
  });
});

describe('what is an expired leftover', () => {
  it.each([
    ['expired, ours', tags('2026-11-29T11:59:59Z'), true],
    ['expiring exactly now', tags('2026-11-29T12:00:00Z'), true],
    ['not yet expired', tags('2026-11-29T12:00:01Z'), false],
    ["another environment's", tags('2026-11-29T10:00:00Z', 'staging'), false],
    ['without an execution tag', tags('2026-11-29T10:00:00Z').filter((t) => t.Key !== TAG_KEYS.execution), false],
    ['with an unparseable expiry', tags('soon'), false],
    ["not the automation's", [{ Key: 'environment', Value: 'prod' }], false],
  ])('%s', (_, resourceTags, expected) => {
    expect(asExpiredLeftover('db-instance', 'x', resourceTags, 'prod', NOW) !== undefined).toBe(expected);
  });
});
