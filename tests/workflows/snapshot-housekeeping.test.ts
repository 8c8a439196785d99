/**
 * The synthesized snapshot housekeeping state machine, run locally: the real select-expired-snapshots,
 * operate-regional-snapshots and notify-outcome handlers (RDS and ElastiCache mocked with
 * aws-sdk-client-mock, reports in s3rver, SNS mocked); the SDK integrations (the DB and cache
 * snapshot deletes) and the nested cache snapshot execution mocked per state. SDK-integration
 * responses use Step Functions' member names.
 */
import { DescribeSnapshotsCommand, ElastiCacheClient, ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import {
  CopyDBSnapshotCommand,
  type DBSnapshot,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../shared/tags.js';
import { cacheSnapshotInputSchema } from '../../workflows/cache-snapshot/contract.js';
import { UNREPORTED_FAILURE } from '../../workflows/common/failure-path.js';
import { SnapshotHousekeepingWorkflow } from '../../workflows/snapshot-housekeeping/construct.js';
import { testApp } from '../support/cdk-app.js';
import { validateDefinition } from '../support/state-machine-harness.js';
import {
  scheduledEvent,
  sdkParameters,
  type TestbedRunOptions,
  type WorkflowRun,
  workflowTestbed,
} from '../support/workflow-testbed.js';
import { mockOwnerRuns } from './housekeeping/owner-runs.js';
import {
  ago,
  ahead,
  type CacheEntry,
  cacheSnapshot,
  ours,
  outputOf,
  prod,
  snapshot,
  WITHOUT_DR,
} from './housekeeping/snapshots.js';

// prod: DR region and nightly cache snapshot on; the variant has both off.
const withDr = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'prod' });
const bed = withDr;
const withoutDr = bed.variant('nodr', WITHOUT_DR);
const trigger = scheduledEvent();
/** Source-region manual snapshots: two expired automation snapshots among others that must survive. */
const SOURCE = [
  snapshot('expired-by-tag', { TagList: ours(ago(2)) }),
  snapshot('expired-by-age', {
    TagList: ours(),
    SnapshotCreateTime: ago(prod.automation.manualSnapshotRetentionDays + 1),
  }),
  snapshot('not-yet-expired', { TagList: ours(ahead(1)) }),
  // Taken with `retainDays` (backup create-snapshot --retain-days): past the retention, but its expires-at is ahead.
  snapshot('kept-by-retain-days', {
    TagList: ours(ahead(300)),
    SnapshotCreateTime: ago(prod.automation.manualSnapshotRetentionDays + 65),
  }),
  snapshot('operator-snapshot', {
    TagList: [{ Key: TAG_KEYS.expiresAt, Value: ago(9).toISOString() }],
    SnapshotCreateTime: ago(400),
  }),
  snapshot('ours-but-creating', { TagList: ours(ago(3)), Status: 'creating' }),
  // dev, staging and prod share the account and region: other environments' expired automation
  // snapshots, and one of prod's instance tagged by another environment, must survive prod's run.
  snapshot('staging-automation-expired', {
    DBInstanceIdentifier: 'interactions-staging-postgres',
    TagList: ours(ago(2), 'staging'),
  }),
  snapshot('prod-instance-dev-tag', { TagList: ours(ago(2), 'dev') }),
  snapshot('prod-instance-no-env-tag', { TagList: ours(ago(2)).filter((t) => t.Key !== TAG_KEYS.environment) }),
];
const AUTOMATED = [
  snapshot('rds:interactions-prod-postgres-2025-01-14-05-10', {
    SnapshotType: 'automated',
    SnapshotCreateTime: ago(0.5),
  }),
  snapshot('rds:interactions-prod-postgres-2025-01-13-05-10', {
    SnapshotType: 'automated',
    SnapshotCreateTime: ago(1.5),
  }),
];
const DR_COPY = 'interactions-prod-dr-2024-12-01-05-10';
const DR = [
  snapshot(DR_COPY, { TagList: ours(ago(1)) }, 'us-west-2'),
  // Staging's copy in the same DR region: prod's IAM could not delete it, so prod must not select it.
  snapshot('interactions-staging-dr-2024-12-01-05-10', { TagList: ours(ago(1), 'staging') }, 'us-west-2'),
];

/** Manual cache snapshots with their tags: two expired automation snapshots among others that must survive. */
const CACHE: CacheEntry[] = [
  { snapshot: cacheSnapshot('interactions-prod-nightly-expired'), tags: ours(ago(2)) },
  {
    snapshot: cacheSnapshot('interactions-prod-untagged-expiry', {
      NodeSnapshots: [{ SnapshotCreateTime: ago(prod.automation.manualSnapshotRetentionDays + 1) }],
    }),
    tags: ours(),
  },
  { snapshot: cacheSnapshot('interactions-prod-nightly-fresh'), tags: ours(ahead(1)) },
  {
    snapshot: cacheSnapshot('interactions-prod-operator-made'),
    tags: [{ Key: TAG_KEYS.expiresAt, Value: ago(9).toISOString() }],
  },
  // Another prefix: its tags are never even read, although they claim to be ours.
  { snapshot: cacheSnapshot('before-upgrade'), tags: ours(ago(5)) },
  { snapshot: cacheSnapshot('interactions-prod-automatic', { SnapshotSource: 'automated' }), tags: ours(ago(5)) },
  { snapshot: cacheSnapshot('interactions-prod-creating', { SnapshotStatus: 'creating' }), tags: ours(ago(3)) },
];
const cacheArn = (name: string) => `arn:aws:elasticache:us-east-1:123456789012:snapshot:${name}`;

const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);

/**
 * The ElastiCache SDK as the Lambdas see it: `cache` listed in two pages; a snapshot's tags as listed
 * on the first read, then `retagged` ones on later reads (the pre-delete describe); a name in `gone`
 * has vanished by the pre-delete describe.
 */
function mockCache(
  cache: CacheEntry[],
  {
    retagged = {},
    gone = [],
    throttleFirstTagRead = false,
  }: { retagged?: Record<string, Tag[]>; gone?: string[]; throttleFirstTagRead?: boolean } = {},
): void {
  elastiCache.reset();
  const read = new Set<string>();
  let throttle = throttleFirstTagRead;
  elastiCache.on(DescribeSnapshotsCommand).callsFake(async (input) => {
    if (input.SnapshotName !== undefined) {
      const entry = cache.find((e) => e.snapshot.SnapshotName === input.SnapshotName);
      if (entry === undefined || gone.includes(input.SnapshotName)) {
        throw Object.assign(new Error(`${input.SnapshotName} not found`), { name: 'SnapshotNotFoundFault' });
      }
      return { Snapshots: [entry.snapshot] };
    }
    const snapshots = cache.map((e) => e.snapshot);
    return input.Marker === undefined
      ? { Snapshots: snapshots.slice(0, 3), Marker: 'next' }
      : { Snapshots: snapshots.slice(3) };
  });
  elastiCache.on(ListTagsForResourceCommand).callsFake(async (input) => {
    if (throttle) {
      throttle = false;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    const entry = cache.find((e) => e.snapshot.ARN === input.ResourceName);
    if (entry === undefined) throw Object.assign(new Error('not found'), { name: 'SnapshotNotFoundFault' });
    const name = entry.snapshot.SnapshotName ?? '';
    const again = read.has(name);
    read.add(name);
    return { TagList: again && name in retagged ? retagged[name] : entry.tags };
  });
}

/** The RDS SDK as the Lambdas see it: source and DR region share the mock, told apart by the client's region. */
/** What a describe-by-identifier sees now: the listed snapshots unless a test changed one since selection. */
function mockRds(
  changed: Record<string, DBSnapshot | undefined> = {},
  cache: CacheEntry[] = [],
  { source = SOURCE, automated = AUTOMATED }: { source?: DBSnapshot[]; automated?: DBSnapshot[] } = {},
): void {
  mockCache(cache);
  mockOwnerRuns();
  rds.reset();
  rds.on(DescribeDBSnapshotsCommand).callsFake(async (input, getClient) => {
    const region = await (getClient() as RDSClient).config.region();
    const id = input.DBSnapshotIdentifier;
    if (id !== undefined) {
      const current = id in changed ? changed[id] : [...source, ...DR].find((s) => s.DBSnapshotIdentifier === id);
      if (current === undefined) throw Object.assign(new Error(`${id} not found`), { name: 'DBSnapshotNotFoundFault' });
      return { DBSnapshots: [current] };
    }
    if (region === 'us-west-2') return { DBSnapshots: input.SnapshotType === 'manual' ? DR : [] };
    // Two pages for the source region's manual snapshots.
    if (input.SnapshotType === 'manual') {
      return input.Marker === undefined
        ? { DBSnapshots: source.slice(0, 3), Marker: 'next' }
        : { DBSnapshots: source.slice(3) };
    }
    return { DBSnapshots: automated };
  });
  rds.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: { Status: 'pending' } });
  rds.on(DeleteDBSnapshotCommand).resolves({});
}

const byId = (id: string) => SOURCE.find((s) => s.DBSnapshotIdentifier === id) as DBSnapshot;

function deletedIds(run: { sdkCalls: { state: string; parameters: unknown }[] }, state = 'Delete snapshot'): string[] {
  return run.sdkCalls
    .filter((c) => c.state === state)
    .map((c) => (c.parameters as { DbSnapshotIdentifier: string }).DbSnapshotIdentifier);
}

function deletedCacheNames(run: { sdkCalls: { state: string; parameters: unknown }[] }): string[] {
  return run.sdkCalls
    .filter((c) => c.state === 'Delete cache snapshot')
    .map((c) => (c.parameters as { SnapshotName: string }).SnapshotName);
}

/** The ARNs whose tags were read, each time they were. */
function tagReads(): string[] {
  return elastiCache.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceName ?? '');
}

const rdsDeleted = { Return: { DbSnapshot: { Status: 'deleted' } } };
const cacheDeleted = { Return: { Snapshot: { SnapshotName: 'x', SnapshotStatus: 'deleting' } } };
const byName = (a: { identifier: string }, b: { identifier: string }) => a.identifier.localeCompare(b.identifier);

describe('snapshot housekeeping workflow', () => {
  it('is a valid JSONPath definition with a timeout', () => {
    // Prepare
    validateDefinition(withDr.sm.definition);
    validateDefinition(withoutDr.sm.definition);
    expect(withDr.sm.definition.TimeoutSeconds).toBe(7200);
  });

  it('deletes exactly the expired automation snapshots, copies to the DR region, prunes DR copies and snapshots the cache', async () => {
    // Prepare
    mockRds({}, CACHE);

    // Act
    const run = await withDr.run({
      input: trigger,
      executionName: trigger.id,
      mocks: {
        // Map iterations run with MaxConcurrency 2, in selection order (oldest expiry first).
        'Delete snapshot': { Return: { DbSnapshot: { Status: 'deleted' } } },
        'Delete cache snapshot': cacheDeleted,
        'Snapshot cache': {
          Return: {
            ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-cache-snapshot:x',
            Status: 'SUCCEEDED',
          },
        },
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(deletedIds(run).sort()).toEqual(['expired-by-age', 'expired-by-tag']);

    // Cache: exactly the two expired automation snapshots, pruned before tonight's cache snapshot starts.
    expect(deletedCacheNames(run).sort()).toEqual([
      'interactions-prod-nightly-expired',
      'interactions-prod-untagged-expiry',
    ]);
    expect(run).toHavePassedThrough('Delete expired cache snapshots', 'Snapshot cache');
    const list = elastiCache.commandCalls(DescribeSnapshotsCommand).map((c) => c.args[0].input);
    expect(list.filter((i) => i.SnapshotName === undefined)).toEqual([
      expect.objectContaining({ ReplicationGroupId: 'interactions-prod', SnapshotSource: 'user' }),
      expect.objectContaining({ ReplicationGroupId: 'interactions-prod', SnapshotSource: 'user', Marker: 'next' }),
    ]);
    expect(tagReads()).not.toContain(cacheArn('before-upgrade'));
    // Tags read once at selection for each prefixed snapshot, and again right before each delete.
    expect(tagReads().filter((a) => a === cacheArn('interactions-prod-nightly-expired'))).toHaveLength(2);
    expect(tagReads().filter((a) => a === cacheArn('interactions-prod-nightly-fresh'))).toHaveLength(1);
    const out = outputOf(run);
    expect(out.cacheScanned).toBe(CACHE.length);
    expect([...out.cacheDeletions].sort(byName)).toEqual([
      { identifier: 'interactions-prod-nightly-expired', outcome: 'deleted' },
      { identifier: 'interactions-prod-untagged-expiry', outcome: 'deleted' },
    ]);
    const report = bed.published()[0]?.Message ?? '';
    expect(report).toMatch(/2 expired automation cache snapshots of 7 manual cache snapshots/);

    const copies = rds.commandCalls(CopyDBSnapshotCommand).map((c) => c.args[0].input);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({
      SourceDBSnapshotIdentifier:
        'arn:aws:rds:us-east-1:123456789012:snapshot:rds:interactions-prod-postgres-2025-01-14-05-10',
      TargetDBSnapshotIdentifier: 'interactions-prod-dr-2025-01-14-05-10',
      KmsKeyId: 'arn:aws:kms:us-west-2:123456789012:alias/interactions-prod-dr',
    });
    expect(copies[0]?.Tags).toEqual(expect.arrayContaining([{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }]));
    // Only prod's own DR copy: staging's, in the same region, is not even selected.
    expect(rds.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input.DBSnapshotIdentifier)).toEqual([
      DR_COPY,
    ]);
    expect((outputOf(run).drSelected ?? []).map((s) => s.identifier)).toEqual([DR_COPY]);
    expect(copies[0]?.Tags).toEqual(expect.arrayContaining([{ Key: TAG_KEYS.environment, Value: 'prod' }]));

    const start = run.sdkCalls.find((c) => c.state === 'Snapshot cache');
    expect(start?.parameters).toMatchObject({
      Name: `nightly-${trigger.id}`,
      Input: { requestedBy: 'snapshot-housekeeping' },
    });
    // The nested start honours the cache snapshot workflow's contract.
    const nestedInput = sdkParameters<{ Input: unknown }>(run, 'Snapshot cache').Input;
    expect(cacheSnapshotInputSchema.safeParse(nestedInput).success).toBe(true);
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.low]);
  });

  it('keeps a snapshot past the retention period while its expires-at (planned from retainDays) is ahead', async () => {
    // Prepare
    mockRds();

    // Act
    const run = await withoutDr.run({ input: trigger, mocks: { 'Delete snapshot': rdsDeleted } });

    // Assess
    expect(run).toHaveSucceeded();
    expect(outputOf(run).selected.map((s) => s.identifier)).not.toContain('kept-by-retain-days');
    expect(deletedIds(run)).not.toContain('kept-by-retain-days');
  });

  it('refuses a snapshot whose tags changed between selection and delete', async () => {
    // Prepare
    const retagged = { ...byId('expired-by-tag'), TagList: [{ Key: 'owner', Value: 'someone' }] };
    const extended = {
      ...byId('expired-by-age'),
      TagList: [...ours(), { Key: TAG_KEYS.expiresAt, Value: ahead(30).toISOString() }],
    };
    mockRds({ 'expired-by-tag': retagged, 'expired-by-age': extended });

    // Act
    const run = await withoutDr.run({ input: trigger, mocks: {} });

    // Assess
    expect(run).toHaveSucceeded();
    expect(deletedIds(run)).toEqual([]);
    expect(run.path.filter((s) => s === 'Refuse snapshot')).toHaveLength(2);
    const output = outputOf(run);
    expect(output.deletions.map((d) => d.outcome)).toEqual(['refused', 'refused']);
  });

  it('records a snapshot deleted meanwhile without failing', async () => {
    // Prepare
    mockRds({ 'expired-by-age': undefined });

    // Act
    const run = await withoutDr.run({
      input: trigger,
      mocks: {
        'Delete snapshot': { Return: { DbSnapshot: { Status: 'deleted' } } },
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(
      outputOf(run)
        .deletions.map((d) => d.outcome)
        .sort(),
    ).toEqual(['absent', 'deleted']);
  });

  it('has no DR or cache states where the DR region and the nightly cache snapshot are off', async () => {
    expect(Object.keys(withoutDr.sm.definition.States)).not.toContain('Copy snapshot to DR region');
    expect(Object.keys(withoutDr.sm.definition.States)).not.toContain('Snapshot cache');
    expect(Object.keys(withDr.sm.definition.States)).toEqual(
      expect.arrayContaining(['Copy snapshot to DR region', 'Delete expired DR copies', 'Snapshot cache']),
    );
    mockRds();
    const run = await withoutDr.run({
      input: trigger,
      mocks: {
        'Delete snapshot': { Return: { DbSnapshot: { Status: 'deleted' } } },
      },
    });
    expect(run).toHaveSucceeded();
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
  });

  it('retries a throttled delete', async () => {
    // Prepare
    mockRds();

    // Act
    const run = await withoutDr.run({
      input: trigger,
      mocks: {
        'Delete snapshot': [
          { Throw: { Error: 'Rds.RdsException', Cause: 'Rate exceeded' } },
          { Return: { DbSnapshot: { Status: 'deleted' } } },
          { Return: { DbSnapshot: { Status: 'deleted' } } },
        ],
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.retries['Delete snapshot']).toBe(1);
  });

  it.each([
    ['a non-scheduled event', { ...trigger, 'detail-type': 'Manual' }],
    ['an empty input', {}],
  ])('rejects %s before any delete or copy, notifying and failing', async (_name, input) => {
    mockRds({}, CACHE);
    const run = await withDr.run({ input, mocks: {} });
    expect(run).toHaveFailedWith('ValidationError');
    expect(run.sdkCalls).toEqual([]);
    expect(rds.calls()).toHaveLength(0);
    expect(elastiCache.calls()).toHaveLength(0);
    // Housekeeping is scheduled: bad input is the automation's own fault, so it still pages.
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.high]);
  });

  it('records a failed nested cache snapshot and succeeds, without the catch-all (the run notified itself)', async () => {
    // Prepare
    mockRds();

    // Act
    const run = await withDr.run({
      input: trigger,
      mocks: {
        'Delete snapshot': { Return: { DbSnapshot: { Status: 'deleted' } } },
        'Snapshot cache': { Throw: { Error: 'States.TaskFailed', Cause: 'cache snapshot failed' } },
      },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Snapshot cache', 'Record cache snapshot run failed', 'Report housekeeping');
    expect(run).not.toHavePassedThrough('Notify failure');
    expect(run).toHaveNotified({ status: 'SUCCEEDED', severity: 'medium' });
  });

  it('pages through the catch-all when the nested cache snapshot is still going at its timeout (it notified nobody)', async () => {
    // Prepare
    mockRds();

    // Act
    const run = await withDr.run({
      input: trigger,
      mocks: {
        'Delete snapshot': { Return: { DbSnapshot: { Status: 'deleted' } } },
        'Snapshot cache': { Throw: { Error: 'States.Timeout', Cause: 'Task timed out after 4500 seconds' } },
      },
    });

    // Assess
    expect(run).toHaveFailedWith('States.Timeout');
    expect(run).toHavePassedThrough('Snapshot cache', 'Notify failure');
    expect(run).not.toHavePassedThrough('Record cache snapshot run failed');
    expect(run).toHaveNotified({ status: 'FAILED' });
  });
});

describe('snapshot housekeeping: expired cache snapshots', () => {
  // withoutDr has the nightly cache snapshot off: pruning runs regardless (on-demand snapshots expire too).
  const run = (mocks: TestbedRunOptions['mocks']) => withoutDr.run({ input: trigger, mocks });

  it('prunes them where the nightly cache snapshot is off, too', async () => {
    // Prepare
    mockRds({}, CACHE);

    // Act
    const result = await run({
      'Delete snapshot': rdsDeleted,
      'Delete cache snapshot': cacheDeleted,
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(deletedCacheNames(result).sort()).toEqual([
      'interactions-prod-nightly-expired',
      'interactions-prod-untagged-expiry',
    ]);
  });

  it('refuses a cache snapshot whose tags changed between selection and delete', async () => {
    // Prepare
    mockRds();
    mockCache(CACHE, {
      retagged: {
        // Someone extended the expiry; someone else took the snapshot over.
        'interactions-prod-nightly-expired': ours(ahead(30)),
        'interactions-prod-untagged-expiry': [{ Key: 'owner', Value: 'someone' }],
      },
    });

    // Act
    const result = await run({ 'Delete snapshot': rdsDeleted });

    // Assess
    expect(result).toHaveSucceeded();
    expect(deletedCacheNames(result)).toEqual([]);
    expect(result.path.filter((s) => s === 'Refuse cache snapshot')).toHaveLength(2);
    const out = outputOf(result);
    expect(out.cacheDeletions.map((d) => d.outcome)).toEqual(['refused', 'refused']);
  });

  it('records a cache snapshot gone before the describe or the delete as absent, a busy one as busy', async () => {
    // Prepare
    mockRds();
    mockCache(CACHE, { gone: ['interactions-prod-untagged-expiry'] });

    // Act
    const gone = await run({
      'Delete snapshot': rdsDeleted,
      'Delete cache snapshot': { Throw: { Error: 'ElastiCache.SnapshotNotFoundException', Cause: 'gone' } },
    });

    // Assess
    expect(gone).toHaveSucceeded();
    expect(outputOf(gone).cacheDeletions.map((d) => d.outcome)).toEqual(['absent', 'absent']);
    expect(deletedCacheNames(gone)).toEqual(['interactions-prod-nightly-expired']);

    mockRds({}, CACHE);
    const busy = await run({
      'Delete snapshot': rdsDeleted,
      'Delete cache snapshot': { Throw: { Error: 'ElastiCache.InvalidSnapshotStateException', Cause: 'exporting' } },
    });
    expect(busy).toHaveSucceeded();
    expect(outputOf(busy).cacheDeletions.map((d) => d.outcome)).toEqual(['busy', 'busy']);
  });

  it('retries a throttled cache delete', async () => {
    // Prepare
    mockRds({}, CACHE.slice(0, 1));

    // Act
    const result = await run({
      'Delete snapshot': rdsDeleted,
      'Delete cache snapshot': [
        { Throw: { Error: 'ElastiCache.ElastiCacheException', Cause: 'Rate exceeded' } },
        cacheDeleted,
      ],
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.retries['Delete cache snapshot']).toBe(1);
    expect(deletedCacheNames(result)).toEqual([
      'interactions-prod-nightly-expired',
      'interactions-prod-nightly-expired',
    ]);
  });

  it('retries the selection when a tag read is throttled', async () => {
    // Prepare
    mockRds();
    mockCache(CACHE, { throttleFirstTagRead: true });

    // Act
    const result = await run({ 'Delete snapshot': rdsDeleted, 'Delete cache snapshot': cacheDeleted });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.retries['Select expired snapshots']).toBe(1);
    expect(deletedCacheNames(result).sort()).toEqual([
      'interactions-prod-nightly-expired',
      'interactions-prod-untagged-expiry',
    ]);
  });

  it('records a cache delete that keeps failing and finishes the night as a partial failure', async () => {
    // Prepare
    mockRds({}, CACHE.slice(0, 1));

    // Act
    const result = await run({
      'Delete snapshot': rdsDeleted,
      'Delete cache snapshot': { Throw: { Error: 'ElastiCache.AccessDeniedException', Cause: 'not authorized' } },
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.path).not.toContain('Notify failure');
    expect(outputOf(result).cacheDeletions).toEqual([
      expect.objectContaining({ outcome: 'failed', error: 'ElastiCache.AccessDeniedException' }),
    ]);
    expect(outputOf(result).partialFailure).toBe(true);
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.medium]);
  });
});

describe('snapshot housekeeping: environment scoping and recorded outcomes', () => {
  const startedCache = {
    Return: {
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-cache-snapshot:x',
      Status: 'SUCCEEDED',
    },
  };
  const runDr = (mocks: TestbedRunOptions['mocks']) =>
    withDr.run({
      input: trigger,
      mocks: { 'Delete snapshot': rdsDeleted, 'Snapshot cache': startedCache, ...mocks },
    });
  const drOutcomes = (run: WorkflowRun<'snapshot-housekeeping'>) => outputOf(run).drDeletions;

  it("leaves another environment's expired automation snapshot alone, though it is managed-by and expired", async () => {
    // Prepare
    mockRds();

    // Act
    const run = await withoutDr.run({
      input: trigger,
      mocks: { 'Delete snapshot': rdsDeleted },
    });

    // Assess
    expect(run).toHaveSucceeded();
    const selected = outputOf(run).selected.map((s) => s.identifier);
    expect(selected.sort()).toEqual(['expired-by-age', 'expired-by-tag']);
    expect(deletedIds(run)).not.toContain('staging-automation-expired');
    expect(deletedIds(run)).not.toContain('prod-instance-dev-tag');
    expect(deletedIds(run)).not.toContain('prod-instance-no-env-tag');
  });

  it('never selects nor deletes a managed-by and prod-tagged snapshot without an execution tag (IAM would deny the delete)', async () => {
    // Prepare
    const withoutExecution = (tags: Tag[]) => tags.filter((t) => t.Key !== TAG_KEYS.execution);
    const noExecution = snapshot('prod-no-execution-tag', { TagList: withoutExecution(ours(ago(2))) });
    const noExecutionCache: CacheEntry = {
      snapshot: cacheSnapshot('interactions-prod-no-execution-tag'),
      tags: withoutExecution(ours(ago(2))),
    };
    mockRds({}, [...CACHE, noExecutionCache], { source: [...SOURCE, noExecution] });

    // Act
    const run = await withoutDr.run({
      input: trigger,
      mocks: { 'Delete snapshot': rdsDeleted, 'Delete cache snapshot': cacheDeleted },
    });

    // Assess
    expect(run).toHaveSucceeded();
    const output = outputOf(run);
    expect(output.selected.map((s) => s.identifier)).not.toContain('prod-no-execution-tag');
    expect(output.cacheSelected?.map((s) => s.identifier)).not.toContain('interactions-prod-no-execution-tag');
    expect(deletedIds(run)).not.toContain('prod-no-execution-tag');
    expect(deletedCacheNames(run)).not.toContain('interactions-prod-no-execution-tag');
    expect(output.deletions.map((d) => d.outcome)).toEqual(['deleted', 'deleted']);
  });

  it('refuses at the guard a snapshot whose execution tag was removed since selection', async () => {
    // Prepare
    const stripped = ours(ago(2)).filter((t) => t.Key !== TAG_KEYS.execution);
    mockRds({ 'expired-by-tag': { ...byId('expired-by-tag'), TagList: stripped } });

    // Act
    const run = await withoutDr.run({ input: trigger, mocks: { 'Delete snapshot': rdsDeleted } });

    // Assess
    expect(run).toHaveSucceeded();
    expect(deletedIds(run)).toEqual(['expired-by-age']);
    const refused = outputOf(run).deletions.find((d) => d.outcome === 'refused');
    expect(refused).toMatchObject({ identifier: 'expired-by-tag', environment: 'prod', execution: '' });
  });

  it('refuses at the guard a snapshot whose environment tag changed since selection', async () => {
    // Prepare
    mockRds({ 'expired-by-tag': { ...byId('expired-by-tag'), TagList: ours(ago(2), 'staging') } });

    // Act
    const run = await withoutDr.run({
      input: trigger,
      mocks: { 'Delete snapshot': rdsDeleted },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(deletedIds(run)).toEqual(['expired-by-age']);
    const refused = outputOf(run).deletions.find((d) => d.outcome === 'refused');
    expect(refused).toMatchObject({ identifier: 'expired-by-tag', environment: 'staging' });
  });

  it('records a source snapshot the delete finds busy as busy, one it finds gone as absent', async () => {
    // Prepare
    mockRds();

    // Act
    const busy = await withoutDr.run({
      input: trigger,
      mocks: { 'Delete snapshot': { Throw: { Error: 'Rds.InvalidDbSnapshotStateException', Cause: 'exporting' } } },
    });

    // Assess
    expect(busy).toHaveSucceeded();
    expect(busy).toHavePassedThrough('Record snapshot busy');
    expect(outputOf(busy).deletions.map((d) => d.outcome)).toEqual(['busy', 'busy']);

    mockRds();
    const gone = await withoutDr.run({
      input: trigger,
      mocks: { 'Delete snapshot': { Throw: { Error: 'Rds.DbSnapshotNotFoundException', Cause: 'gone' } } },
    });
    expect(gone).toHaveSucceeded();
    expect(gone).toHavePassedThrough('Record snapshot already gone');
    expect(gone).not.toHavePassedThrough('Record snapshot busy');
    expect(outputOf(gone).deletions.map((d) => d.outcome)).toEqual(['absent', 'absent']);
  });

  it('records no copy source when the instance has no available snapshot', async () => {
    // Prepare
    mockRds({}, [], {
      source: SOURCE.filter((s) => s.DBInstanceIdentifier !== 'interactions-prod-postgres'),
      automated: [],
    });

    // Act
    const run = await runDr({});

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Record no copy source');
    expect(run).not.toHavePassedThrough('Copy snapshot to DR region');
    expect(outputOf(run).drCopy).toEqual({ outcome: 'no-source' });
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
  });

  it('records a DR copy gone before the describe as absent', async () => {
    // Prepare
    mockRds({ [DR_COPY]: undefined });

    // Act
    const run = await runDr({});

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Record DR copy snapshot already gone');
    expect(drOutcomes(run)).toEqual([{ identifier: DR_COPY, outcome: 'absent' }]);
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it('refuses a DR copy whose tags changed between selection and the describe', async () => {
    // Prepare
    const dr = DR[0] as DBSnapshot;
    mockRds({ [DR_COPY]: { ...dr, TagList: ours(ago(1), 'staging') } });

    // Act
    const run = await runDr({});

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Refuse DR copy snapshot');
    expect(drOutcomes(run)).toEqual([expect.objectContaining({ identifier: DR_COPY, outcome: 'refused' })]);
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it('records a DR copy that drifted between the describe and the delete as busy, without failing the run', async () => {
    // Prepare
    mockRds();
    const dr = DR[0] as DBSnapshot;
    // First describe (the guard) sees it available; the delete's re-check sees a copy in progress.
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: DR_COPY })
      .resolvesOnce({ DBSnapshots: [dr] })
      .resolves({ DBSnapshots: [{ ...dr, Status: 'copying' }] });

    // Act
    const run = await runDr({});

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Record DR copy snapshot busy');
    expect(drOutcomes(run)).toEqual([{ identifier: DR_COPY, outcome: 'busy', reason: 'status copying' }]);
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it('records a DR copy the delete finds busy as busy', async () => {
    // Prepare
    mockRds();
    rds.on(DeleteDBSnapshotCommand).rejects(Object.assign(new Error('busy'), { name: 'InvalidDBSnapshotStateFault' }));

    // Act
    const run = await runDr({});

    // Assess
    expect(run).toHaveSucceeded();
    expect(drOutcomes(run)).toEqual([expect.objectContaining({ identifier: DR_COPY, outcome: 'busy' })]);
  });

  it('records a DR copy whose delete keeps failing as failed, and finishes the night as a partial failure', async () => {
    // Prepare: a delete error that is neither busy nor gone, nor transient
    mockRds();
    rds
      .on(DeleteDBSnapshotCommand)
      .rejects(Object.assign(new Error('key is disabled'), { name: 'KMSKeyNotAccessibleFault' }));

    // Act
    const run = await runDr({});

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Record DR copy snapshot failed', 'Note partial failure');
    expect(drOutcomes(run)).toEqual([expect.objectContaining({ identifier: DR_COPY, outcome: 'failed' })]);
    expect(outputOf(run).partialFailure).toBe(true);
  });

  it('ends with UnreportedFailure when the failure notification of a failed night fails too', async () => {
    // Prepare: the night fails (the selection is refused), and so does its failure notification
    mockRds();

    // Act
    const run = await runDr({
      'Select expired snapshots': { Throw: { Error: 'ConfigurationError', Cause: 'DR_REGION: required' } },
      'Notify failure': { Throw: { Error: 'S3.AccessDenied', Cause: 'report bucket refused the write' } },
    });

    // Assess
    expect(run).toHaveFailedWith(UNREPORTED_FAILURE, 'ConfigurationError');
    expect(run).toHaveEndedWith('Notify failure', 'Build unreported failure message', 'Fail unreported');
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it('refuses at the delete a DR copy retagged after the describe', async () => {
    // Prepare
    mockRds();
    const dr = DR[0] as DBSnapshot;
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: DR_COPY })
      .resolvesOnce({ DBSnapshots: [dr] })
      .resolves({ DBSnapshots: [{ ...dr, TagList: ours(ago(1), 'staging') }] });

    // Act
    const run = await runDr({});

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Refuse DR copy snapshot at delete');
    expect(drOutcomes(run)).toEqual([expect.objectContaining({ identifier: DR_COPY, outcome: 'refused' })]);
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it('retries a throttled start of the nested cache snapshot', async () => {
    // Prepare
    mockRds();

    // Act
    const run = await runDr({
      'Snapshot cache': [
        { Throw: { Error: 'StepFunctions.AWSStepFunctionsException', Cause: 'Rate exceeded' } },
        startedCache,
      ],
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.retries['Snapshot cache']).toBe(1);
    const retry = (withDr.sm.definition.States['Snapshot cache'] as unknown as { Retry: { ErrorEquals: string[] }[] })
      .Retry;
    expect(retry.flatMap((r) => r.ErrorEquals).filter((e) => e.startsWith('Sfn.'))).toEqual([]);
  });

  it('records a nested cache snapshot already started (a duplicate delivery) without failing', async () => {
    // Prepare
    mockRds();

    // Act
    const run = await runDr({
      'Snapshot cache': { Throw: { Error: 'StepFunctions.ExecutionAlreadyExistsException', Cause: 'exists' } },
    });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHavePassedThrough('Record cache snapshot already started');
    expect(outputOf(run).cacheSnapshot).toEqual({ status: 'ALREADY_STARTED' });
  });
});

describe('snapshot housekeeping IAM', () => {
  it('allows the state machine to delete only prefixed cache snapshots tagged as the automation', () => {
    // Prepare
    const statements = Object.values(withDr.template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (
          p as {
            Properties: {
              PolicyDocument: { Statement: { Action: unknown; Resource: unknown; Condition?: unknown }[] };
            };
          }
        ).Properties.PolicyDocument.Statement,
    );
    const deletes = statements.filter((s) => [s.Action].flat().includes('elasticache:DeleteSnapshot'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.Condition).toEqual({
      StringEquals: {
        [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: MANAGED_BY,
        [`aws:ResourceTag/${TAG_KEYS.environment}`]: 'prod',
      },
      Null: { [`aws:ResourceTag/${TAG_KEYS.execution}`]: 'false' },
    });
    expect(JSON.stringify(deletes[0]?.Resource)).toMatch(/:snapshot:interactions-prod-\*"/);
  });

  it('allows the state machine to delete only snapshots tagged as the automation', () => {
    // Prepare
    withDr.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'rds:DeleteDBSnapshot',
            Condition: {
              StringEquals: {
                [`rds:snapshot-tag/${TAG_KEYS.managedBy}`]: MANAGED_BY,
                [`rds:snapshot-tag/${TAG_KEYS.environment}`]: 'prod',
              },
            },
          }),
        ]),
      },
    });
    const policies = withDr.template.findResources('AWS::IAM::Policy');
    for (const policy of Object.values(policies)) {
      for (const statement of (
        policy as { Properties: { PolicyDocument: { Statement: { Action: unknown; Condition?: unknown }[] } } }
      ).Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat();
        if (actions.includes('rds:DeleteDBSnapshot')) {
          expect(statement.Condition).toMatchObject({
            StringEquals: { [`rds:snapshot-tag/${TAG_KEYS.environment}`]: 'prod' },
          });
        }
      }
    }
  });

  it('gives both functions the DR region as DR_REGION where a DR region is configured, and none without one', () => {
    // Prepare
    const variables = (template: typeof withDr.template, name: string) => {
      const functions = Object.values(
        template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }),
      ) as { Properties: { Environment: { Variables: Record<string, string> } } }[];
      expect(functions).toHaveLength(1);
      return functions[0]?.Properties.Environment.Variables;
    };

    // Assess
    for (const name of ['interactions-prod-select-expired-snapshots', 'interactions-prod-operate-regional-snapshots']) {
      expect(variables(withDr.template, name)).toMatchObject({ DR_REGION: prod.automation.drRegion });
      expect(variables(withoutDr.template, name)).not.toHaveProperty('DR_REGION');
    }
  });

  it.each([
    [
      'scheduleExpression is not cron or rate',
      { scheduleExpression: '03:40 daily' },
      'scheduleExpression must be a cron(...) or rate(...) expression',
    ],
    ['retentionDays is 0', { retentionDays: 0 }, 'retentionDays must be a positive integer (got 0)'],
    ['retentionDays passes the cap', { retentionDays: 3651 }, 'retentionDays must be at most 3650 (got 3651)'],
    [
      'deleteConcurrency is not an integer',
      { deleteConcurrency: 1.5 },
      'deleteConcurrency must be a positive integer (got 1.5)',
    ],
    ['deleteConcurrency is above 10', { deleteConcurrency: 11 }, 'deleteConcurrency must be at most 10 (got 11)'],
    ['drRegion is not a region', { drRegion: '' }, 'drRegion must be an AWS region such as us-west-2 (got "")'],
    ['timeout is zero', { timeout: Duration.seconds(0) }, 'timeout must be positive'],
  ])('fails at construction naming the prop when %s', (_when, props, message) => {
    expect(() => bed.variant('invalid', props)).toThrow(`SnapshotHousekeepingWorkflow: ${message}`);
  });

  it("fails at construction when drRegion is the stack's own region", () => {
    // Prepare: a stack with a concrete region, as the app builds it (the testbed's is region-agnostic).
    const stack = new Stack(testApp(), 'interactions-prod-automation', { env: { region: 'us-west-2' } });

    // Act
    const build = () =>
      new SnapshotHousekeepingWorkflow(stack, 'SnapshotHousekeeping', {
        envName: 'prod',
        scheduleExpression: prod.automation.housekeepingSchedule,
        drRegion: 'us-west-2',
        notifyFunction: lambda.Function.fromFunctionArn(
          stack,
          'Notify',
          'arn:aws:lambda:us-west-2:123456789012:function:interactions-prod-notify-outcome',
        ),
        functionLogGroup: new logs.LogGroup(stack, 'TasksLogs'),
      });

    // Assess
    expect(build).toThrow("SnapshotHousekeepingWorkflow: drRegion must differ from the stack's region (us-west-2)");
  });
});
