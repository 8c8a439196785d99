/**
 * The synthesized drill leftover sweep, run locally: the real drill-leftovers and notify-outcome
 * handlers (RDS, ElastiCache, ECS and EC2 mocked with aws-sdk-client-mock, reports in s3rver, SNS
 * mocked); the SDK-integration deletes mocked per state.
 */
import { DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { type DBInstance, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { Match } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../shared/tags.js';
import { scheduledEvent, sdkParameters, workflowTestbed } from '../support/workflow-testbed.js';

const bed = workflowTestbed({ workflow: 'drill-leftover-sweep', env: 'prod' });
const trigger = scheduledEvent();
const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);
const ecs = mockClient(ECSClient);
const ec2 = mockClient(EC2Client);

const NOW = Date.now();
const hoursAgo = (hours: number) => new Date(NOW - hours * 3_600_000).toISOString();
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/interactions-prod/0123456789abcdef0';

/** Tags of a drill resource of `environment`, expiring at `expiresAt`. */
function drillTags(expiresAt: string, environment = 'prod', execution = 'drill-pitr-20261101'): Tag[] {
  return [
    { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
    { Key: TAG_KEYS.environment, Value: environment },
    { Key: TAG_KEYS.execution, Value: execution },
    { Key: TAG_KEYS.expiresAt, Value: expiresAt },
  ];
}

function instance(id: string, tags: Tag[], extra: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: id,
    DBInstanceStatus: 'available',
    DeletionProtection: false,
    TagList: tags,
    ...extra,
  };
}

const EXPIRED = hoursAgo(2);
const PLATFORM_DB = instance('interactions-prod-postgres', [{ Key: 'environment', Value: 'prod' }], {
  DeletionProtection: true,
});

/** The account as the sweep sees it: `instances` in RDS, one expired drill replication group, task and security group. */
function mockAccount(
  instances: DBInstance[],
  options: { groups?: boolean; tasks?: boolean; securityGroups?: boolean } = {},
) {
  rds.reset();
  elastiCache.reset();
  ecs.reset();
  ec2.reset();
  rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier?: string }) => ({
    DBInstances: input.DBInstanceIdentifier
      ? instances.filter((candidate) => candidate.DBInstanceIdentifier === input.DBInstanceIdentifier)
      : instances,
  }));
  const groups = options.groups
    ? [
        {
          ReplicationGroupId: 'interactions-prod',
          Status: 'available',
          ARN: 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:interactions-prod',
        },
        {
          ReplicationGroupId: 'drill-fr-20261101',
          Status: 'available',
          ARN: 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:drill-fr-20261101',
        },
      ]
    : [];
  elastiCache.on(DescribeReplicationGroupsCommand).callsFake((input: { ReplicationGroupId?: string }) => ({
    ReplicationGroups: input.ReplicationGroupId
      ? groups.filter((g) => g.ReplicationGroupId === input.ReplicationGroupId)
      : groups,
  }));
  elastiCache.on(ListTagsForResourceCommand).callsFake((input: { ResourceName?: string }) => ({
    TagList: input.ResourceName?.endsWith(':drill-fr-20261101')
      ? drillTags(EXPIRED)
      : [{ Key: 'environment', Value: 'prod' }],
  }));
  const tasks = options.tasks
    ? [
        {
          taskArn: TASK,
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          tags: drillTags(EXPIRED).map((t) => ({ key: t.Key, value: t.Value })),
        },
      ]
    : [];
  ecs.on(ListTasksCommand).resolves({ taskArns: tasks.map((task) => task.taskArn) });
  ecs.on(DescribeTasksCommand).resolves({ tasks });
  const securityGroups = options.securityGroups ? [{ GroupId: 'sg-0123456789abcdef0', Tags: drillTags(EXPIRED) }] : [];
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: securityGroups });
  ec2.on(DeleteSecurityGroupCommand).resolves({});
}

const DELETED = {
  'Delete DB instance': { Return: { DbInstance: { DbInstanceStatus: 'deleting' } } },
  'Delete replication group': { Return: { ReplicationGroup: { Status: 'deleting' } } },
  'Stop task': { Return: { Task: { LastStatus: 'RUNNING' } } },
};

describe('drill leftover sweep', () => {
  it('deletes every kind of expired drill leftover, security groups last, and alerts with what it did', async () => {
    // Prepare
    mockAccount([PLATFORM_DB, instance('drill-pitr-20261101', drillTags(EXPIRED))], {
      groups: true,
      tasks: true,
      securityGroups: true,
    });

    // Act
    const run = await bed.run({ input: trigger, executionName: trigger.id, mocks: DELETED });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.output).toMatchObject({
      found: 4,
      outcomes: {
        dbInstances: [{ identifier: 'drill-pitr-20261101', outcome: 'deleted' }],
        replicationGroups: [{ identifier: 'drill-fr-20261101', outcome: 'deleted' }],
        tasks: [{ identifier: TASK, outcome: 'deleted' }],
        securityGroups: [{ identifier: 'sg-0123456789abcdef0', outcome: 'deleted' }],
      },
    });
    expect(run).toHavePassedThrough(
      'Delete DB instance',
      'Delete replication group',
      'Stop task',
      'Delete security group',
      'Report sweep',
    );
    expect(sdkParameters(run, 'Delete DB instance')).toEqual({
      DbInstanceIdentifier: 'drill-pitr-20261101',
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).map((call) => call.args[0].input.GroupId)).toEqual([
      'sg-0123456789abcdef0',
    ]);
    expect(run).toHaveNotified({ status: 'SUCCEEDED', severity: 'medium' });
    expect(bed.published().map((message) => message.TopicArn)).toEqual([bed.topics.medium]);
  });

  it('never touches the platform, another environment, an unexpired drill or an untagged resource', async () => {
    // Prepare
    mockAccount([
      PLATFORM_DB,
      instance('drill-staging', drillTags(EXPIRED, 'staging')),
      instance('drill-not-yet', drillTags(new Date(NOW + 3_600_000).toISOString())),
      instance(
        'no-execution-tag',
        drillTags(EXPIRED).filter((tag) => tag.Key !== TAG_KEYS.execution),
      ),
      instance('unparseable-expiry', drillTags('tomorrow')),
    ]);

    // Act
    const run = await bed.run({ input: trigger, executionName: trigger.id, mocks: DELETED });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.output).toMatchObject({ found: 0 });
    expect(run).toHavePassedThrough('Nothing to sweep');
    expect(run).not.toHavePassedThrough('Delete DB instance');
    // A quiet sweep files its report (the dead-man counts it) without notifying anyone.
    expect(bed.published()).toEqual([]);
    await expect(bed.report(run)).resolves.toMatchObject({
      status: 'SUCCEEDED',
      summary: 'No expired drill leftovers in prod',
    });
  });

  it('refuses an instance whose tags changed since it was found, and records it', async () => {
    // Prepare: between the find and the describe, someone re-tagged the instance for another run.
    mockAccount([instance('drill-pitr-20261101', drillTags(EXPIRED))]);
    const retagged = instance('drill-pitr-20261101', drillTags(EXPIRED, 'prod', 'someone-else'));
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'drill-pitr-20261101' })
      .resolves({ DBInstances: [retagged] });

    // Act
    const run = await bed.run({ input: trigger, executionName: trigger.id, mocks: DELETED });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).not.toHavePassedThrough('Delete DB instance');
    expect(run.output?.outcomes.dbInstances).toEqual([
      expect.objectContaining({ identifier: 'drill-pitr-20261101', outcome: 'refused', execution: 'someone-else' }),
    ]);
  });

  it('leaves an instance with deletion protection alone: the sweep never modifies to delete', async () => {
    // Prepare
    mockAccount([instance('drill-protected', drillTags(EXPIRED), { DeletionProtection: true })]);

    // Act
    const run = await bed.run({ input: trigger, executionName: trigger.id, mocks: DELETED });

    // Assess
    expect(run.output?.outcomes.dbInstances).toEqual([
      expect.objectContaining({ identifier: 'drill-protected', outcome: 'refused', status: 'deletion-protected' }),
    ]);
    expect(run).not.toHavePassedThrough('Delete DB instance');
  });

  it('records a security group still in use as busy (the next sweep retries) and one whose delete fails as failed', async () => {
    // Prepare
    mockAccount([], { securityGroups: true });
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        { GroupId: 'sg-0000000000000000a', Tags: drillTags(EXPIRED) },
        { GroupId: 'sg-0000000000000000b', Tags: drillTags(EXPIRED) },
      ],
    });
    ec2
      .on(DeleteSecurityGroupCommand, { GroupId: 'sg-0000000000000000a' })
      .rejects(Object.assign(new Error('resource sg-a has a dependent object'), { name: 'DependencyViolation' }))
      .on(DeleteSecurityGroupCommand, { GroupId: 'sg-0000000000000000b' })
      .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));

    // Act
    const run = await bed.run({ input: trigger, executionName: trigger.id, mocks: DELETED });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.output?.outcomes.securityGroups).toEqual([
      expect.objectContaining({ identifier: 'sg-0000000000000000a', outcome: 'busy' }),
      expect.objectContaining({ identifier: 'sg-0000000000000000b', outcome: 'failed' }),
    ]);
    expect(run).toHaveNotified({ severity: 'medium' });
  });

  it('records an instance RDS will not delete yet as busy, and one already gone as absent', async () => {
    // Prepare
    mockAccount([instance('drill-a', drillTags(EXPIRED)), instance('drill-b', drillTags(EXPIRED))]);

    // Act
    const run = await bed.run({
      input: trigger,
      executionName: trigger.id,
      mocks: {
        ...DELETED,
        'Delete DB instance': [
          { Throw: { Error: 'Rds.InvalidDbInstanceStateException', Cause: 'instance is backing-up' } },
          { Throw: { Error: 'Rds.DbInstanceNotFoundException', Cause: 'gone' } },
        ],
      },
    });

    // Assess
    expect(run.output?.outcomes.dbInstances).toEqual([
      expect.objectContaining({ identifier: 'drill-a', outcome: 'busy' }),
      expect.objectContaining({ identifier: 'drill-b', outcome: 'absent' }),
    ]);
  });

  it('fails, notifying the failure severity, when it cannot look for leftovers', async () => {
    // Prepare
    mockAccount([]);
    rds.on(DescribeDBInstancesCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    // Act
    const run = await bed.run({ input: trigger, executionName: trigger.id, mocks: DELETED });

    // Assess
    expect(run).toHaveFailedWith('AccessDenied');
    expect(run).toHaveNotified({ status: 'FAILED', severity: 'high' });
  });
});

describe('drill leftover sweep template', () => {
  it('runs on its configured period and deletes only under the automation tag conditions', () => {
    bed.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(3 hours)' });
    bed.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'rds:DeleteDBInstance',
            Condition: Match.objectLike({
              StringEquals: Match.objectLike({ [`rds:db-tag/${TAG_KEYS.managedBy}`]: MANAGED_BY }),
            }),
          }),
          Match.objectLike({
            Action: 'elasticache:DeleteReplicationGroup',
            Condition: Match.objectLike({
              StringEquals: Match.objectLike({ [`aws:ResourceTag/${TAG_KEYS.environment}`]: 'prod' }),
            }),
          }),
        ]),
      },
    });
  });
});
