/**
 * The synthesized on-demand snapshot state machine, run locally on the workflow testbed: real
 * handlers for every Lambda task (notify-outcome writes its reports to the local S3 server; SNS is
 * mocked), mocked RDS SDK integrations per state.
 */
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { Duration } from 'aws-cdk-lib';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { MockedResponse } from '../support/state-machine-harness.js';
import { validateDefinition } from '../support/state-machine-harness.js';
import { retentionDaysTagged, type WorkflowInput, workflowTestbed } from '../support/workflow-testbed.js';

// 25-minute timeout, 5-minute polls: the wait loop budget (timeout - 15 min) allows two polls.
const bed = workflowTestbed({
  workflow: 'on-demand-snapshot',
  env: 'prod',
  props: { timeout: Duration.minutes(25), pollInterval: Duration.minutes(5) },
});

const INSTANCE = 'interactions-prod-postgres';
const EXECUTION = 'cli-pre-migration-1';
const FAILURE_TAIL = ['Notify failure', 'Build failure message', 'Fail'];

const ownTags = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: EXECUTION },
  { Key: 'interactions:environment', Value: 'prod' },
];
const snapshot = (status: string, extra: Record<string, unknown> = {}) => ({
  DbSnapshotIdentifier: 'interactions-pre-migration',
  DbSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
  DbInstanceIdentifier: INSTANCE,
  Status: status,
  Encrypted: true,
  AllocatedStorage: 100,
  SnapshotType: 'manual',
  Engine: 'postgres',
  SnapshotCreateTime: '2025-01-01T10:05:00Z',
  TagList: ownTags,
  ...extra,
});
const ok = (value: unknown): MockedResponse => ({ Return: value });
const baseMocks = {
  'Describe database': ok({
    DbInstances: [{ DbInstanceIdentifier: INSTANCE, AllocatedStorage: 100, Engine: 'postgres' }],
  }),
  'Check snapshot quota': ok({
    AccountQuotas: [
      { AccountQuotaName: 'DBInstances', Used: 3, Max: 40 },
      { AccountQuotaName: 'ManualSnapshots', Used: 12, Max: 100 },
    ],
  }),
  'Create snapshot': ok({
    DbSnapshot: {
      DbSnapshotIdentifier: 'interactions-pre-migration',
      DbSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
      Status: 'creating',
    },
  }),
};
const available = ok({ DbSnapshots: [snapshot('available')] });
const input: WorkflowInput<'on-demand-snapshot'> = {
  snapshotName: 'interactions-pre-migration',
  requestedBy: 'alice@example.com',
  reason: 'v2 migration',
};
const run = (mocks: Record<string, MockedResponse | MockedResponse[]>, runInput: unknown = input) =>
  bed.run({ input: runInput, executionName: EXECUTION, mocks });

/** An RDS SDK mock for the guarded-delete handler, restored after `body`. */
async function withRds(body: (rds: AwsClientStub<RDSClient>) => Promise<void>): Promise<void> {
  const rds = mockClient(RDSClient);
  try {
    await body(rds);
  } finally {
    rds.restore();
  }
}

describe('on-demand snapshot workflow', () => {
  it('has a valid JSONPath definition with an overall timeout', () => {
    validateDefinition(bed.sm.definition);
    expect(bed.sm.definition.TimeoutSeconds).toBe(25 * 60);
  });

  it('creates, waits for, verifies and reports the snapshot', async () => {
    // Act
    const result = await run({ ...baseMocks, 'Describe snapshot': available });

    // Assess: the whole path, once per workflow
    expect(result).toHaveSucceeded();
    expect(result.path).toEqual([
      'Validate request',
      'Describe database',
      'Check snapshot quota',
      'Snapshot quota left?',
      'Create snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Verify snapshot',
      'Notify success',
      'Build output',
      'Snapshot ready',
    ]);
    const create = result.sdkCalls.find((c) => c.state === 'Create snapshot');
    expect(create?.parameters).toEqual({
      DbInstanceIdentifier: INSTANCE,
      DbSnapshotIdentifier: 'interactions-pre-migration',
      Tags: [
        ...ownTags.slice(0, 2),
        { Key: 'interactions:expires-at', Value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
        ownTags[2],
        { Key: 'interactions:requested-by', Value: 'alice@example.com' },
      ],
    });
    expect(result.output?.snapshot).toEqual({
      id: 'interactions-pre-migration',
      arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
      status: 'available',
      encrypted: true,
      allocatedStorageGiB: 100,
      sourceInstance: INSTANCE,
      createdAt: '2025-01-01T10:05:00.000Z',
    });
    expect(result.output?.report.json).toMatch(
      new RegExp(`^s3://${bed.reportsBucket}/reports/on-demand-snapshot/\\d{4}/\\d{2}/${EXECUTION}\\.json$`),
    );
    // The report really is in the bucket, with the verified snapshot.
    expect(await bed.report(result)).toMatchObject({
      status: 'SUCCEEDED',
      severity: 'low',
      details: { snapshot: { id: 'interactions-pre-migration' } },
    });
    expect(bed.published()[0]?.TopicArn).toBe(bed.topics.low);
  });

  it("keeps the snapshot for the request's retainDays: its expires-at tag, which housekeeping deletes by", async () => {
    // Prepare
    const startedAt = new Date();

    // Act
    const result = await run({ ...baseMocks, 'Describe snapshot': available }, { ...input, retainDays: 400 });

    // Assess
    expect(result).toHaveSucceeded();
    expect(retentionDaysTagged(result, 'Create snapshot', startedAt)).toBe(400);
  });

  it("keeps the snapshot for the environment's retention when the request sets none", async () => {
    // Prepare
    const startedAt = new Date();

    // Act
    const result = await run({ ...baseMocks, 'Describe snapshot': available });

    // Assess: prod keeps manual snapshots 35 days (config automation.manualSnapshotRetentionDays)
    expect(retentionDaysTagged(result, 'Create snapshot', startedAt)).toBe(35);
  });

  it('rejects a malformed request before any AWS call', async () => {
    // Act
    const result = await run(
      { ...baseMocks, 'Notify failure': ok({}) },
      { snapshotName: 'Bad--Name', requestedBy: '' },
    );

    // Assess
    expect(result).toHaveFailedWith('ValidationError', 'request.snapshotName');
    expect(result).toHavePassedThrough('Validate request', 'Snapshot created?');
    expect(result).not.toHavePassedThrough('Describe database');
    expect(result).toHaveEndedWith(...FAILURE_TAIL);
    expect(result.sdkCalls).toEqual([]);
  });

  it('rejects a retainDays out of range before any AWS call', async () => {
    // Act
    const result = await run({ ...baseMocks, 'Notify failure': ok({}) }, { ...input, retainDays: 0 });

    // Assess
    expect(result).toHaveFailedWith('ValidationError', 'request.retainDays');
    expect(result.sdkCalls).toEqual([]);
  });

  it('fails on a duplicate name and deletes nothing', async () => {
    // Act
    const result = await run({
      ...baseMocks,
      'Create snapshot': {
        Throw: {
          Error: 'Rds.DbSnapshotAlreadyExistsException',
          Cause:
            'Cannot create the snapshot because a snapshot with the identifier interactions-pre-migration already exists.',
        },
      },
      'Describe existing snapshot': ok({
        DbSnapshots: [
          snapshot('available', {
            TagList: [
              { Key: 'interactions:managed-by', Value: 'interactions-automation' },
              { Key: 'interactions:execution', Value: 'someone-elses-run' },
            ],
          }),
        ],
      }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError', 'already exists');
    expect(result.cause).toContain('left untouched');
    expect(result).toHaveEndedWith(
      'Create snapshot',
      'Describe existing snapshot',
      'Existing snapshot has tags?',
      'Note this execution',
      'Check owner tags',
      'Created by this execution?',
      'Reject duplicate name',
      'Snapshot created?',
      ...FAILURE_TAIL,
    );
    expect(result).not.toHavePassedThrough('Delete snapshot');
  });

  it.each([
    ['an untagged snapshot', []],
    ['a snapshot whose tag list is missing', undefined],
    ['a snapshot tagged with this execution but not managed by the automation', [ownTags[1], ownTags[2]]],
    ['a snapshot of another environment with the same execution name', [ownTags[0], ownTags[1]]],
  ])('rejects a duplicate name held by %s', async (_label, tags) => {
    // Act
    const result = await run({
      ...baseMocks,
      'Create snapshot': { Throw: { Error: 'Rds.DbSnapshotAlreadyExistsException', Cause: 'exists' } },
      'Describe existing snapshot': ok({ DbSnapshots: [snapshot('available', { TagList: tags })] }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError');
    expect(result).toHavePassedThrough('Reject duplicate name');
    expect(result).not.toHavePassedThrough('Adopt own snapshot');
    expect(result).not.toHavePassedThrough('Delete snapshot');
  });

  it('adopts its own snapshot when a retried create finds the first attempt went through', async () => {
    // Act
    const result = await run({
      ...baseMocks,
      'Create snapshot': [
        { Throw: { Error: 'Rds.SdkClientException', Cause: 'Read timed out' } },
        { Throw: { Error: 'Rds.DbSnapshotAlreadyExistsException', Cause: 'exists' } },
      ],
      'Describe existing snapshot': ok({ DbSnapshots: [snapshot('creating')] }),
      'Describe snapshot': available,
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.retries['Create snapshot']).toBe(1);
    expect(result).toHavePassedThrough(
      'Describe existing snapshot',
      'Created by this execution?',
      'Adopt own snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Verify snapshot',
    );
    expect(result).toHaveEndedWith('Notify success', 'Build output', 'Snapshot ready');
    expect(result).not.toHavePassedThrough('Reject duplicate name');
    expect(result.output?.snapshot.id).toBe('interactions-pre-migration');
  });

  it('keeps the verified snapshot when the success notification fails, and reports the failure', async () => {
    await withRds(async (rds) => {
      // Prepare
      rds.on(DeleteDBSnapshotCommand).resolves({});

      // Act
      const result = await run({
        ...baseMocks,
        'Describe snapshot': available,
        'Notify success': { Throw: { Error: 'SNS.InternalErrorException', Cause: 'SNS unavailable' } },
        'Notify failure': ok({}),
      });

      // Assess
      expect(result).toHaveFailedWith('SNS.InternalErrorException');
      expect(result).toHaveEndedWith('Verify snapshot', 'Notify success', 'Snapshot created?', ...FAILURE_TAIL);
      expect(result).not.toHavePassedThrough('Delete snapshot');
      expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
      expect(result).toHaveNotified({ status: 'FAILED', error: 'SNS.InternalErrorException' });
    });
  });

  it('treats an empty Describe result as not yet available, then cleans up and notifies', async () => {
    await withRds(async (rds) => {
      // Prepare
      rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'creating', TagList: ownTags }] });

      // Act
      const result = await run({
        ...baseMocks,
        'Describe snapshot': ok({ DbSnapshots: [] }),
        'Notify failure': ok({}),
      });

      // Assess
      expect(result).toHaveFailedWith('WaitTimedOutError', 'not available after 2 polls');
      expect(result.path.filter((s) => s === 'Describe snapshot')).toHaveLength(2);
      expect(result).toHaveEndedWith('Snapshot created?', 'Delete snapshot', ...FAILURE_TAIL);
    });
  });

  it('creates when the quota answer lacks Max (nothing to compare) instead of stopping the execution', async () => {
    // Act
    const result = await run({
      ...baseMocks,
      'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 100 }] }),
      'Describe snapshot': available,
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result).toHavePassedThrough('Snapshot quota left?', 'Create snapshot');
  });

  it('fails before creating when the manual snapshot quota is used up', async () => {
    // Act
    const result = await run({
      ...baseMocks,
      'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 100, Max: 100 }] }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('QuotaExceededError', '100 of 100');
    expect(result).toHavePassedThrough('Check snapshot quota', 'Snapshot quota left?', 'Reject over quota');
    expect(result).toHaveEndedWith('Reject over quota', 'Snapshot created?', ...FAILURE_TAIL);
    expect(result.sdkCalls.map((c) => c.state)).not.toContain('Create snapshot');
  });

  it('fails with QuotaExceededError when RDS refuses the create for quota', async () => {
    // Act
    const result = await run({
      ...baseMocks,
      'Create snapshot': { Throw: { Error: 'Rds.SnapshotQuotaExceededException', Cause: 'quota' } },
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('QuotaExceededError');
    expect(result).toHavePassedThrough('Create snapshot', 'Reject quota exceeded');
    expect(result).not.toHavePassedThrough('Delete snapshot');
  });

  it('deletes its own snapshot, notifies and fails when RDS reports the snapshot failed', async () => {
    await withRds(async (rds) => {
      // Prepare
      rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'failed', TagList: ownTags }] });
      rds.on(DeleteDBSnapshotCommand).resolves({});

      // Act
      const result = await run({ ...baseMocks, 'Describe snapshot': ok({ DbSnapshots: [snapshot('failed')] }) });

      // Assess
      expect(result).toHaveFailedWith('ResourceFailedError');
      expect(result).toHaveEndedWith(
        'Snapshot available?',
        'Snapshot creation failed',
        'Snapshot created?',
        'Delete snapshot',
        ...FAILURE_TAIL,
      );
      expect(rds.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input)).toEqual([
        { DBSnapshotIdentifier: 'interactions-pre-migration' },
      ]);
      expect(result).toHaveNotified({ status: 'FAILED', severity: 'high', error: 'ResourceFailedError' });
      expect(bed.published()[0]?.TopicArn).toBe(bed.topics.high);
    });
  });

  it('counts a throttled Describe as a poll and keeps waiting (no retry inside the time-bounded loop)', async () => {
    // Act
    const result = await run({
      ...baseMocks,
      'Describe snapshot': [
        {
          Throw: {
            Error: 'Rds.RdsException',
            Cause: 'Rate exceeded (Service: Rds, Status Code: 400, Error Code: Throttling)',
          },
        },
        available,
      ],
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.retries['Describe snapshot']).toBeUndefined();
    expect(result.path.filter((state) => state === 'Describe snapshot')).toHaveLength(2);
  });

  it('gives up waiting within the timeout, cleans up (leaving a still-creating snapshot to the sweeper) and fails', async () => {
    await withRds(async (rds) => {
      // Prepare
      rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'creating', TagList: ownTags }] });

      // Act
      const result = await run({
        ...baseMocks,
        'Describe snapshot': ok({ DbSnapshots: [snapshot('creating')] }),
        'Notify failure': ok({}),
      });

      // Assess
      expect(result).toHaveFailedWith('WaitTimedOutError');
      expect(result).toHavePassedThrough('Snapshot wait timed out', 'Delete snapshot');
      expect(result).toHaveEndedWith('Delete snapshot', ...FAILURE_TAIL);
      expect(result.virtualSeconds).toBeLessThan(25 * 60);
      expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
      expect(result.lambdaInvocations.find((i) => i.state === 'Delete snapshot')?.result).toMatchObject({
        outcome: 'left-for-sweeper',
      });
    });
  });
});
