/**
 * The per-run deletion cap: however many automation snapshots expired, one night deletes at most
 * 50 of each kind, oldest expiry first; the rest wait for the next night.
 */
import { scheduledEvent, workflowTestbed } from '../../support/workflow-testbed.js';
import { ago, calledWith, mockAws, ours, RESPONSES, snapshot, WITHOUT_DR } from './fixtures.js';

const bed = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'prod' }).variant('nodr', WITHOUT_DR);

describe('the per-run deletion cap', () => {
  it('deletes the 50 oldest-expired of 60 expired snapshots and leaves the rest', async () => {
    // Prepare: expiries 2..61 days ago, listed newest first.
    const expired = Array.from({ length: 60 }, (_, i) =>
      snapshot(`expired-${String(i).padStart(2, '0')}`, { TagList: ours(ago(2 + i)) }),
    );
    mockAws({ source: expired });

    // Act
    const run = await bed.run({ input: scheduledEvent(), mocks: { 'Delete snapshot': RESPONSES.rdsDeleted } });

    // Assess
    expect(run).toHaveSucceeded();
    const deleted = calledWith(run, 'Delete snapshot', 'DbSnapshotIdentifier');
    expect(deleted).toHaveLength(50);
    expect(run.output?.selected).toHaveLength(50);
    const kept = expired.map((s) => s.DBSnapshotIdentifier).filter((id) => !deleted.includes(id ?? ''));
    // The ten with the most recent expiry (2..11 days ago) wait for the next night.
    expect(kept.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `expired-${String(i).padStart(2, '0')}`));
  });
});
