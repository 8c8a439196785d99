/**
 * The DR copy is named from its source snapshot only: a second run for the same source meets
 * DBSnapshotAlreadyExists, which is the copy already done, not a failure.
 */
import { CopyDBSnapshotCommand } from '@aws-sdk/client-rds';
import { scheduledEvent, workflowTestbed } from '../../support/workflow-testbed.js';
import { DR_TARGET, mockAws, outputOf, RESPONSES, rds } from './fixtures.js';

// prod: DR region and nightly cache snapshot on.
const bed = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'prod' });

describe('the DR copy', () => {
  it('treats a copy that already exists as done and reports the night as a success', async () => {
    // Prepare
    mockAws({ copy: 'already-exists' });

    // Act
    const run = await bed.run({
      input: scheduledEvent(),
      mocks: { 'Snapshot cache': RESPONSES.cacheSnapshotStarted },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(rds.commandCalls(CopyDBSnapshotCommand).map((c) => c.args[0].input.TargetDBSnapshotIdentifier)).toEqual([
      DR_TARGET,
    ]);
    expect(outputOf(run).drCopy).toMatchObject({ outcome: 'exists' });
    expect(run).not.toHavePassedThrough('Notify failure');
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.low]);
  });
});
