/**
 * The DR copy is named from its source snapshot only: a second run for the same source meets
 * DBSnapshotAlreadyExists, which is the copy already done, not a failure.
 */
import { CopyDBSnapshotCommand } from '@aws-sdk/client-rds';
import { runStateMachine } from '../../support/state-machine-harness.js';
import {
  buildHousekeeping,
  DR_TARGET,
  mockAws,
  notifications,
  prod,
  RESPONSES,
  rds,
  scheduledEvent,
  TOPICS,
  useHousekeepingHandlers,
} from './housekeeping-testbed.js';

const { sm } = buildHousekeeping('interactions-prod-automation', prod.automation);
const lambdas = useHousekeepingHandlers();

describe('the DR copy', () => {
  it('treats a copy that already exists as done and reports the night as a success', async () => {
    // Prepare
    mockAws({ copy: 'already-exists' });

    // Act
    const run = await runStateMachine(sm, {
      input: scheduledEvent,
      lambdas: lambdas(),
      mocks: { 'Snapshot cache': RESPONSES.cacheSnapshotStarted },
    });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(rds.commandCalls(CopyDBSnapshotCommand).map((c) => c.args[0].input.TargetDBSnapshotIdentifier)).toEqual([
      DR_TARGET,
    ]);
    expect((run.output as { drCopy: { outcome: string } }).drCopy).toMatchObject({ outcome: 'exists' });
    expect(run.path).not.toContain('Notify failure');
    expect(notifications().map((n) => n.topic)).toEqual([TOPICS.low]);
  });
});
