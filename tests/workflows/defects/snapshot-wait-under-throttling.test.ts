/**
 * Defect: the snapshot wait loop counted only its Wait seconds. Under sustained throttling each
 * Describe's Retry backoff (up to a minute per attempt) came on top, the state machine's own timeout
 * fired first, and the execution ended TIMED_OUT with no cleanup and no report. Now every Describe
 * attempt, throttled or not, is one poll of the budget, so the loop ends in the failure path.
 */
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { Duration } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import type { MockedResponse } from '../../support/state-machine-harness.js';
import { workflowTestbed } from '../../support/workflow-testbed.js';

const INSTANCE = 'interactions-prod-postgres';
const EXECUTION = 'cli-throttled-1';
const SNAPSHOT = 'interactions-pre-migration';

// 20-minute timeout, 10-second polls: the loop's budget (timeout - 15 min) is 30 polls.
const bed = workflowTestbed({
  workflow: 'on-demand-snapshot',
  env: 'prod',
  props: { timeout: Duration.minutes(20), pollInterval: Duration.seconds(10) },
});

const ownTags = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: EXECUTION },
  { Key: 'interactions:environment', Value: 'prod' },
];
const ok = (value: unknown): MockedResponse => ({ Return: value });
const throttled: MockedResponse = { Throw: { Error: 'Rds.RdsException', Cause: 'Rate exceeded (Throttling)' } };
// Sustained throttling: five throttled attempts for every answer, and the answer is always "creating".
const describeAnswers = Array.from({ length: 40 }, () => [
  throttled,
  throttled,
  throttled,
  throttled,
  throttled,
  ok({ DbSnapshots: [{ DbSnapshotIdentifier: SNAPSHOT, Status: 'creating', TagList: ownTags }] }),
]).flat();

describe('on-demand snapshot wait under sustained throttling', () => {
  const rdsMock = mockClient(RDSClient);
  afterAll(() => rdsMock.restore());

  it('ends in the failure path within the budget: the snapshot is deleted and the failure reported, not TIMED_OUT', async () => {
    // Prepare: by the time the guard looks, the snapshot has finished (a creating one is left to the sweeper).
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'available', TagList: ownTags }] });
    rdsMock.on(DeleteDBSnapshotCommand).resolves({});

    // Act
    const result = await bed.run({
      input: { snapshotName: SNAPSHOT, requestedBy: 'alice@example.com' },
      executionName: EXECUTION,
      mocks: {
        'Describe database': ok({ DbInstances: [{ DbInstanceIdentifier: INSTANCE, AllocatedStorage: 100 }] }),
        'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 1, Max: 100 }] }),
        'Create snapshot': ok({
          DbSnapshot: { DbSnapshotIdentifier: SNAPSHOT, DbSnapshotArn: 'arn', Status: 'creating' },
        }),
        'Describe snapshot': describeAnswers,
      },
    });

    // Assess
    expect(result).toHaveFailedWith('WaitTimedOutError');
    expect(result.virtualSeconds).toBeLessThanOrEqual(bed.sm.definition.TimeoutSeconds as number);
    expect(result).toHaveEndedWith(
      'Snapshot wait timed out',
      'Snapshot created?',
      'Delete snapshot',
      'Notify failure',
      'Build failure message',
      'Fail',
    );
    expect(rdsMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(1);
    expect(result).toHaveNotified({ status: 'FAILED', error: 'WaitTimedOutError' });
  });
});
