import { DBSnapshotNotFoundFault, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from './harness.js';

const sfn = mockClient(SFNClient);
const rds = mockClient(RDSClient);

const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-on-demand-snapshot';
const EXECUTION_NAME = 'cli-interactions-pre-migration-20250601T101112';
const EXECUTION_ARN = `arn:aws:states:us-east-1:123456789012:execution:interactions-prod-on-demand-snapshot:${EXECUTION_NAME}`;
const START = new Date('2025-06-01T10:11:13Z');
const STOP = new Date('2025-06-01T10:15:25Z');

const EXECUTION_CONSOLE = `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${EXECUTION_ARN}`;
const REPORT_CONSOLE =
  'https://us-east-1.console.aws.amazon.com/s3/object/interactions-prod-automation-reports?region=us-east-1&bucketType=general&prefix=snapshots%2Finteractions-pre-migration.md';

const WORKFLOW_OUTPUT = {
  snapshot: {
    id: 'interactions-pre-migration',
    arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
    status: 'available',
    encrypted: true,
    allocatedStorageGiB: 100,
    sourceInstance: 'interactions-prod-postgres',
    createdAt: '2025-06-01T10:11:20Z',
  },
  report: {
    json: 's3://interactions-prod-automation-reports/snapshots/interactions-pre-migration.json',
    markdown: 's3://interactions-prod-automation-reports/snapshots/interactions-pre-migration.md',
  },
};

function entered(id: number, name: string): HistoryEvent {
  return {
    id,
    previousEventId: id - 1,
    type: name.endsWith('?') ? 'ChoiceStateEntered' : 'TaskStateEntered',
    timestamp: START,
    stateEnteredEventDetails: { name },
  };
}
const started: HistoryEvent = { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: START };
const exited = (id: number, name: string): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  type: 'TaskStateExited',
  timestamp: START,
  stateExitedEventDetails: { name },
});

/** Newest first, as GetExecutionHistory returns with reverseOrder. */
const newestFirst = (events: HistoryEvent[]) => [...events].reverse();

function givenStateMachineOnSecondPage(): void {
  sfn
    .on(ListStateMachinesCommand)
    .resolvesOnce({
      stateMachines: [
        {
          name: 'interactions-staging-on-demand-snapshot',
          stateMachineArn: MACHINE_ARN.replace('prod', 'staging'),
          type: 'STANDARD',
          creationDate: START,
        },
      ],
      nextToken: 'page-2',
    })
    .resolvesOnce({
      stateMachines: [
        {
          name: 'interactions-prod-on-demand-snapshot',
          stateMachineArn: MACHINE_ARN,
          type: 'STANDARD',
          creationDate: START,
        },
      ],
    });
}

beforeEach(() => {
  sfn.reset();
  rds.reset();
  givenStateMachineOnSecondPage();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: START });
});

describe('backup create-snapshot: success', () => {
  beforeEach(() => {
    // Prepare: RUNNING on the first poll, SUCCEEDED on the second; the history grows in between.
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ executionArn: EXECUTION_ARN, stateMachineArn: MACHINE_ARN, status: 'RUNNING', startDate: START })
      .resolvesOnce({
        executionArn: EXECUTION_ARN,
        stateMachineArn: MACHINE_ARN,
        status: 'SUCCEEDED',
        startDate: START,
        stopDate: STOP,
        output: JSON.stringify(WORKFLOW_OUTPUT),
      });
    const first = [started, entered(2, 'Create snapshot')];
    const all = [
      ...first,
      exited(3, 'Create snapshot'),
      entered(4, 'Wait for snapshot'),
      entered(5, 'Snapshot available?'),
      entered(6, 'Verify snapshot'),
      entered(7, 'Write report'),
    ];
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: newestFirst(first) })
      .resolvesOnce({ events: newestFirst(all) });
  });

  it('starts the workflow with the exact input, prints progress and the snapshot, exits 0', async () => {
    // Act
    const result = await run([
      'backup',
      'create-snapshot',
      'prod',
      'interactions-pre-migration',
      '--reason',
      'release 42',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    const request = starts[0]?.args[0].input;
    expect(request?.stateMachineArn).toBe(MACHINE_ARN);
    expect(request?.name).toBe(EXECUTION_NAME);
    expect(JSON.parse(request?.input ?? '')).toEqual({
      snapshotName: 'interactions-pre-migration',
      requestedBy: 'cli:alice',
      reason: 'release 42',
    });
    expect(sfn.commandCalls(ListStateMachinesCommand)[1]?.args[0].input.nextToken).toBe('page-2');
    // No terminal: timestamped lines (the history events' times), one per state.
    expect(result.stderr).toBe(
      [
        `2025-06-01T10:11:13Z started ${EXECUTION_NAME}`,
        '2025-06-01T10:11:13Z → Create snapshot',
        '2025-06-01T10:11:13Z → Wait for snapshot',
        '2025-06-01T10:11:13Z → Snapshot available?',
        '2025-06-01T10:11:13Z → Verify snapshot',
        '2025-06-01T10:11:13Z → Write report',
        '2025-06-01T10:15:25Z SUCCEEDED',
        '',
      ].join('\n'),
    );
    expect(result.stdout).toBe(
      [
        'snapshot           interactions-pre-migration',
        'status             available',
        'source instance    interactions-prod-postgres',
        'created at         2025-06-01T10:11:20Z',
        'size GiB           100',
        'encrypted          yes',
        'arn                arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
        'retained           35 days, then deleted by housekeeping (environment default)',
        'report (json)      s3://interactions-prod-automation-reports/snapshots/interactions-pre-migration.json',
        'report (markdown)  s3://interactions-prod-automation-reports/snapshots/interactions-pre-migration.md',
        `report console     ${REPORT_CONSOLE}`,
        `execution          ${EXECUTION_ARN} (SUCCEEDED in 4m 12s)`,
        `execution console  ${EXECUTION_CONSOLE}`,
        '',
      ].join('\n'),
    );
    // One sleep between the RUNNING and the SUCCEEDED poll, at the injected interval.
    expect(result.sleeps).toEqual([0]);
    // The second history read stopped at the first already-seen event: no further page requested.
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(2);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toMatchObject({
      executionArn: EXECUTION_ARN,
      reverseOrder: true,
    });
    expect(rds.calls()).toHaveLength(0);
  });

  it('omits reason when none is given', async () => {
    await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration']);

    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '';
    expect(JSON.parse(input)).toEqual({ snapshotName: 'interactions-pre-migration', requestedBy: 'cli:alice' });
  });

  it('prints JSON only with --json when stdout is not a terminal', async () => {
    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--json']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      execution: {
        arn: EXECUTION_ARN,
        name: EXECUTION_NAME,
        status: 'SUCCEEDED',
        startDate: '2025-06-01T10:11:13Z',
        stopDate: '2025-06-01T10:15:25Z',
        durationSeconds: 252,
        console: EXECUTION_CONSOLE,
      },
      ...WORKFLOW_OUTPUT,
      links: { report: REPORT_CONSOLE },
    });
  });

  it('shows progress on stderr with --json when stdout is a terminal', async () => {
    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--json'], {
      stdoutIsTty: true,
    });

    expect(result.stderr).toContain('→ Verify snapshot\n');
    expect(JSON.parse(result.stdout).snapshot.id).toBe('interactions-pre-migration');
  });
});

describe('backup create-snapshot: failure', () => {
  it('exits 1 and prints the execution error and cause', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: MACHINE_ARN,
      status: 'FAILED',
      startDate: START,
      stopDate: STOP,
      error: 'SnapshotQuotaExceeded',
      cause: JSON.stringify({
        errorType: 'SnapshotQuotaExceeded',
        errorMessage: 'manual snapshot quota reached: 100 / 100',
        trace: ['at handler'],
      }),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: newestFirst([started, entered(2, 'Check quota'), entered(3, 'Snapshot failed')]),
    });

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('2025-06-01T10:11:13Z → Check quota\n2025-06-01T10:11:13Z → Snapshot failed\n');
    expect(result.stderr).toContain(
      `Execution FAILED: SnapshotQuotaExceeded\n  cause: manual snapshot quota reached: 100 / 100\n  execution: ${EXECUTION_ARN}\n  console: ${EXECUTION_CONSOLE}\n`,
    );
    expect(result.sleeps).toEqual([]);
  });

  it('prints a plain-text cause as is, and the failure as JSON with --json', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: MACHINE_ARN,
      status: 'TIMED_OUT',
      startDate: START,
      stopDate: STOP,
      error: 'States.Timeout',
      cause: 'snapshot not available after 2 hours',
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--json']);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).execution).toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: 'snapshot not available after 2 hours',
    });
    expect(result.stderr).toContain('cause: snapshot not available after 2 hours');
  });

  it('succeeds and prints - when the workflow reports no ARN or creation time (null)', async () => {
    const output = { ...WORKFLOW_OUTPUT, snapshot: { ...WORKFLOW_OUTPUT.snapshot, arn: null, createdAt: null } };
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: MACHINE_ARN,
      status: 'SUCCEEDED',
      startDate: START,
      stopDate: STOP,
      output: JSON.stringify(output),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created at +-$/m);
    expect(result.stdout).toMatch(/^arn +-$/m);
  });

  it('prints the nulls as JSON with --json when the workflow reports no ARN or creation time', async () => {
    const output = { ...WORKFLOW_OUTPUT, snapshot: { ...WORKFLOW_OUTPUT.snapshot, arn: null, createdAt: null } };
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: MACHINE_ARN,
      status: 'SUCCEEDED',
      startDate: START,
      stopDate: STOP,
      output: JSON.stringify(output),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--json']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ snapshot: { arn: null, createdAt: null } });
  });

  it('exits 1 when the workflow succeeds with output that breaks the contract', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: MACHINE_ARN,
      status: 'SUCCEEDED',
      startDate: START,
      output: JSON.stringify({ snapshot: { id: 'interactions-pre-migration' } }),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("output breaks the workflow's contract");
    expect(result.stderr).toContain('snapshot.arn');
  });

  it('exits 1 naming the state machine when it is not deployed', async () => {
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });

    const result = await run(['backup', 'create-snapshot', 'dev', 'interactions-pre-migration']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("state machine 'interactions-dev-on-demand-snapshot' not found in us-east-1");
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('backup create-snapshot --no-wait', () => {
  it('prints the execution ARN and exits 0 without polling', async () => {
    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--no-wait']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${EXECUTION_ARN}\n`);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it('prints the started execution as JSON with --json', async () => {
    const result = await run([
      'backup',
      'create-snapshot',
      'prod',
      'interactions-pre-migration',
      '--no-wait',
      '--json',
    ]);

    expect(JSON.parse(result.stdout)).toEqual({
      executionArn: EXECUTION_ARN,
      executionName: EXECUTION_NAME,
      stateMachineArn: MACHINE_ARN,
      input: { snapshotName: 'interactions-pre-migration', requestedBy: 'cli:alice' },
      console: EXECUTION_CONSOLE,
    });
  });
});

describe('backup create-snapshot --dry-run', () => {
  /**
   * Two pages of manual snapshots. The second page only answers a request carrying the first page's
   * Marker, so a count that adds up proves the pagination was followed.
   */
  function givenManualSnapshots(firstPage: number, secondPage: number): void {
    const page = (length: number) => Array.from({ length }, () => ({ SnapshotType: 'manual' }));
    rds
      .on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' })
      .resolves({ DBSnapshots: page(firstPage), Marker: 'm' });
    rds
      .on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual', Marker: 'm' })
      .resolves({ DBSnapshots: page(secondPage) });
  }

  it('checks read-only and prints what would be started, without StartExecution', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'interactions-pre-migration' })
      .rejects(
        new DBSnapshotNotFoundFault({ message: 'DBSnapshot interactions-pre-migration not found.', $metadata: {} }),
      );
    givenManualSnapshots(10, 2);

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--dry-run']);

    expect(result.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(result.stdout).toBe(
      [
        'Dry run: nothing started.',
        `state machine     ${MACHINE_ARN}`,
        `execution name    ${EXECUTION_NAME}`,
        'input             {"snapshotName":"interactions-pre-migration","requestedBy":"cli:alice"}',
        'snapshot id       free',
        'manual snapshots  12 / 100 (us-east-1)',
        'retained          35 days, then deleted by housekeeping (environment default)',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
  });

  it('exits 1 when the snapshot id is taken or the quota is reached, following pagination', async () => {
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'interactions-pre-migration' }).resolves({
      DBSnapshots: [{ DBSnapshotIdentifier: 'interactions-pre-migration', Status: 'available' }],
    });
    givenManualSnapshots(100, 0);

    const result = await run([
      'backup',
      'create-snapshot',
      'prod',
      'interactions-pre-migration',
      '--dry-run',
      '--json',
    ]);

    expect(result.code).toBe(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(JSON.parse(result.stdout)).toEqual({
      dryRun: true,
      wouldStart: {
        stateMachineArn: MACHINE_ARN,
        executionName: EXECUTION_NAME,
        input: { snapshotName: 'interactions-pre-migration', requestedBy: 'cli:alice' },
      },
      checks: { snapshotIdFree: false, manualSnapshots: 100, quota: 100, retainDays: 35 },
      blockers: [
        "snapshot 'interactions-pre-migration' already exists (available)",
        'manual snapshot quota reached in us-east-1: 100 / 100',
      ],
      warnings: [],
    });
  });

  it('warns near the quota and counts snapshots across pages', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'interactions-pre-migration' })
      .rejects(new DBSnapshotNotFoundFault({ message: 'not found', $metadata: {} }));
    // 85 of 100: above prod's warning fraction (0.8), below the quota.
    givenManualSnapshots(60, 25);

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--dry-run']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('manual snapshots  85 / 100 (us-east-1)');
    expect(result.stderr).toBe('warning: manual snapshots at 85 of the quota 100 in us-east-1\n');
    expect(rds.commandCalls(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' })).toHaveLength(2);
  });

  it('fails on an RDS error other than not-found', async () => {
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'interactions-pre-migration' }).rejects(
      Object.assign(new Error('User is not authorized to perform: rds:DescribeDBSnapshots'), {
        name: 'AccessDenied',
      }),
    );

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration', '--dry-run']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: AccessDenied: User is not authorized');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('backup create-snapshot --retain-days', () => {
  it('passes retainDays in the input and says when housekeeping deletes the snapshot', async () => {
    // Prepare: two runs, so the state machine is listed on one page each time.
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        {
          name: 'interactions-prod-on-demand-snapshot',
          stateMachineArn: MACHINE_ARN,
          type: 'STANDARD',
          creationDate: START,
        },
      ],
    });
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'interactions-pre-migration' })
      .rejects(new DBSnapshotNotFoundFault({ message: 'not found', $metadata: {} }));
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [] });

    // Act
    const dryRun = await run([
      'backup',
      'create-snapshot',
      'prod',
      'interactions-pre-migration',
      '--retain-days',
      '365',
      '--dry-run',
    ]);
    const started = await run([
      'backup',
      'create-snapshot',
      'prod',
      'interactions-pre-migration',
      '--retain-days',
      '365',
      '--no-wait',
    ]);

    // Assess
    expect(dryRun.stdout).toContain(
      'input             {"snapshotName":"interactions-pre-migration","requestedBy":"cli:alice","retainDays":365}',
    );
    expect(dryRun.stdout).toContain('retained          365 days, then deleted by housekeeping\n');
    expect(started.code).toBe(0);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '')).toEqual({
      snapshotName: 'interactions-pre-migration',
      requestedBy: 'cli:alice',
      retainDays: 365,
    });
  });
});

describe('backup create-snapshot: Ctrl-C while following', () => {
  it('stops following, says the execution still runs and how to follow it, exits 130', async () => {
    // Prepare: the execution keeps running; the user presses Ctrl-C during the first wait.
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION_ARN, stateMachineArn: MACHINE_ARN, status: 'RUNNING', startDate: START });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: newestFirst([started, entered(2, 'Create snapshot')]) });
    const interrupt = new AbortController();

    // Act
    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration'], {
      interrupt: interrupt.signal,
      sleep: async () => {
        interrupt.abort();
        throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      },
    });

    // Assess
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      `Stopped following; the execution is still running in Step Functions: ${EXECUTION_NAME}\n` +
        `  follow it again: npx interactions-ops executions watch ${EXECUTION_ARN}\n` +
        `  console:         ${EXECUTION_CONSOLE}\n` +
        // The AWS CLI sends to its own configured region, which may not be the execution's.
        `  stop it:         aws stepfunctions stop-execution --region us-east-1 --execution-arn ${EXECUTION_ARN}\n`,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('says nothing was started when Ctrl-C comes before the start', async () => {
    const interrupt = new AbortController();
    interrupt.abort();

    const result = await run(['backup', 'create-snapshot', 'prod', 'interactions-pre-migration'], {
      interrupt: interrupt.signal,
    });

    expect(result.code).toBe(130);
    expect(result.stderr).toContain('nothing was started');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
