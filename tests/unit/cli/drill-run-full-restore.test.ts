/**
 * `drill run <env> full-restore` on the CLI harness: Step Functions, RDS and ElastiCache answer
 * through aws-sdk-client-mock; the clock is fixed (FIXED_NOW), so the execution and the temporary
 * names are known.
 */
import {
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { temporaryInstanceId } from '../../../functions/plan-point-in-time-restore/temporary-instance.js';
import { temporaryReplicationGroupId } from '../../../functions/restore-cache-snapshot/restore.js';
import { run } from './harness.js';

const sfn = mockClient(SFNClient);
const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);

const MACHINE = 'interactions-prod-full-restore-test';
const MACHINE_ARN = `arn:aws:states:us-east-1:123456789012:stateMachine:${MACHINE}`;
const EXECUTION_NAME = 'cli-full-20250601T101112';
const EXECUTION_ARN = `arn:aws:states:us-east-1:123456789012:execution:${MACHINE}:${EXECUTION_NAME}`;
const START = new Date('2025-06-01T10:11:13Z');
const INSTANCE = temporaryInstanceId('prod', 'full', EXECUTION_NAME);
const GROUP = temporaryReplicationGroupId('prod', 'full', EXECUTION_NAME);

const OUTPUT = {
  restorePoint: '2025-06-01T10:05:00.000Z',
  cacheSnapshot: 'automatic.interactions-prod-2025-06-01-03-00',
  temporaryInstance: INSTANCE,
  temporaryReplicationGroup: GROUP,
  taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-prod-backend:42',
  rtoSeconds: 2400,
  objectiveMet: true,
  phases: [
    { name: 'restore-database', seconds: 1800, measuredBy: 'polls' },
    { name: 'restore-cache', seconds: 1860, measuredBy: 'polls' },
    { name: 'start-task', seconds: 90, measuredBy: 'polls' },
    { name: 'smoke-checks', seconds: 1, measuredBy: 'clock' },
    { name: 'teardown', seconds: 2, measuredBy: 'clock' },
  ],
  checks: [{ name: 'http:health', status: 'pass', durationMs: 12, finding: 'GET /health answered 200 in 12 ms' }],
  report: {
    json: `s3://interactions-prod-automation-reports/reports/full-restore-test/2025/06/${EXECUTION_NAME}.json`,
    markdown: `s3://interactions-prod-automation-reports/reports/full-restore-test/2025/06/${EXECUTION_NAME}.md`,
  },
};

beforeEach(() => {
  sfn.reset();
  rds.reset();
  elastiCache.reset();
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [{ name: MACHINE, stateMachineArn: MACHINE_ARN, type: 'STANDARD', creationDate: START }],
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: START });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
});

describe('drill run full-restore', () => {
  it('starts the full restore test, follows it and prints the RTO, each phase and every check', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'SUCCEEDED',
      startDate: START,
      stopDate: new Date('2025-06-01T10:51:13Z'),
      output: JSON.stringify(OUTPUT),
    });

    // Act
    const result = await run(['drill', 'run', 'prod', 'full-restore', '--reason', 'quarterly by hand']);

    // Assess
    expect(result.code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start).toMatchObject({ stateMachineArn: MACHINE_ARN, name: EXECUTION_NAME });
    expect(JSON.parse(start?.input ?? '')).toEqual({ requestedBy: 'cli:alice', reason: 'quarterly by hand' });
    expect(result.stdout).toMatch(/RTO\s+2400 s \(objective 60 min, met: yes\)/);
    expect(result.stdout).toMatch(/phase restore-database\s+at most 1800 s/);
    expect(result.stdout).toMatch(/phase smoke-checks\s+1 s/);
    expect(result.stdout).toMatch(/check http:health\s+pass: GET \/health answered 200/);
    expect(result.stdout).toContain(`${GROUP} (deleted)`);
  });

  it('refuses --restore-point, which only the PITR drill takes (exit 2, nothing started)', async () => {
    // Act
    const result = await run(['drill', 'run', 'prod', 'full-restore', '--restore-point', '2025-06-01T10:00:00Z']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--restore-point applies to pitr only');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('drill run full-restore --dry-run', () => {
  function given(options: { snapshots?: unknown[]; groupTaken?: boolean } = {}) {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'interactions-prod-postgres' }).resolves({
      DBInstances: [{ DBInstanceStatus: 'available', LatestRestorableTime: new Date('2025-06-01T10:05:00Z') }],
    });
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: INSTANCE })
      .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));
    elastiCache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: (options.snapshots ?? [
        {
          SnapshotName: 'automatic.interactions-prod-2025-06-01-03-00',
          SnapshotStatus: 'available',
          NodeSnapshots: [{ SnapshotCreateTime: new Date('2025-06-01T03:00:00Z') }],
        },
      ]) as never,
    });
    elastiCache.on(DescribeReplicationGroupsCommand).callsFake(async () => {
      if (options.groupTaken) return { ReplicationGroups: [{ ReplicationGroupId: GROUP }] };
      throw Object.assign(new Error(`${GROUP} not found`), { name: 'ReplicationGroupNotFoundFault' });
    });
  }

  it('names the point, the newest snapshot and both temporary names, restores nothing, exits 0', async () => {
    // Prepare
    given();

    // Act
    const result = await run(['drill', 'run', 'prod', 'full-restore', '--dry-run']);

    // Assess
    expect(result.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(result.stdout).toMatch(/cache snapshot\s+automatic\.interactions-prod-2025-06-01-03-00/);
    expect(result.stdout).toContain(`${INSTANCE} (db.t3.large, name free)`);
    expect(result.stdout).toContain(`${GROUP} (cache.t3.medium, name free)`);
  });

  it('would fail (exit 1) without an available snapshot or with the group name taken', async () => {
    // Prepare
    given({ snapshots: [], groupTaken: true });

    // Act
    const result = await run(['drill', 'run', 'prod', 'full-restore', '--dry-run', '--json']);

    // Assess
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { blockers: string[] };
    expect(report.blockers).toEqual([
      expect.stringContaining('has no available snapshot'),
      `a replication group named ${GROUP} already exists`,
    ]);
  });
});
