/**
 * A run that fails while its snapshot is still `creating` cannot delete it (RDS and ElastiCache
 * refuse), and its expiry may be years ahead (`--retain-days`): the next night's housekeeping looks
 * up the owning run and deletes the leftover of a FAILED, TIMED_OUT or ABORTED run, never that of a
 * run that SUCCEEDED, is RUNNING or does not exist (another workflow's, or forgotten after 90 days),
 * nor that of a run that failed after its snapshot passed verification (kept on purpose).
 */
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { TAG_KEYS } from '../../../shared/tags.js';
import { scheduledEvent, workflowTestbed } from '../../support/workflow-testbed.js';
import {
  ahead,
  type CacheEntry,
  calledWith,
  expiredCacheSnapshot,
  mockAws,
  ours,
  outputOf,
  RESPONSES,
  rds,
  snapshot,
  stepFunctions,
} from './fixtures.js';

// prod: DR region and nightly cache snapshot on.
const bed = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'prod' });
const trigger = scheduledEvent();
const ON_DEMAND = 'interactions-prod-on-demand-snapshot';
const CACHE_SNAPSHOT = 'interactions-prod-cache-snapshot';

/** Tags of a snapshot made by run `execution` with `--retain-days 3650`. */
function madeBy(execution: string) {
  return ours(ahead(3600)).map((t) => (t.Key === TAG_KEYS.execution ? { ...t, Value: execution } : t));
}

/** A cache snapshot made by cache-snapshot run `execution`, far from expiry. */
function cacheMadeBy(name: string, execution: string): CacheEntry {
  const entry = expiredCacheSnapshot(name);
  return { ...entry, tags: madeBy(execution) };
}

const mocks = {
  'Delete snapshot': RESPONSES.rdsDeleted,
  'Delete cache snapshot': RESPONSES.cacheDeleted,
  'Snapshot cache': RESPONSES.cacheSnapshotStarted,
};

describe("a failed run's leftover snapshot", () => {
  it('is deleted by the next night, far from its expiry; those of succeeded, running, unknown or verified-then-failed runs are kept', async () => {
    // Prepare
    mockAws({
      source: [
        snapshot('before-migration-failed', { TagList: madeBy('cli-failed') }),
        snapshot('before-migration-ok', { TagList: madeBy('cli-ok') }),
        snapshot('before-migration-running', { TagList: madeBy('cli-running') }),
        snapshot('made-elsewhere', { TagList: madeBy('drill-7') }),
      ],
      cache: [
        cacheMadeBy('interactions-prod-aborted', 'cache-aborted'),
        cacheMadeBy('interactions-prod-nightly-ok', 'nightly-ok'),
      ],
      runs: {
        [`${ON_DEMAND}:cli-failed`]: 'TIMED_OUT',
        [`${ON_DEMAND}:cli-ok`]: 'SUCCEEDED',
        [`${ON_DEMAND}:cli-running`]: 'RUNNING',
        [`${ON_DEMAND}:drill-7`]: 'ABSENT',
        [`${CACHE_SNAPSHOT}:cache-aborted`]: 'ABORTED',
        [`${CACHE_SNAPSHOT}:nightly-ok`]: 'VERIFIED_THEN_FAILED',
      },
    });

    // Act
    const run = await bed.run({ input: trigger, mocks });

    // Assess
    expect(run).toHaveSucceeded();
    expect(calledWith(run, 'Delete snapshot', 'DbSnapshotIdentifier')).toEqual(['before-migration-failed']);
    expect(calledWith(run, 'Delete cache snapshot', 'SnapshotName')).toEqual(['interactions-prod-aborted']);
    const output = outputOf(run);
    expect(output.selected).toEqual([
      expect.objectContaining({ identifier: 'before-migration-failed', reason: 'failed-run', execution: 'cli-failed' }),
    ]);
    expect(output.cacheSelected).toEqual([
      expect.objectContaining({ identifier: 'interactions-prod-aborted', reason: 'failed-run' }),
    ]);
    expect(output.deletions).toEqual([{ identifier: 'before-migration-failed', outcome: 'deleted' }]);
    expect(output.partialFailure).toBe(false);
    // The owners are looked up on the state machine that makes each kind, by the execution tag.
    expect(stepFunctions.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual(
      expect.arrayContaining([
        `arn:aws:states:us-east-1:123456789012:execution:${ON_DEMAND}:cli-failed`,
        `arn:aws:states:us-east-1:123456789012:execution:${CACHE_SNAPSHOT}:cache-aborted`,
      ]),
    );
  });

  it('is refused at the guard when its execution tag changed since selection', async () => {
    // Prepare
    const leftover = snapshot('before-migration-failed', { TagList: madeBy('cli-failed') });
    mockAws({ source: [leftover], runs: { [`${ON_DEMAND}:cli-failed`]: 'FAILED' } });
    const retagged = madeBy('cli-other');
    let describes = 0;
    rds.on(DescribeDBSnapshotsCommand).callsFake(async (input) => {
      if (input.DBSnapshotIdentifier === undefined)
        return { DBSnapshots: input.SnapshotType === 'manual' ? [leftover] : [] };
      describes += 1;
      return { DBSnapshots: [{ ...leftover, TagList: retagged }] };
    });

    // Act
    const run = await bed.run({ input: trigger, mocks });

    // Assess
    expect(run).toHaveSucceeded();
    expect(describes).toBe(1);
    expect(calledWith(run, 'Delete snapshot', 'DbSnapshotIdentifier')).toEqual([]);
    expect(outputOf(run).deletions).toEqual([
      expect.objectContaining({ identifier: 'before-migration-failed', outcome: 'refused', execution: 'cli-other' }),
    ]);
  });

  it('may read only the executions (and their history) of on-demand-snapshot and cache-snapshot, read-only', () => {
    // Act
    const policies = Object.values(bed.template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    }[];
    const lookups = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st) => [st.Action].flat().includes('states:DescribeExecution'))
      .filter((st) => JSON.stringify(st.Resource).includes('on-demand-snapshot'));

    // Assess
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.Action).toEqual(['states:DescribeExecution', 'states:GetExecutionHistory']);
    const resources = JSON.stringify(lookups[0]?.Resource);
    expect(resources).toContain(`:execution:${ON_DEMAND}:*`);
    expect(resources).toContain(`:execution:${CACHE_SNAPSHOT}:*`);
    expect(lookups[0]?.Resource).toHaveLength(2);
  });
});
