/**
 * `drill run <env> failover` on the CLI harness: Step Functions, RDS and ElastiCache answer through
 * aws-sdk-client-mock; the clock is fixed (FIXED_NOW), so the execution name is known.
 */
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from './harness.js';

const sfn = mockClient(SFNClient);
const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);

const MACHINE = 'interactions-staging-failover-drill';
const MACHINE_ARN = `arn:aws:states:us-east-1:123456789012:stateMachine:${MACHINE}`;
const START = new Date('2025-06-01T10:11:13Z');
const dependency = (longest: number, failures: number) => ({
  samples: 300,
  failures,
  longestOutageSeconds: longest,
  outages: [],
  droppedOutages: 0,
  openOutage: null,
  lastProbeAt: '2025-06-01T10:20:00.000Z',
  lastOk: true,
});
const OUTPUT = {
  outcome: 'completed',
  summary: 'Failover drill completed: database 62 s, cache 14 s, application 0 s of downtime',
  checks: [{ check: 'primary-moved', ok: true, detail: 'database primary moved from us-east-1a to us-east-1b' }],
  experiment: { id: 'EXP123', templateId: 'EXT456', status: 'completed', targetAz: 'us-east-1a' },
  downtime: {
    firstProbeAt: '2025-06-01T10:12:00.000Z',
    lastProbeAt: '2025-06-01T10:20:00.000Z',
    windows: 8,
    dependencies: { database: dependency(62, 60), cache: dependency(14, 13), application: dependency(0, 0) },
  },
  rdsEvents: [
    { at: '2025-06-01T10:12:30.000Z', eventId: 'RDS-EVENT-0013', message: 'Multi-AZ instance failover started.' },
  ],
  report: {
    json: 's3://interactions-staging-automation-reports/reports/failover-drill/2025/06/x.json',
    markdown: 's3://interactions-staging-automation-reports/reports/failover-drill/2025/06/x.md',
  },
};

beforeEach(() => {
  for (const mock of [sfn, rds, elastiCache]) mock.reset();
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [{ name: MACHINE, stateMachineArn: MACHINE_ARN, type: 'STANDARD', creationDate: START }],
  });
  sfn
    .on(StartExecutionCommand)
    .resolves({ executionArn: `${MACHINE_ARN.replace('stateMachine', 'execution')}:x`, startDate: START });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
});

describe('drill run failover', () => {
  it("starts the failover drill, follows it and prints each dependency's downtime, the experiment and the events", async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'SUCCEEDED', startDate: START, stopDate: START, output: JSON.stringify(OUTPUT) });

    // Act
    const result = await run(['drill', 'run', 'staging', 'failover']);

    // Assess
    expect(result.code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(MACHINE_ARN);
    expect(JSON.parse(start?.input ?? '')).toEqual({ requestedBy: 'cli:alice' });
    expect(result.stdout).toMatch(/downtime database\s+62 s longest \(60\/300 probes failed\)/);
    expect(result.stdout).toMatch(/experiment\s+EXP123 \(completed, AZ us-east-1a\)/);
    expect(result.stdout).toMatch(
      /RDS event RDS-EVENT-0013\s+2025-06-01T10:12:30.000Z Multi-AZ instance failover started/,
    );
  });

  it.each([
    [['--restore-point', '2025-06-01T10:00:00Z'], '--restore-point applies to pitr only'],
    [['--reason', 'why'], '--reason applies to pitr and full-restore'],
  ])('refuses %j (exit 2, nothing started)', async (extra, message) => {
    const result = await run(['drill', 'run', 'staging', 'failover', ...extra]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('drill run failover --dry-run', () => {
  function given(database: { MultiAZ: boolean; status?: string }, cacheMultiAz: boolean) {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceStatus: database.status ?? 'available', MultiAZ: database.MultiAZ }],
    });
    elastiCache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        {
          Status: 'available',
          MultiAZ: cacheMultiAz ? 'enabled' : 'disabled',
          AutomaticFailover: cacheMultiAz ? 'enabled' : 'disabled',
        },
      ],
    });
  }

  it('checks that both tiers have a standby and are available, failing nothing over (exit 0)', async () => {
    // Prepare
    given({ MultiAZ: true }, true);

    // Act
    const result = await run(['drill', 'run', 'staging', 'failover', '--dry-run']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/database\s+interactions-staging-postgres: available, Multi-AZ yes/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('would fail (exit 1) when a tier has no standby or is not available, naming each reason', async () => {
    // Prepare
    given({ MultiAZ: false, status: 'modifying' }, false);

    // Act
    const result = await run(['drill', 'run', 'staging', 'failover', '--dry-run']);

    // Assess
    expect(result.code).toBe(1);
    const said = result.stderr + result.stdout;
    expect(said).toContain('interactions-staging-postgres is not Multi-AZ');
    expect(said).toContain('interactions-staging-postgres is modifying, not available');
    expect(said).toContain('interactions-staging is not Multi-AZ with automatic failover');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('refuses an environment where the drill is not enabled, before any AWS call (exit 2)', async () => {
    const result = await run(['drill', 'run', 'dev', 'failover', '--dry-run']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'the failover drill is not enabled for dev (failoverDrill.enabled in infra/config/dev.ts)',
    );
    expect(rds.calls()).toHaveLength(0);
  });
});
