/**
 * One snapshot that cannot be deleted must not cost the night: it is recorded `failed`, every other
 * item is still deleted, the DR copy and the nightly cache snapshot still run, and the report says
 * the night partly failed, at the partial-failure severity (not the paging failure severity).
 */

import { CopyDBSnapshotCommand } from '@aws-sdk/client-rds';
import { runStateMachine } from '../../support/state-machine-harness.js';
import {
  ago,
  buildHousekeeping,
  calledWith,
  expiredCacheSnapshot,
  mockAws,
  notifications,
  ours,
  prod,
  RESPONSES,
  rds,
  scheduledEvent,
  snapshot,
  TOPICS,
  useHousekeepingHandlers,
} from './housekeeping-testbed.js';

const { sm } = buildHousekeeping('interactions-prod-automation', prod.automation);
const lambdas = useHousekeepingHandlers();
const SOURCE = [snapshot('stubborn', { TagList: ours(ago(3)) }), snapshot('expired', { TagList: ours(ago(2)) })];
const CACHE = [expiredCacheSnapshot('interactions-prod-nightly-expired')];
type Outcome = { identifier: string; outcome: string; error?: string };

describe('a snapshot whose delete keeps failing', () => {
  it('is recorded failed while the rest of the night runs, and the report is a partial failure', async () => {
    // Prepare
    mockAws({ source: SOURCE, cache: CACHE });
    const deleteFails = { Throw: { Error: 'Rds.KmsKeyNotAccessibleException', Cause: 'key disabled' } };

    // Act
    const run = await runStateMachine(sm, {
      input: scheduledEvent,
      executionName: scheduledEvent.id,
      lambdas: lambdas(),
      mocks: {
        // Oldest expiry first: "stubborn" is deleted first.
        'Delete snapshot': [deleteFails, RESPONSES.rdsDeleted],
        'Delete cache snapshot': RESPONSES.cacheDeleted,
        'Snapshot cache': RESPONSES.cacheSnapshotStarted,
      },
    });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    const output = run.output as { deletions: Outcome[]; cacheDeletions: Outcome[]; partialFailure: boolean };
    expect(output.deletions).toEqual([
      expect.objectContaining({ identifier: 'stubborn', outcome: 'failed', error: 'Rds.KmsKeyNotAccessibleException' }),
      { identifier: 'expired', outcome: 'deleted' },
    ]);
    expect(calledWith(run, 'Delete cache snapshot', 'SnapshotName')).toEqual(['interactions-prod-nightly-expired']);
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
    expect(run.path).toContain('Snapshot cache');
    expect(run.path).not.toContain('Notify failure');
    const sent = notifications();
    expect(sent.map((n) => n.topic)).toEqual([TOPICS.medium]);
    expect(sent[0]?.message).toMatch(/some deletions failed/);
  });

  it('records a describe that fails for one cache snapshot and still prunes the others', async () => {
    // Prepare
    mockAws({ cache: [expiredCacheSnapshot('interactions-prod-a'), expiredCacheSnapshot('interactions-prod-b')] });

    // Act
    const run = await runStateMachine(sm, {
      input: scheduledEvent,
      lambdas: lambdas(),
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
              expiresAt: ago(2).toISOString(),
            },
          },
        ],
        'Delete cache snapshot': RESPONSES.cacheDeleted,
        'Snapshot cache': RESPONSES.cacheSnapshotStarted,
      },
    });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    const outcomes = (run.output as { cacheDeletions: Outcome[] }).cacheDeletions.map((d) => d.outcome);
    expect(outcomes).toEqual(['failed', expect.any(String)]);
    expect(notifications().map((n) => n.topic)).toEqual([TOPICS.medium]);
  });

  it('reports a night without failures at low severity', async () => {
    // Prepare
    mockAws({ source: [snapshot('expired', { TagList: ours(ago(2)) })] });

    // Act
    const run = await runStateMachine(sm, {
      input: scheduledEvent,
      lambdas: lambdas(),
      mocks: { 'Delete snapshot': RESPONSES.rdsDeleted, 'Snapshot cache': RESPONSES.cacheSnapshotStarted },
    });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect((run.output as { partialFailure: boolean }).partialFailure).toBe(false);
    expect(notifications().map((n) => n.topic)).toEqual([TOPICS.low]);
  });
});
