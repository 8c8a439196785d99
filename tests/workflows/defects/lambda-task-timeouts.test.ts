/**
 * Defect: `Lambda.ClientExecutionTimeoutException` (the invoke call itself timed out: the function
 * may not even have run) was not retried. Run on dev's snapshot housekeeping, whose first task is a
 * Lambda task with the automation's retry. (The task-timeout half of the defect is a construct
 * property: tests/unit/workflows-common/lambda-task.test.ts.)
 */
import { DescribeSnapshotsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import type { LambdaHandler } from '../../support/state-machine-harness.js';
import { scheduledEvent, workflowTestbed } from '../../support/workflow-testbed.js';

// dev: no DR region and no nightly cache snapshot, so an empty account is a whole night.
const bed = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'dev' });
const SELECT = 'interactions-dev-select-expired-snapshots';
const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);

/** The real selection handler, whose first invocation fails as a timed-out invoke call does. */
async function selectTimingOutOnce(): Promise<LambdaHandler> {
  const { handler } = await import('../../../functions/select-expired-snapshots/handler.js');
  let calls = 0;
  return async (event, context) => {
    calls += 1;
    if (calls === 1) {
      throw Object.assign(new Error('Client execution did not complete before the timeout'), {
        name: 'Lambda.ClientExecutionTimeoutException',
      });
    }
    return (handler as LambdaHandler)(event, context);
  };
}

describe('lambdaTask', () => {
  it('retries an invoke that timed out on the client side, then continues', async () => {
    // Prepare
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    elastiCache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });

    // Act
    const run = await bed.run({ input: scheduledEvent(), lambdas: { [SELECT]: await selectTimingOutOnce() } });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.retries['Select expired snapshots']).toBe(1);
    expect(run).toHavePassedThrough('Select expired snapshots', 'Report housekeeping');
    expect(run.output?.scanned).toBe(0);
  });
});
