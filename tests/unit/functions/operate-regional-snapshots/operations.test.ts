import { DescribeSnapshotsCommand, ElastiCacheClient, ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import {
  deleteGuarded,
  describeForGuard,
  type RegionalSnapshotStore,
} from '../../../../functions/operate-regional-snapshots/operations.js';
import { cacheSnapshotDescriber } from '../../../../functions/operate-regional-snapshots/store.js';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../../../shared/tags.js';

function store(
  snapshot: { status: string; type: string; tags: Tag[] } | undefined,
  deleteResult: 'deleted' | 'absent' | 'busy' = 'deleted',
) {
  const deleted: string[] = [];
  const s: RegionalSnapshotStore = {
    describe: async () => snapshot,
    copy: async () => ({ outcome: 'started', status: 'pending' }),
    delete: async (id) => {
      deleted.push(id);
      return deleteResult;
    },
  };
  return { s, deleted };
}
const ours = [
  { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
  { Key: TAG_KEYS.execution, Value: 'nightly-earlier' },
  { Key: TAG_KEYS.environment, Value: 'prod' },
  { Key: TAG_KEYS.expiresAt, Value: '2025-01-01T00:00:00.000Z' },
];

describe('describeForGuard', () => {
  it('flattens the tags the guard Choice compares', async () => {
    await expect(describeForGuard(store({ status: 'available', type: 'manual', tags: ours }).s, 'x')).resolves.toEqual({
      status: 'available',
      type: 'manual',
      managedBy: MANAGED_BY,
      environment: 'prod',
      execution: 'nightly-earlier',
      expiresAt: '2025-01-01T00:00:00.000Z',
    });
  });
  it('gives empty strings for absent tags and status absent for a missing snapshot', async () => {
    await expect(
      describeForGuard(store({ status: 'available', type: 'manual', tags: [] }).s, 'x'),
    ).resolves.toMatchObject({ managedBy: '', environment: '', execution: '', expiresAt: '' });
    await expect(describeForGuard(store(undefined).s, 'x')).resolves.toEqual({
      status: 'absent',
      type: '',
      managedBy: '',
      environment: '',
      execution: '',
      expiresAt: '',
    });
  });
});

describe('deleteGuarded', () => {
  it('deletes a manual, available automation snapshot of this environment', async () => {
    const { s, deleted } = store({ status: 'available', type: 'manual', tags: ours });
    await expect(deleteGuarded(s, 'x', 'prod')).resolves.toMatchObject({ identifier: 'x', outcome: 'deleted' });
    expect(deleted).toEqual(['x']);
  });
  it.each([
    ['not tagged as ours', { status: 'available', type: 'manual', tags: [] }, 'refused'],
    ['automated', { status: 'available', type: 'automated', tags: ours }, 'refused'],
    [
      "another environment's",
      {
        status: 'available',
        type: 'manual',
        tags: ours.map((t) => (t.Key === TAG_KEYS.environment ? { ...t, Value: 'staging' } : t)),
      },
      'refused',
    ],
    [
      'without the environment tag',
      { status: 'available', type: 'manual', tags: ours.filter((t) => t.Key !== TAG_KEYS.environment) },
      'refused',
    ],
    [
      'without the execution tag (IAM would deny the delete)',
      { status: 'available', type: 'manual', tags: ours.filter((t) => t.Key !== TAG_KEYS.execution) },
      'refused',
    ],
    [
      'with an empty execution tag',
      {
        status: 'available',
        type: 'manual',
        tags: ours.map((t) => (t.Key === TAG_KEYS.execution ? { ...t, Value: '' } : t)),
      },
      'refused',
    ],
    ['no longer available (drifted since the describe)', { status: 'copying', type: 'manual', tags: ours }, 'busy'],
  ])(
    'returns an outcome instead of failing the run when the snapshot is %s, deleting nothing',
    async (_why, snapshot, outcome) => {
      const { s, deleted } = store(snapshot);
      const result = await deleteGuarded(s, 'x', 'prod');
      expect(result).toMatchObject({ identifier: 'x', outcome });
      expect(result.reason).not.toBe('');
      expect(deleted).toEqual([]);
    },
  );
  it('names the missing execution tag in the reason of the refusal', async () => {
    // Prepare
    const { s, deleted } = store({
      status: 'available',
      type: 'manual',
      tags: ours.filter((t) => t.Key !== TAG_KEYS.execution),
    });

    // Act
    const result = await deleteGuarded(s, 'x', 'prod');

    // Assess
    expect(result).toMatchObject({ outcome: 'refused' });
    expect(result.reason).toContain(`${TAG_KEYS.execution}=(none)`);
    expect(deleted).toEqual([]);
  });
  it('reports busy when the delete finds a state that forbids it, absent when it is already gone', async () => {
    await expect(
      deleteGuarded(store({ status: 'available', type: 'manual', tags: ours }, 'busy').s, 'x', 'prod'),
    ).resolves.toMatchObject({ outcome: 'busy' });
    await expect(
      deleteGuarded(store({ status: 'available', type: 'manual', tags: ours }, 'absent').s, 'x', 'prod'),
    ).resolves.toMatchObject({ outcome: 'absent' });
    await expect(deleteGuarded(store(undefined).s, 'x', 'prod')).resolves.toMatchObject({
      identifier: 'x',
      outcome: 'absent',
    });
  });
});

describe('describeForGuard over cache snapshots', () => {
  const elastiCache = mockClient(ElastiCacheClient);
  const describer = cacheSnapshotDescriber(new ElastiCacheClient({ region: 'us-east-1' }));
  const ARN = 'arn:aws:elasticache:us-east-1:123456789012:snapshot:interactions-prod-a';
  beforeEach(() => elastiCache.reset());

  it('reads status and source from DescribeSnapshots and the tags from ListTagsForResource', async () => {
    elastiCache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotName: 'interactions-prod-a', ARN, SnapshotStatus: 'available', SnapshotSource: 'manual' }],
    });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: ours });
    await expect(describeForGuard(describer, 'interactions-prod-a')).resolves.toEqual({
      status: 'available',
      type: 'manual',
      managedBy: MANAGED_BY,
      environment: 'prod',
      execution: 'nightly-earlier',
      expiresAt: '2025-01-01T00:00:00.000Z',
    });
    expect(elastiCache.commandCalls(DescribeSnapshotsCommand)[0]?.args[0].input).toEqual({
      SnapshotName: 'interactions-prod-a',
    });
    expect(elastiCache.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({ ResourceName: ARN });
  });

  it('reports absent when the snapshot is gone, before or between the two calls', async () => {
    const notFound = Object.assign(new Error('gone'), { name: 'SnapshotNotFoundFault' });
    elastiCache.on(DescribeSnapshotsCommand).rejects(notFound);
    await expect(describeForGuard(describer, 'interactions-prod-a')).resolves.toMatchObject({ status: 'absent' });
    elastiCache.reset();
    elastiCache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ ARN, SnapshotStatus: 'available' }] });
    elastiCache.on(ListTagsForResourceCommand).rejects(notFound);
    await expect(describeForGuard(describer, 'interactions-prod-a')).resolves.toMatchObject({ status: 'absent' });
  });

  it('gives no tags (so the guard refuses) when the snapshot has no ARN', async () => {
    elastiCache
      .on(DescribeSnapshotsCommand)
      .resolves({ Snapshots: [{ SnapshotStatus: 'available', SnapshotSource: 'manual' }] });
    await expect(describeForGuard(describer, 'interactions-prod-a')).resolves.toMatchObject({
      managedBy: '',
      expiresAt: '',
    });
    expect(elastiCache.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });
});
