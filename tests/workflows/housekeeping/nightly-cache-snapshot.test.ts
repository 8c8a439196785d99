/**
 * The nightly cache snapshot is a nested execution named from the scheduled event, not from the
 * housekeeping execution: two executions for one event start (at most) one cache snapshot, and the
 * second records ALREADY_STARTED instead of failing.
 */
import { scheduledEvent, sdkParameters, workflowTestbed } from '../../support/workflow-testbed.js';
import { mockAws, outputOf, RESPONSES } from './fixtures.js';

// prod: the nightly cache snapshot is on.
const bed = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'prod' });
const trigger = scheduledEvent();

describe('the nightly cache snapshot', () => {
  it('is named from the event id whatever the execution is called', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await bed.run({
      input: trigger,
      executionName: 'started-by-hand-42',
      mocks: { 'Snapshot cache': RESPONSES.cacheSnapshotStarted },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(sdkParameters<{ Name: string }>(run, 'Snapshot cache').Name).toBe(`nightly-${trigger.id}`);
  });

  it('is a no-op for a second execution of the same event: ALREADY_STARTED, no failure', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await bed.run({
      input: trigger,
      mocks: {
        'Snapshot cache': {
          Throw: { Error: 'StepFunctions.ExecutionAlreadyExistsException', Cause: 'Execution already exists' },
        },
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Record cache snapshot already started');
    expect(run.retries['Snapshot cache']).toBeUndefined();
    expect(outputOf(run).cacheSnapshot).toEqual({ status: 'ALREADY_STARTED' });
    expect(bed.published()).toHaveLength(1);
  });
});
