/**
 * One snapshot that cannot be deleted must not cost the night: it is recorded `failed`, every other
 * item is still deleted, the DR copy and the nightly cache snapshot still run, and the report says
 * the night partly failed, at the partial-failure severity (not the paging failure severity).
 */
import { CopyDBSnapshotCommand } from '@aws-sdk/client-rds';
import { scheduledEvent, workflowTestbed } from '../../support/workflow-testbed.js';
import {
  ago,
  calledWith,
  expiredCacheSnapshot,
  mockAws,
  ours,
  outputOf,
  RESPONSES,
  rds,
  snapshot,
} from './fixtures.js';

// prod: DR region and nightly cache snapshot on; partial failures go to the medium topic.
const bed = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'prod' });
const trigger = scheduledEvent();
const SOURCE = [snapshot('stubborn', { TagList: ours(ago(3)) }), snapshot('expired', { TagList: ours(ago(2)) })];
const CACHE = [expiredCacheSnapshot('interactions-prod-nightly-expired')];

describe('a snapshot whose delete keeps failing', () => {
  it('is recorded failed while the rest of the night runs, and the report is a partial failure', async () => {
    // Prepare
    mockAws({ source: SOURCE, cache: CACHE });
    const deleteFails = { Throw: { Error: 'Rds.KmsKeyNotAccessibleException', Cause: 'key disabled' } };

    // Act
    const run = await bed.run({
      input: trigger,
      executionName: trigger.id,
      mocks: {
        // Oldest expiry first: "stubborn" is deleted first.
        'Delete snapshot': [deleteFails, RESPONSES.rdsDeleted],
        'Delete cache snapshot': RESPONSES.cacheDeleted,
        'Snapshot cache': RESPONSES.cacheSnapshotStarted,
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(outputOf(run).deletions).toEqual([
      expect.objectContaining({ identifier: 'stubborn', outcome: 'failed', error: 'Rds.KmsKeyNotAccessibleException' }),
      { identifier: 'expired', outcome: 'deleted' },
    ]);
    expect(outputOf(run).partialFailure).toBe(true);
    expect(calledWith(run, 'Delete cache snapshot', 'SnapshotName')).toEqual(['interactions-prod-nightly-expired']);
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
    expect(run).toHavePassedThrough('Delete expired snapshots', 'Copy snapshot to DR region', 'Snapshot cache');
    expect(run).not.toHavePassedThrough('Notify failure');
    const sent = bed.published();
    expect(sent.map((p) => p.TopicArn)).toEqual([bed.topics.medium]);
    expect(sent[0]?.Message).toMatch(/some deletions failed/);
  });

  it('records a describe that fails for one cache snapshot and still prunes the others', async () => {
    // Prepare
    mockAws({ cache: [expiredCacheSnapshot('interactions-prod-a'), expiredCacheSnapshot('interactions-prod-b')] });

    // Act
    const run = await bed.run({
      input: trigger,
      mocks: {
        'Describe cache snapshot before delete': [
          { Throw: { Error: 'AccessDeniedException', Cause: 'not authorized' } },
          {
            Return: {
              identifier: 'interactions-prod-b',
              status: 'available',
              type: 'manual',
              managedBy: 'interactions-automation',
              environment: 'prod',
              execution: 'earlier-run',
              expiresAt: ago(2).toISOString(),
            },
          },
        ],
        'Delete cache snapshot': RESPONSES.cacheDeleted,
        'Snapshot cache': RESPONSES.cacheSnapshotStarted,
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(outputOf(run).cacheDeletions.map((d) => d.outcome)).toEqual(['failed', expect.any(String)]);
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.medium]);
  });

  it('reports a night without failures at low severity', async () => {
    // Prepare
    mockAws({ source: [snapshot('expired', { TagList: ours(ago(2)) })] });

    // Act
    const run = await bed.run({
      input: trigger,
      mocks: { 'Delete snapshot': RESPONSES.rdsDeleted, 'Snapshot cache': RESPONSES.cacheSnapshotStarted },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(outputOf(run).partialFailure).toBe(false);
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.low]);
  });
});
