/**
 * The synthesized cache snapshot state machine, run locally on the workflow testbed: real handlers
 * for the workflow's functions, notify-outcome mocked at the Lambda state (its reports are tested in
 * on-demand-snapshot.test.ts), ElastiCache SDK integrations mocked per state.
 */
import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { type MockedResponse, validateDefinition } from '../support/state-machine-harness.js';
import { retentionDaysTagged, workflowTestbed } from '../support/workflow-testbed.js';

const bed = workflowTestbed({ workflow: 'cache-snapshot', env: 'prod' });

const EXECUTION = 'nightly-2025-01-01';
const NAME = 'interactions-prod-nightly-2025-01-01';

const elastiCache = mockClient(ElastiCacheClient);
beforeEach(() => elastiCache.reset());

const ok = (value: unknown): MockedResponse => ({ Return: value });
const cacheSnapshot = (status: string) => ({
  SnapshotName: NAME,
  ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}`,
  ReplicationGroupId: 'interactions-prod',
  SnapshotStatus: status,
  SnapshotSource: 'manual',
  Engine: 'redis',
  NodeSnapshots: [{ NodeGroupId: '0001', CacheSize: '6 MB', SnapshotCreateTime: '2025-01-01T02:31:00Z' }],
});
const ownTags = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: EXECUTION },
  { Key: 'interactions:environment', Value: 'prod' },
];
const alreadyExists = {
  Throw: { Error: 'ElastiCache.SnapshotAlreadyExistsException', Cause: 'Snapshot already exists' },
};
const FAILURE_TAIL = ['Notify failure', 'Build failure message', 'Fail'];
const notifyOk = ok({
  reports: { bucket: 'interactions-prod-automation-reports', json: 'r.json', markdown: 'r.md' },
  messageId: 'm',
});
const run = (mocks: Record<string, MockedResponse | MockedResponse[]>, input: unknown = { requestedBy: 'nightly' }) =>
  bed.run({ input, executionName: EXECUTION, mocks });

describe('cache snapshot workflow', () => {
  it('has a valid JSONPath definition with an overall timeout', () => {
    validateDefinition(bed.sm.definition);
    expect(bed.sm.definition.TimeoutSeconds).toBe(3600);
  });

  it('snapshots the replication group under a name from the execution, verifies and reports it', async () => {
    // Act
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME, SnapshotStatus: 'creating' } }),
      'Describe snapshot': [
        ok({ Snapshots: [cacheSnapshot('creating')] }),
        ok({ Snapshots: [cacheSnapshot('available')] }),
      ],
      'Notify success': notifyOk,
    });

    // Assess: the whole path, once per workflow
    expect(result).toHaveSucceeded();
    expect(result.path).toEqual([
      'Validate request',
      'Create snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Verify snapshot',
      'Notify success',
      'Build output',
      'Snapshot ready',
    ]);
    expect(result.sdkCalls.find((c) => c.state === 'Create snapshot')?.parameters).toMatchObject({
      ReplicationGroupId: 'interactions-prod',
      SnapshotName: NAME,
      Tags: expect.arrayContaining([
        { Key: 'interactions:managed-by', Value: 'interactions-automation' },
        { Key: 'interactions:execution', Value: EXECUTION },
      ]),
    });
    expect(result.output).toEqual({
      snapshot: {
        id: NAME,
        arn: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}`,
        status: 'available',
        replicationGroup: 'interactions-prod',
        engine: 'redis',
        nodeSnapshots: 1,
        nodeSizes: { '0001': '6 MB' },
        createdAt: '2025-01-01T02:31:00.000Z',
      },
      report: {
        json: 's3://interactions-prod-automation-reports/r.json',
        markdown: 's3://interactions-prod-automation-reports/r.md',
      },
    });
  });

  it("tags the snapshot to expire after the request's retainDays", async () => {
    // Prepare
    const startedAt = new Date();

    // Act
    const result = await run(
      {
        'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
        'Describe snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
        'Notify success': notifyOk,
      },
      { requestedBy: 'alice', retainDays: 3 },
    );

    // Assess
    expect(result).toHaveSucceeded();
    expect(retentionDaysTagged(result, 'Create snapshot', startedAt)).toBe(3);
  });

  it('rejects a name outside the environment prefix before any AWS call', async () => {
    // Act
    const result = await run({ 'Notify failure': ok({}) }, { snapshotName: 'interactions-dev-x', requestedBy: 'bob' });

    // Assess
    expect(result).toHaveFailedWith('ValidationError');
    expect(result.sdkCalls).toEqual([]);
    expect(result).toHavePassedThrough('Validate request', 'Snapshot created?');
    expect(result).not.toHavePassedThrough('Create snapshot');
    expect(result).toHaveEndedWith(...FAILURE_TAIL);
  });

  it('fails on a duplicate name and deletes nothing', async () => {
    // Act
    const result = await run({
      'Create snapshot': alreadyExists,
      'Describe existing snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
      'List existing snapshot tags': ok({ TagList: [ownTags[0], { Key: 'interactions:execution', Value: 'other' }] }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError');
    expect(result).toHavePassedThrough(
      'Create snapshot',
      'Describe existing snapshot',
      'Existing snapshot found?',
      'List existing snapshot tags',
      'Existing snapshot has tags?',
      'Note this execution',
      'Check owner tags',
      'Created by this execution?',
      'Reject duplicate name',
    );
    expect(result).toHaveEndedWith('Reject duplicate name', 'Snapshot created?', ...FAILURE_TAIL);
    expect(elastiCache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
  });

  it('rejects a duplicate name when the existing snapshot vanished before Describe', async () => {
    // Act
    const result = await run({
      'Create snapshot': alreadyExists,
      'Describe existing snapshot': ok({ Snapshots: [] }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError');
    expect(result).toHaveEndedWith(
      'Existing snapshot found?',
      'Reject duplicate name',
      'Snapshot created?',
      ...FAILURE_TAIL,
    );
    expect(result.sdkCalls.map((c) => c.state)).not.toContain('List existing snapshot tags');
  });

  it('rejects a duplicate name held by a snapshot whose tag list is missing (no uncatchable States.Runtime)', async () => {
    // Act: ListTagsForResource answers without a TagList
    const result = await run({
      'Create snapshot': alreadyExists,
      'Describe existing snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
      'List existing snapshot tags': ok({}),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError');
    expect(result).toHaveEndedWith(
      'Existing snapshot has tags?',
      'Reject duplicate name',
      'Snapshot created?',
      ...FAILURE_TAIL,
    );
  });

  it('adopts its own snapshot when a retried create finds the first attempt went through', async () => {
    // Act
    const result = await run({
      'Create snapshot': [
        { Throw: { Error: 'ElastiCache.SdkClientException', Cause: 'Read timed out' } },
        alreadyExists,
      ],
      'Describe existing snapshot': ok({ Snapshots: [cacheSnapshot('creating')] }),
      'List existing snapshot tags': ok({ TagList: ownTags }),
      'Describe snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
      'Notify success': notifyOk,
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.retries['Create snapshot']).toBe(1);
    expect(result.sdkCalls.find((c) => c.state === 'List existing snapshot tags')?.parameters).toEqual({
      ResourceName: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}`,
    });
    const adopted = result.path.indexOf('Created by this execution?');
    expect(result.path.slice(adopted, adopted + 5)).toEqual([
      'Created by this execution?',
      'Adopt own snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
    ]);
    expect(result).not.toHavePassedThrough('Reject duplicate name');
  });

  it('keeps the verified snapshot when the success notification fails, and reports the failure', async () => {
    // Prepare
    elastiCache.on(DeleteSnapshotCommand).resolves({});

    // Act
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
      'Notify success': { Throw: { Error: 'S3.AccessDenied', Cause: 'report bucket refused the write' } },
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('S3.AccessDenied');
    expect(result).toHaveEndedWith('Verify snapshot', 'Notify success', 'Snapshot created?', ...FAILURE_TAIL);
    expect(result).not.toHavePassedThrough('Delete snapshot');
    expect(elastiCache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
    expect(result).toHaveNotified({ status: 'FAILED', error: 'S3.AccessDenied' });
  });

  it('fails with QuotaExceededError when ElastiCache refuses the create for quota, deleting nothing', async () => {
    // Act
    const result = await run({
      'Create snapshot': { Throw: { Error: 'ElastiCache.SnapshotQuotaExceededException', Cause: 'quota' } },
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('QuotaExceededError', 'quota is exhausted');
    expect(result).toHavePassedThrough('Create snapshot', 'Reject quota exceeded');
    expect(result).toHaveEndedWith('Reject quota exceeded', 'Snapshot created?', ...FAILURE_TAIL);
    expect(result).not.toHavePassedThrough('Delete snapshot');
  });

  it.each([
    ['still creating', [cacheSnapshot('creating')]],
    ['an empty Describe result (not yet visible)', []],
  ])('gives up waiting on %s within the budget, cleans up and notifies', async (_label, snapshots) => {
    // Prepare
    elastiCache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotStatus: 'creating', ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}` }],
    });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: ownTags });

    // Act
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: snapshots }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('WaitTimedOutError', 'was not available after');
    expect(result).toHaveEndedWith(
      'Snapshot available?',
      'Snapshot wait timed out',
      'Snapshot created?',
      'Delete snapshot',
      ...FAILURE_TAIL,
    );
    expect(result.virtualSeconds).toBeLessThan(60 * 60);
  });

  it('deletes its own failed snapshot, notifies and fails', async () => {
    // Prepare
    elastiCache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotStatus: 'failed', ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}` }],
    });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: ownTags });
    elastiCache.on(DeleteSnapshotCommand).resolves({});

    // Act
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: [cacheSnapshot('failed')] }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceFailedError');
    expect(result).toHaveEndedWith('Snapshot creation failed', 'Snapshot created?', 'Delete snapshot', ...FAILURE_TAIL);
    expect(elastiCache.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      { SnapshotName: NAME },
    ]);
    expect(result).toHaveNotified({ severity: 'high', status: 'FAILED' });
  });

  it('reports a refused cleanup (snapshot not ours) and still notifies and fails', async () => {
    // Prepare
    elastiCache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available', ARN: 'arn:x' }] });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: [] });

    // Act
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: [{ ...cacheSnapshot('available'), SnapshotSource: 'automated' }] }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('VerificationFailedError');
    expect(result).toHaveEndedWith('Delete snapshot', ...FAILURE_TAIL);
    expect(elastiCache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
    expect(result.lambdaInvocations.find((i) => i.state === 'Delete snapshot')?.error?.Error).toBe('TagGuardError');
  });
});
