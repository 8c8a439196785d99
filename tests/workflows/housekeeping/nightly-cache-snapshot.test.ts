/**
 * The nightly cache snapshot is a nested execution named from the scheduled event, not from the
 * housekeeping execution: two executions for one event start (at most) one cache snapshot, and the
 * second records ALREADY_STARTED instead of failing.
 */
import { runStateMachine } from '../../support/state-machine-harness.js';
import {
  buildHousekeeping,
  mockAws,
  notifications,
  prod,
  RESPONSES,
  scheduledEvent,
  useHousekeepingHandlers,
} from './housekeeping-testbed.js';

const { sm } = buildHousekeeping('interactions-prod-automation', prod.automation);
const lambdas = useHousekeepingHandlers();

describe('the nightly cache snapshot', () => {
  it('is named from the event id whatever the execution is called', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await runStateMachine(sm, {
      input: scheduledEvent,
      executionName: 'started-by-hand-42',
      lambdas: lambdas(),
      mocks: { 'Snapshot cache': RESPONSES.cacheSnapshotStarted },
    });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    const start = run.sdkCalls.find((c) => c.state === 'Snapshot cache');
    const name = (start?.parameters as { Name?: string } | undefined)?.Name;
    expect(name).toBe(`nightly-${scheduledEvent.id}`);
  });

  it('is a no-op for a second execution of the same event: ALREADY_STARTED, no failure', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await runStateMachine(sm, {
      input: scheduledEvent,
      lambdas: lambdas(),
      mocks: {
        'Snapshot cache': {
          Throw: { Error: 'StepFunctions.ExecutionAlreadyExistsException', Cause: 'Execution already exists' },
        },
      },
    });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toContain('Record cache snapshot already started');
    expect(run.retries['Snapshot cache']).toBeUndefined();
    expect((run.output as { cacheSnapshot: unknown }).cacheSnapshot).toEqual({ status: 'ALREADY_STARTED' });
    expect(notifications()).toHaveLength(1);
  });
});
