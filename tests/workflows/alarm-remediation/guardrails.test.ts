/**
 * Guardrails, duplicates, flapping and stale events through the synthesized alarm remediation
 * state machine: several deliveries run one after another on one in-memory state store, as
 * consecutive executions share the DynamoDB table.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { PIClient } from '@aws-sdk/client-pi';
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryStateStore } from '../../../shared/remediation/memory-state-store.js';
import type { GuardrailPolicy } from '../../../shared/remediation/policy.js';
import { snsAlarmEvent } from '../../support/alarm-events.js';
import { workflowTestbed } from '../../support/workflow-testbed.js';
import { alarmEvent, alarmName, baseMocks, lambdas, liveAlarm, prodPolicy, standInTaskToken } from './support.js';

const bed = workflowTestbed({ workflow: 'alarm-remediation', env: 'prod' });
standInTaskToken(bed.sm.definition as never);
const ecs = mockClient(ECSClient);
const rds = mockClient(RDSClient);
const cloudWatch = mockClient(CloudWatchClient);
const pi = mockClient(PIClient);
const family = 'arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-prod-backend';
const noApproval: GuardrailPolicy = { ...prodPolicy, approvalRequired: false };

beforeEach(() => {
  for (const mock of [ecs, rds, cloudWatch, pi]) mock.reset();
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      {
        status: 'ACTIVE',
        desiredCount: 4,
        runningCount: 1,
        deployments: [
          {
            status: 'PRIMARY',
            taskDefinition: `${family}:8`,
            createdAt: new Date(Date.now() - 5 * 60_000),
            rolloutState: 'COMPLETED',
          },
        ],
      },
    ],
  });
  ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [`${family}:8`, `${family}:7`] });
  rds.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [{ DBInstanceStatus: 'available', AllocatedStorage: 100, PerformanceInsightsEnabled: false }],
  });
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

/** Runs each delivery in turn on one store; returns the runs. */
async function deliver(
  events: readonly unknown[],
  options: { store?: MemoryStateStore; policy?: GuardrailPolicy; mocks?: ReturnType<typeof baseMocks> } = {},
) {
  const handlers = lambdas(options.store ?? new MemoryStateStore(), options.policy ?? noApproval);
  const runs = [];
  for (const [i, input] of events.entries()) {
    runs.push(
      await bed.run({ input, mocks: options.mocks ?? baseMocks(), lambdas: handlers, executionName: `delivery-${i}` }),
    );
  }
  return runs;
}

const playbookRuns = (runs: readonly { lambdaInvocations: readonly { state: string }[] }[], state = 'Run playbook') =>
  runs.flatMap((run) => run.lambdaInvocations).filter((i) => i.state === state).length;

describe('alarm remediation guardrails', () => {
  it('acts once per cooldown: a second ALARM of the same alarm is suppressed, quietly', async () => {
    const runs = await deliver([alarmEvent('database-cpu', 'ALARM', 600), alarmEvent('database-cpu', 'ALARM', 60)]);

    expect(runs.map((run) => run.output?.results[0]?.outcome)).toEqual(['acted', 'suppressed']);
    expect(runs[1]?.output?.results[0]).toMatchObject({ decision: 'suppress', reason: 'cooldown' });
    expect(runs[1]).toHaveEndedWith('Suppressed', 'Build state change result', 'Build output', 'Remediation done');
    expect(playbookRuns(runs)).toBe(1);
  });

  it('suppresses actions over the rate limit, across alarms', async () => {
    const policy = { ...noApproval, rateLimit: { maxActions: 1, windowSeconds: 3600 } };

    const runs = await deliver([alarmEvent('database-cpu'), alarmEvent('security-failed-logins')], { policy });

    expect(runs.map((run) => run.output?.results[0]?.reason)).toEqual(['execute', 'rate-limit']);
    expect(playbookRuns(runs)).toBe(1);
  });

  it.each([
    ['in the config', { ...noApproval, killSwitch: true }, false],
    ['by an operator', noApproval, true],
  ])('suppresses everything while the kill switch is engaged %s', async (_where, policy, engage) => {
    const store = new MemoryStateStore();
    if (engage) await store.setKillSwitch(true);

    const [run] = await deliver([alarmEvent('ecs-backend-healthy-tasks')], { store, policy });

    expect(run?.output?.results[0]).toMatchObject({
      decision: 'suppress',
      reason: 'kill-switch',
      outcome: 'suppressed',
    });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('suppresses a disruptive playbook during a change freeze', async () => {
    const freeze = {
      kind: 'once',
      start: '2020-01-01T00:00:00Z',
      end: '2999-01-01T00:00:00Z',
      reason: 'release',
    } as const;

    const [run] = await deliver([alarmEvent('rds-storage')], { policy: { ...noApproval, freezeWindows: [freeze] } });

    expect(run?.output?.results[0]).toMatchObject({ reason: 'change-freeze', outcome: 'suppressed' });
    expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
  });

  it('only plans in dry-run, notifying what it would have done', async () => {
    const [run] = await deliver([alarmEvent('ecs-backend-healthy-tasks')], { policy: { ...prodPolicy, dryRun: true } });

    expect(run).toHavePassedThrough('How to act?', 'Plan playbook (dry run)', 'Planned only', 'Notify outcome');
    expect(run).not.toHavePassedThrough('Run playbook');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(run).toHaveNotified({
      severity: 'high',
      summary: expect.stringMatching(/dry run, nothing changed.*rolling back/),
    });
  });

  it.each([
    [
      'denied',
      { Throw: { Error: 'ApprovalDenied', Cause: 'not during the sale' } },
      'Approval denied',
      'approval-denied',
    ],
    [
      'answered without approval',
      { Return: { approved: false, approver: 'bob' } },
      'Approval denied',
      'approval-denied',
    ],
    [
      'not answered in time',
      { Throw: { Error: 'States.Timeout', Cause: 'task timed out' } },
      'Approval timed out',
      'approval-timed-out',
    ],
  ])('changes nothing when approval is %s, and says so', async (_case, answer, state, outcome) => {
    const [run] = await deliver([alarmEvent('ecs-backend-healthy-tasks')], {
      policy: prodPolicy,
      mocks: { ...baseMocks(), 'Request approval': answer },
    });

    expect(run).toHavePassedThrough('Request approval', state, 'Notify outcome', 'Record outcome');
    expect(run?.output?.results[0]).toMatchObject({ reason: 'needs-approval', outcome });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(run).toHaveNotified({ severity: 'high', summary: expect.stringMatching(/nothing was done/) });
  });

  it('does not act on an approval when the kill switch was engaged while it waited', async () => {
    const [run] = await deliver([alarmEvent('ecs-backend-healthy-tasks')], {
      policy: prodPolicy,
      mocks: {
        ...baseMocks(),
        'Read kill switch after approval': {
          Return: { Item: { pk: { S: 'control' }, sk: { S: 'kill-switch' }, engaged: { BOOL: true } } },
        },
      },
    });

    expect(run).toHavePassedThrough('Approved?', 'Kill switch engaged?', 'Stopped by kill switch', 'Record outcome');
    expect(run?.output?.results[0]).toMatchObject({ outcome: 'suppressed' });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(run).toHaveNotified({ summary: expect.stringMatching(/kill switch was engaged while the approval waited/) });
  });

  it('acts on an approval when the kill switch was released again (engaged: false)', async () => {
    const [run] = await deliver([alarmEvent('ecs-backend-healthy-tasks')], {
      policy: prodPolicy,
      mocks: {
        ...baseMocks(),
        'Read kill switch after approval': { Return: { Item: { engaged: { BOOL: false } } } },
      },
    });

    expect(run).toHavePassedThrough('Kill switch engaged?', 'Run approved playbook');
  });

  it('acts on an approval only if the alarm is still in ALARM after it', async () => {
    const [run] = await deliver([alarmEvent('ecs-backend-healthy-tasks')], {
      policy: prodPolicy,
      mocks: { ...baseMocks(), 'Re-read alarm state after approval': liveAlarm('OK') },
    });

    expect(run).toHavePassedThrough('Still in alarm after approval?', 'Alarm already cleared');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });
});

describe('alarm remediation over duplicates, flapping and stale events', () => {
  it('starts one remediation for a repeated delivery of the same state change', async () => {
    const event = alarmEvent('database-cpu');

    const runs = await deliver([event, event, { ...event, id: 'redelivered-with-another-id' }]);

    expect(runs.map((run) => run.output?.results[0]?.reason)).toEqual(['execute', 'duplicate', 'duplicate']);
    expect(playbookRuns(runs)).toBe(1);
    expect(runs[1]).not.toHaveNotified({});
  });

  it('handles every record of one SNS message, the repeated one as a duplicate', async () => {
    const spec = {
      alarmName: alarmName('database-cpu'),
      state: 'ALARM',
      at: new Date(Date.now() - 60_000).toISOString(),
    } as const;

    const [run] = await deliver([snsAlarmEvent(spec, 2)]);

    expect(run?.output?.results.map((r) => r.reason)).toEqual(['execute', 'duplicate']);
    expect(playbookRuns([run as never])).toBe(1);
  });

  it('acts once on a flapping alarm (ALARM, OK, ALARM within the cooldown)', async () => {
    const runs = await deliver([
      alarmEvent('database-cpu', 'ALARM', 300),
      alarmEvent('database-cpu', 'OK', 200),
      alarmEvent('database-cpu', 'ALARM', 100),
    ]);

    expect(runs.map((run) => run.output?.results[0]?.reason)).toEqual(['execute', 'not-in-alarm', 'cooldown']);
    expect(playbookRuns(runs)).toBe(1);
  });

  it('drops an ALARM delivered after a newer OK of the same alarm', async () => {
    const runs = await deliver([alarmEvent('database-cpu', 'OK', 60), alarmEvent('database-cpu', 'ALARM', 120)]);

    expect(runs.map((run) => run.output?.results[0]?.reason)).toEqual(['not-in-alarm', 'stale']);
    expect(playbookRuns(runs)).toBe(0);
    expect(runs[0]).toHaveEndedWith('Ignored', 'Build state change result', 'Build output', 'Remediation done');
  });

  it.each([
    ['left ALARM', liveAlarm('OK')],
    [
      'is a composite whose actions are now suppressed',
      { Return: { MetricAlarms: [], CompositeAlarms: [{ StateValue: 'ALARM', ActionsSuppressedBy: 'Alarm' }] } },
    ],
    ['no longer exists', { Return: { MetricAlarms: [], CompositeAlarms: [] } }],
  ])('does nothing when the alarm %s by the time it is re-read', async (_case, live) => {
    const [run] = await deliver([alarmEvent('ecs-backend-healthy-tasks')], {
      mocks: { ...baseMocks(), 'Re-read alarm state': live },
    });

    expect(run).toHavePassedThrough(
      'Re-read alarm state',
      'Still in alarm?',
      'Alarm already cleared',
      'Notify outcome',
    );
    expect(run?.output?.results[0]?.outcome).toBe('alarm-cleared');
    expect(playbookRuns([run as never])).toBe(0);
  });

  it('acts on a composite alarm in ALARM whose actions are not suppressed', async () => {
    const live = {
      Return: { MetricAlarms: [], CompositeAlarms: [{ StateValue: 'ALARM', ActionsSuppressedBy: 'None' }] },
    };

    const [run] = await deliver([alarmEvent('database-cpu')], {
      mocks: { ...baseMocks(), 'Re-read alarm state': live },
    });

    expect(run).toHavePassedThrough('Still in alarm?', 'How to act?', 'Run playbook');
  });

  it('rejects a malformed payload, notifies it at low severity and acts on nothing', async () => {
    const [run] = await deliver([{ 'detail-type': 'CloudWatch Alarm Configuration Change', source: 'aws.cloudwatch' }]);

    expect(run?.output?.results).toEqual([
      { decision: 'reject', reason: 'malformed', outcome: 'rejected', alarm: null, playbook: null },
    ]);
    expect(run).toHaveNotified({ severity: 'low', summary: expect.stringMatching(/rejected a payload/) });
    expect(bed.published()[0]?.TopicArn).toBe(bed.topics.low);
  });
});
