/**
 * The synthesized alarm remediation state machine, run locally for each playbook: intake on an
 * in-memory store, the real playbook handlers (their AWS clients mocked with aws-sdk-client-mock),
 * the real notify-outcome (reports to the local S3 server, SNS mocked), the SDK integrations
 * (DescribeAlarms, the audit writes) and the approval task mocked per state.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeDimensionKeysCommand, PIClient } from '@aws-sdk/client-pi';
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { sdkParameters, workflowTestbed } from '../../support/workflow-testbed.js';
import { alarmEvent, alarmName, baseMocks, lambdas, prodPolicy, standInTaskToken } from './support.js';

const bed = workflowTestbed({ workflow: 'alarm-remediation', env: 'prod' });
standInTaskToken(bed.sm.definition as never);
const ecs = mockClient(ECSClient);
const rds = mockClient(RDSClient);
const cloudWatch = mockClient(CloudWatchClient);
const elastiCache = mockClient(ElastiCacheClient);
const pi = mockClient(PIClient);
const family = 'arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-prod-backend';

/** The backend: `running` of `desired` tasks, primary deployment `minutesAgo` old, rolled out or not. */
function backend(desired: number, running: number, minutesAgo = 600, rollout = 'COMPLETED') {
  return {
    services: [
      {
        status: 'ACTIVE',
        desiredCount: desired,
        runningCount: running,
        deployments: [
          {
            status: 'PRIMARY',
            taskDefinition: `${family}:8`,
            createdAt: new Date(Date.now() - minutesAgo * 60_000),
            rolloutState: rollout,
          },
        ],
      },
    ],
  } as never;
}

beforeEach(() => {
  for (const mock of [ecs, rds, cloudWatch, elastiCache, pi]) mock.reset();
  ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [`${family}:8`, `${family}:7`] });
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

describe('alarm remediation playbooks, run on the synthesized state machine', () => {
  it('rolls back a recent ECS deployment after approval in prod, verifies recovery and notifies high', async () => {
    // Prepare: plan and act see the fresh deployment failing; the first check the rollback rolling out, the second it done.
    const rollback = (running: number, rollout: string) =>
      ({
        services: [
          {
            status: 'ACTIVE',
            desiredCount: 4,
            runningCount: running,
            deployments: [
              { status: 'PRIMARY', taskDefinition: `${family}:7`, rolloutState: rollout, createdAt: new Date() },
            ],
          },
        ],
      }) as never;
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce(backend(4, 1, 5))
      .resolvesOnce(backend(4, 1, 5))
      .resolvesOnce(rollback(2, 'IN_PROGRESS'))
      .resolves(rollback(4, 'COMPLETED'));

    // Act
    const run = await bed.run({
      input: alarmEvent('ecs-backend-healthy-tasks'),
      mocks: baseMocks(),
      lambdas: lambdas(),
      executionName: 'alarm-1',
    });

    // Assess
    expect(run.path).toEqual([
      'Decide remediation',
      'Remediate each state change',
      'Prepare state change',
      'Decision?',
      'Choose playbook function',
      'Keep playbook function',
      'Re-read alarm state',
      'Still in alarm?',
      'How to act?',
      'Plan playbook for approval',
      'Any change to approve?',
      'Request approval',
      'Approved?',
      'Re-read alarm state after approval',
      'Still in alarm after approval?',
      'Read kill switch after approval',
      'Kill switch set?',
      'Run approved playbook',
      'Keep playbook result',
      'Verify recovery?',
      'Start recovery checks',
      'Wait before checking recovery',
      'Check recovery',
      'Count recovery check',
      'Recovered?',
      'Wait before checking recovery',
      'Check recovery',
      'Count recovery check',
      'Recovered?',
      'Recovered',
      'Notify outcome',
      'Record outcome',
      'Build state change result',
      'Build output',
      'Remediation done',
    ]);
    expect(run.output?.results).toEqual([
      {
        decision: 'act',
        reason: 'needs-approval',
        outcome: 'recovered',
        alarm: alarmName('ecs-backend-healthy-tasks'),
        playbook: 'ecs-service-health',
      },
    ]);
    expect(ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      {
        cluster: 'interactions-prod',
        service: 'interactions-prod-backend',
        taskDefinition: `${family}:7`,
        forceNewDeployment: true,
      },
    ]);
    expect(run).toHaveNotified({ status: 'SUCCEEDED', severity: 'high' });
    const report = await bed.report(run);
    expect(report).toMatchObject({
      details: {
        alarmUrl: expect.stringContaining('#alarmsV2:alarm/interactions-prod-ecs-backend-healthy-tasks'),
        result: {
          outcome: 'recovered',
          playbook: { decided: expect.stringMatching(/rolling back/), actions: [{ kind: 'ecs:rollback' }] },
          verification: { status: 'recovered' },
        },
      },
    });
    expect(bed.published().at(-1)?.TopicArn).toBe(bed.topics.high);
    expect(sdkParameters(run, 'Re-read alarm state')).toEqual({
      AlarmNames: [alarmName('ecs-backend-healthy-tasks')],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
    const audit = sdkParameters<{ Item: { sk: { S: string }; outcome: { S: string } } }>(run, 'Record outcome');
    expect(audit.Item.sk.S).toMatch(/#alarm-1#recovered$/);
    expect(JSON.parse(audit.Item.outcome.S)).toMatchObject({ outcome: 'recovered' });
  });

  it('sends the approver what would be done, the token and the time to answer', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves(backend(4, 1, 5));

    // Act
    const run = await bed.run({
      input: alarmEvent('ecs-backend-healthy-tasks'),
      mocks: baseMocks(),
      lambdas: lambdas(),
      executionName: 'alarm-2',
    });

    // Assess: the request (its message is built by functions/remediation-request-approval, unit-tested there).
    const request = sdkParameters<{ FunctionName: string; Payload: unknown }>(run, 'Request approval');
    expect(request.FunctionName).toMatch(/:function:interactions-prod-remediation-request-approval$/);
    expect(request.Payload).toMatchObject({
      taskToken: 'alarm-2',
      alarmName: alarmName('ecs-backend-healthy-tasks'),
      playbook: 'ecs-service-health',
      actions: [
        {
          kind: 'ecs:rollback',
          description: expect.stringMatching(/back from interactions-prod-backend:8 to interactions-prod-backend:7/),
        },
      ],
      timeoutMinutes: 30,
    });
  });

  it('scales the backend out within the maximum on an ALB 5xx alarm where no approval is needed', async () => {
    ecs.on(DescribeServicesCommand).resolvesOnce(backend(4, 4)).resolves(backend(6, 6));

    const run = await bed.run({
      input: alarmEvent('alb-5xx-rate'),
      mocks: baseMocks(),
      lambdas: lambdas(undefined, { ...prodPolicy, approvalRequired: false }),
      executionName: 'alarm-3',
    });

    expect(run).toHavePassedThrough('How to act?', 'Run playbook', 'Check recovery', 'Recovered');
    expect(run).not.toHavePassedThrough('Request approval');
    expect(ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toMatchObject({ desiredCount: 6 });
    expect(run.output?.results[0]).toMatchObject({ outcome: 'recovered', playbook: 'api-error-rate' });
  });

  it('collects database CPU diagnostics without approval (not disruptive) and notifies medium', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DbiResourceId: 'db-X', PerformanceInsightsEnabled: true }] });
    pi.on(DescribeDimensionKeysCommand).resolves({
      Keys: [{ Dimensions: { 'db.sql_tokenized.statement': 'SELECT 1' }, Total: 2 }],
    });

    const run = await bed.run({
      input: alarmEvent('database-cpu'),
      mocks: baseMocks(),
      lambdas: lambdas(),
      executionName: 'alarm-4',
    });

    expect(run).toHavePassedThrough('How to act?', 'Run playbook', 'Verify recovery?', 'Acted');
    expect(run).not.toHavePassedThrough('Request approval');
    expect(run).toHaveNotified({ severity: 'medium', summary: expect.stringMatching(/Diagnostics only/) });
    expect(await bed.report(run)).toMatchObject({
      details: { result: { playbook: { seen: { topStatements: [{ statement: 'SELECT 1', load: 2 }] } } } },
    });
  });

  it('reports cache memory and changes nothing where config allows no scaling', async () => {
    elastiCache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        { Status: 'available', CacheNodeType: 'cache.m5.large', MemberClusters: ['interactions-prod-001'] },
      ],
    });

    const run = await bed.run({
      input: alarmEvent('cache-memory-critical-001'),
      mocks: baseMocks(),
      lambdas: lambdas(),
      executionName: 'alarm-5',
    });

    expect(run.output?.results[0]).toMatchObject({ outcome: 'acted', playbook: 'cache-memory' });
    expect(run).toHaveNotified({ severity: 'high', summary: expect.stringMatching(/allows no cache scaling/) });
  });

  it('grows RDS storage after approval and verifies the new allocation', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'available', AllocatedStorage: 100 }] })
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'available', AllocatedStorage: 100 }] })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'storage-optimization', AllocatedStorage: 110 }] });

    const run = await bed.run({
      input: alarmEvent('rds-storage'),
      mocks: baseMocks(),
      lambdas: lambdas(),
      executionName: 'alarm-6',
    });

    expect(rds.commandCalls(ModifyDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'interactions-prod-postgres', AllocatedStorage: 110, ApplyImmediately: true },
    ]);
    expect(run.output?.results[0]).toMatchObject({ outcome: 'recovered', playbook: 'rds-storage' });
    expect(run).toHaveNotified({ severity: 'low' });
  });

  it('notifies a security signal with its context and never acts', async () => {
    const run = await bed.run({
      input: alarmEvent('security-elevation-attempts'),
      mocks: baseMocks(),
      lambdas: lambdas(),
      executionName: 'alarm-7',
    });

    expect(run.output?.results[0]).toMatchObject({ outcome: 'acted', playbook: 'security-notify' });
    expect(run).not.toHavePassedThrough('Request approval');
    expect(await bed.report(run)).toMatchObject({
      details: {
        result: { playbook: { actions: [], seen: { savedQuery: 'interactions-prod/security/elevation-attempts' } } },
      },
    });
  });
});
