/**
 * `drill run <env> pitr` on the CLI harness: Step Functions and RDS answer through
 * aws-sdk-client-mock; the clock is fixed (FIXED_NOW), so the execution and instance names are known.
 */
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
import { FIXED_NOW, run } from './harness.js';

const sfn = mockClient(SFNClient);
const rds = mockClient(RDSClient);

const MACHINE = 'interactions-prod-recovery-test';
const MACHINE_ARN = `arn:aws:states:us-east-1:123456789012:stateMachine:${MACHINE}`;
const EXECUTION_NAME = 'cli-pitr-20250601T101112';
const EXECUTION_ARN = `arn:aws:states:us-east-1:123456789012:execution:${MACHINE}:${EXECUTION_NAME}`;
const START = new Date('2025-06-01T10:11:13Z');
const STOP = new Date('2025-06-01T10:46:13Z');
const INSTANCE = temporaryInstanceId('prod', 'pitr', EXECUTION_NAME);

const OUTPUT = {
  restorePoint: '2025-06-01T10:05:00.000Z',
  restorePointMode: 'latest',
  temporaryInstance: INSTANCE,
  rtoSeconds: 2040,
  rpoSeconds: 60,
  objectivesMet: { rto: true, rpo: true },
  checks: [
    { name: 'alembic_version has a row', status: 'pass', value: 1, finding: '1 row', durationMs: 12 },
    { name: 'newest interactions.created_at', status: 'pass', value: 'x', finding: 'RPO 1m 0s', durationMs: 30 },
  ],
  report: {
    json: `s3://interactions-prod-automation-reports/reports/recovery-test/2025/06/${EXECUTION_NAME}.json`,
    markdown: `s3://interactions-prod-automation-reports/reports/recovery-test/2025/06/${EXECUTION_NAME}.md`,
  },
};

const SOURCE = {
  DBInstanceIdentifier: 'interactions-prod-postgres',
  DBInstanceStatus: 'available',
  LatestRestorableTime: new Date('2025-06-01T10:05:00Z'),
  BackupRetentionPeriod: 30,
  InstanceCreateTime: new Date('2024-01-01T00:00:00Z'),
};

function givenSource(source: Record<string, unknown> = SOURCE, instanceTaken = false): void {
  rds
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'interactions-prod-postgres' })
    .resolves({ DBInstances: [source] });
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: INSTANCE }).callsFake(async () => {
    if (instanceTaken) return { DBInstances: [{ DBInstanceIdentifier: INSTANCE }] };
    throw new DBInstanceNotFoundFault({ message: `DBInstance ${INSTANCE} not found.`, $metadata: {} });
  });
}

beforeEach(() => {
  sfn.reset();
  rds.reset();
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [{ name: MACHINE, stateMachineArn: MACHINE_ARN, type: 'STANDARD', creationDate: START }],
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: START });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
});

describe('drill run pitr', () => {
  it('starts the recovery test with the operator request, follows it and prints RTO, RPO and every check', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: MACHINE_ARN,
      status: 'SUCCEEDED',
      startDate: START,
      stopDate: STOP,
      output: JSON.stringify(OUTPUT),
    });

    // Act
    const result = await run(['drill', 'run', 'prod', 'pitr', '--restore-point', '2025-06-01T10:00:00Z']);

    // Assess
    expect(result.code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start).toMatchObject({ stateMachineArn: MACHINE_ARN, name: EXECUTION_NAME });
    expect(JSON.parse(start?.input ?? '')).toEqual({ requestedBy: 'cli:alice', restorePoint: '2025-06-01T10:00:00Z' });
    expect(result.stdout).toContain('2025-06-01T10:05:00.000Z (latest)');
    expect(result.stdout).toMatch(/RTO\s+2040 s \(objective 60 min, met: yes\)/);
    expect(result.stdout).toMatch(/RPO\s+60 s \(objective 5 min, met: yes\)/);
    expect(result.stdout).toMatch(/check newest interactions\.created_at\s+pass: RPO 1m 0s \(30 ms\)/);
    expect(result.stdout).toContain(OUTPUT.report.markdown);
  });

  it('prints the JSON output with --json', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'SUCCEEDED',
      startDate: START,
      stopDate: STOP,
      output: JSON.stringify(OUTPUT),
    });

    // Act
    const result = await run(['drill', 'run', 'prod', 'pitr', '--json']);

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rtoSeconds: 2040, rpoSeconds: 60, temporaryInstance: INSTANCE });
  });

  it('exits 1 with the cause when the drill fails', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      startDate: START,
      stopDate: STOP,
      error: 'RecoveryTestFailed',
      cause:
        'Notified: recovery-test execution x failed with RecoveryTestFailed: Data checks failed on x: interactions has rows: 0 rows',
    });

    // Act
    const result = await run(['drill', 'run', 'prod', 'pitr']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RecoveryTestFailed');
    expect(result.stderr).toContain('interactions has rows');
  });

  it('refuses a malformed --restore-point before any AWS call (exit 2)', async () => {
    // Act
    const result = await run(['drill', 'run', 'prod', 'pitr', '--restore-point', 'yesterday']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('restorePoint');
    expect(sfn.calls()).toHaveLength(0);
    expect(rds.calls()).toHaveLength(0);
  });

  it('refuses an unknown drill naming the ones it knows (exit 2)', async () => {
    // Act
    const result = await run(['drill', 'run', 'prod', 'chaos']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown drill 'chaos': expected pitr");
  });
});

describe('drill run pitr --dry-run', () => {
  it('resolves the window, the point and the instance name, restores nothing, exits 0', async () => {
    // Prepare
    givenSource();

    // Act
    const result = await run(['drill', 'run', 'prod', 'pitr', '--dry-run']);

    // Assess
    expect(result.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(result.stdout).toContain('Dry run: nothing started.');
    expect(result.stdout).toMatch(/restorable window\s+2025-05-02T10:11:12\.345Z to 2025-06-01T10:05:00\.000Z/);
    expect(result.stdout).toMatch(/restore point\s+2025-06-01T10:05:00\.000Z \(latest\)/);
    expect(result.stdout).toContain(`${INSTANCE} (db.t3.large, name free)`);
    expect(FIXED_NOW.toISOString()).toBe('2025-06-01T10:11:12.345Z');
  });

  it('would fail (exit 1) for a restore point after LatestRestorableTime, naming the window', async () => {
    // Prepare
    givenSource();

    // Act
    const result = await run(['drill', 'run', 'prod', 'pitr', '--dry-run', '--restore-point', '2025-06-01T10:10:00Z']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'would fail: Restore point 2025-06-01T10:10:00.000Z is after the LatestRestorableTime',
    );
  });

  it('would fail when the source keeps no automated backups, or the instance name is taken', async () => {
    // Prepare
    givenSource({ ...SOURCE, BackupRetentionPeriod: 0 }, true);

    // Act
    const result = await run(['drill', 'run', 'prod', 'pitr', '--dry-run', '--json']);

    // Assess
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { blockers: string[] };
    expect(report.blockers).toEqual([
      expect.stringContaining('keeps no automated backups'),
      `a DB instance named ${INSTANCE} already exists`,
    ]);
  });
});
