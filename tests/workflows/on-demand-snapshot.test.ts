/**
 * The synthesized on-demand snapshot state machine, run locally on the workflow testbed: real
 * handlers for every Lambda task (notify-outcome writes its reports to the local S3 server; SNS is
 * mocked), mocked RDS SDK integrations per state. The lifecycle it shares with the cache snapshot
 * runs as snapshot-lifecycle.scenarios.ts; this file adds what only RDS has (the quota check).
 */
import { Duration } from 'aws-cdk-lib';
import { workflowTestbed } from '../support/workflow-testbed.js';
import {
  DB_INSTANCE,
  DB_PRE_CREATE,
  DB_SNAPSHOT,
  FAILURE_TAIL,
  ok,
  POLL,
  rdsLifecycleFixture,
  SUCCESS_TAIL,
} from './snapshot-lifecycle.fixtures.js';
import { describeSnapshotLifecycle } from './snapshot-lifecycle.scenarios.js';

// 25-minute timeout, 5-minute polls: the wait loop budget (timeout - 15 min) allows two polls.
const bed = workflowTestbed({
  workflow: 'on-demand-snapshot',
  env: 'prod',
  props: { timeout: Duration.minutes(25), pollInterval: Duration.minutes(5) },
});
const rds = rdsLifecycleFixture(bed);
const { run, created, ownTags, execution } = rds;
const available = rds.described('available');

describeSnapshotLifecycle(rds);

describe('on-demand snapshot workflow', () => {
  it('creates, waits for, verifies and reports the snapshot', async () => {
    // Act
    const result = await run({ ...created, 'Describe snapshot': available });

    // Assess: the whole path, once per workflow
    expect(result).toHaveSucceeded();
    expect(result.path).toEqual([
      'Validate request',
      'Describe database',
      'Check snapshot quota',
      'Find manual snapshot quota',
      'Manual snapshot quota listed?',
      'Select manual snapshot quota',
      'Snapshot quota left?',
      'Create snapshot',
      'Start waiting',
      ...POLL,
      'Verify snapshot',
      ...SUCCESS_TAIL,
    ]);
    const create = result.sdkCalls.find((c) => c.state === 'Create snapshot');
    expect(create?.parameters).toEqual({
      DbInstanceIdentifier: DB_INSTANCE,
      DbSnapshotIdentifier: DB_SNAPSHOT,
      Tags: [
        ...ownTags.slice(0, 2),
        { Key: 'interactions:expires-at', Value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
        ownTags[2],
        { Key: 'interactions:requested-by', Value: 'alice@example.com' },
      ],
    });
    expect(result.output?.snapshot).toEqual({
      id: DB_SNAPSHOT,
      arn: `arn:aws:rds:us-east-1:123456789012:snapshot:${DB_SNAPSHOT}`,
      status: 'available',
      encrypted: true,
      allocatedStorageGiB: 100,
      sourceInstance: DB_INSTANCE,
      createdAt: '2025-01-01T10:05:00.000Z',
    });
    expect(result.output?.report.json).toMatch(
      new RegExp(`^s3://${bed.reportsBucket}/reports/on-demand-snapshot/\\d{4}/\\d{2}/${execution}\\.json$`),
    );
    // The report really is in the bucket, with the verified snapshot.
    expect(await bed.report(result)).toMatchObject({
      status: 'SUCCEEDED',
      severity: 'low',
      details: { snapshot: { id: DB_SNAPSHOT } },
    });
    expect(bed.published()[0]?.TopicArn).toBe(bed.topics.low);
  });

  it('creates when the quota answer lacks Max (nothing to compare) instead of stopping the execution', async () => {
    // Act
    const result = await run({
      ...created,
      'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 100 }] }),
      'Describe snapshot': available,
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result).toHavePassedThrough('Snapshot quota left?', 'Create snapshot');
  });

  it('creates when the quota answer has no ManualSnapshots entry (the filter matches nothing) instead of stopping the execution', async () => {
    // Act
    const result = await run({
      ...created,
      'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'DBInstances', Used: 1, Max: 40 }] }),
      'Describe snapshot': available,
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result).toHavePassedThrough('Manual snapshot quota listed?', 'Note quota not listed', 'Create snapshot');
    expect(result).toHaveNotified({ status: 'SUCCEEDED', details: { quota: [] } });
  });

  it('fails before creating when the manual snapshot quota is used up', async () => {
    // Act
    const result = await run({
      ...DB_PRE_CREATE,
      'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 100, Max: 100 }] }),
      'Notify failure': ok({}),
    });

    // Assess
    expect(result).toHaveFailedWith('QuotaExceededError', '100 of 100');
    expect(result).toHavePassedThrough('Check snapshot quota', 'Snapshot quota left?', 'Reject over quota');
    expect(result).toHaveEndedWith('Reject over quota', 'Snapshot created?', ...FAILURE_TAIL);
    expect(result.sdkCalls.map((c) => c.state)).not.toContain('Create snapshot');
  });
});
