/**
 * The synthesized cache snapshot state machine, run locally on the workflow testbed: real handlers
 * for the workflow's functions, ElastiCache SDK integrations mocked per state. The lifecycle it
 * shares with the on-demand snapshot runs as snapshot-lifecycle.scenarios.ts; this file adds what
 * only ElastiCache has (a name from the execution under the environment prefix, tags read with
 * ListTagsForResource).
 */
import { workflowTestbed } from '../support/workflow-testbed.js';
import {
  CACHE_EXECUTION,
  CACHE_SNAPSHOT,
  CACHE_SNAPSHOT_ARN,
  cacheLifecycleFixture,
  cacheSnapshot,
  FAILURE_TAIL,
  ok,
  POLL,
  SUCCESS_TAIL,
} from './snapshot-lifecycle.fixtures.js';
import { describeSnapshotLifecycle } from './snapshot-lifecycle.scenarios.js';

const bed = workflowTestbed({ workflow: 'cache-snapshot', env: 'prod' });
const cache = cacheLifecycleFixture(bed);
const { run, created, ownTags, errors } = cache;
const alreadyExists = { Throw: { Error: errors.alreadyExists, Cause: 'Snapshot already exists' } };
/** notify-outcome mocked at its state: the output's report URIs are then known. */
const notifyOk = ok({
  reports: { bucket: 'interactions-prod-automation-reports', json: 'r.json', markdown: 'r.md' },
  messageId: 'm',
});

describeSnapshotLifecycle(cache);

describe('cache snapshot workflow', () => {
  it('snapshots the replication group under a name from the execution, verifies and reports it', async () => {
    // Act
    const result = await run({
      ...created,
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
      ...POLL,
      ...POLL,
      'Verify snapshot',
      ...SUCCESS_TAIL,
    ]);
    expect(result.sdkCalls.find((c) => c.state === 'Create snapshot')?.parameters).toMatchObject({
      ReplicationGroupId: 'interactions-prod',
      SnapshotName: CACHE_SNAPSHOT,
      Tags: expect.arrayContaining([
        { Key: 'interactions:managed-by', Value: 'interactions-automation' },
        { Key: 'interactions:execution', Value: CACHE_EXECUTION },
      ]),
    });
    expect(result.output).toEqual({
      snapshot: {
        id: CACHE_SNAPSHOT,
        arn: CACHE_SNAPSHOT_ARN,
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

  it('rejects a name outside the environment prefix before any AWS call', async () => {
    // Act
    const result = await run({ 'Notify failure': ok({}) }, { snapshotName: 'interactions-dev-x', requestedBy: 'bob' });

    // Assess
    expect(result).toHaveFailedWith('ValidationError', 'snapshotName');
    expect(result.sdkCalls).toEqual([]);
    expect(result).toHavePassedThrough('Validate request', 'Snapshot created?');
    expect(result).not.toHavePassedThrough('Create snapshot');
    expect(result).toHaveEndedWith(...FAILURE_TAIL);
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

  it('reads the tags of an existing snapshot with the ARN DescribeSnapshots returned', async () => {
    // Act
    const result = await run({
      'Create snapshot': [{ Throw: { Error: errors.network, Cause: 'Read timed out' } }, alreadyExists],
      ...cache.existing(ownTags, 'creating'),
      'Describe snapshot': cache.described('available'),
      'Notify success': notifyOk,
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.sdkCalls.find((c) => c.state === 'List existing snapshot tags')?.parameters).toEqual({
      ResourceName: CACHE_SNAPSHOT_ARN,
    });
    expect(result).toHavePassedThrough('List existing snapshot tags', 'Adopt own snapshot');
  });
});
