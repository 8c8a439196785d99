/**
 * The nightly cache snapshot is a nested execution named from the scheduled event, not from the
 * housekeeping execution: two executions for one event start (at most) one cache snapshot, and the
 * second records ALREADY_STARTED instead of failing. A failed cache-snapshot run notified through its
 * own failure path: housekeeping records it and reports a partial failure, one notification, no page.
 */
import { CopyDBSnapshotCommand } from '@aws-sdk/client-rds';
import { scheduledEvent, sdkParameters, workflowTestbed } from '../../support/workflow-testbed.js';
import { ago, calledWith, mockAws, ours, outputOf, RESPONSES, rds, snapshot } from './fixtures.js';

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

  it('records a failed cache-snapshot run and reports a partial failure, without the failure path', async () => {
    // Prepare
    mockAws({ source: [snapshot('expired', { TagList: ours(ago(2)) })] });
    const cause = JSON.stringify({ Status: 'FAILED', Error: 'WaitTimedOutError' });

    // Act
    const run = await bed.run({
      input: trigger,
      mocks: {
        'Delete snapshot': RESPONSES.rdsDeleted,
        'Snapshot cache': { Throw: { Error: 'States.TaskFailed', Cause: cause } },
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Record cache snapshot run failed', 'Cache snapshot done', 'Report housekeeping');
    expect(run).not.toHavePassedThrough('Notify failure');
    expect(outputOf(run).cacheSnapshot).toEqual({ status: 'FAILED', error: 'States.TaskFailed', cause });
    expect(outputOf(run).partialFailure).toBe(true);
    // Pruning and the DR copy ran: they do not depend on the cache snapshot.
    expect(calledWith(run, 'Delete snapshot', 'DbSnapshotIdentifier')).toEqual(['expired']);
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
    const sent = bed.published();
    expect(sent.map((p) => p.TopicArn)).toEqual([bed.topics.medium]);
    expect(sent[0]?.Message).toMatch(/nested run failed/);
  });

  it('reports a night whose cache snapshot succeeded and nothing failed at low severity', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await bed.run({ input: trigger, mocks: { 'Snapshot cache': RESPONSES.cacheSnapshotStarted } });

    // Assess
    expect(run).toHaveSucceeded();
    expect(outputOf(run).cacheSnapshot).toEqual(expect.objectContaining({ status: 'SUCCEEDED' }));
    expect(outputOf(run).partialFailure).toBe(false);
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.low]);
  });
});
