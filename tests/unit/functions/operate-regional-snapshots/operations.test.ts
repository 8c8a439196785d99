import '../../../support/lambda-env.js';
import { DescribeSnapshotsCommand, ElastiCacheClient, ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import {
  deleteGuarded,
  describeForGuard,
  type RegionalSnapshotStore,
} from '../../../../functions/operate-regional-snapshots/operations.js';
import { cacheSnapshotDescriber } from '../../../../functions/operate-regional-snapshots/store.js';
import { TagGuardError } from '../../../../shared/errors.js';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../../../shared/tags.js';

function store(snapshot: { status: string; type: string; tags: Tag[] } | undefined) {
  const deleted: string[] = [];
  const s: RegionalSnapshotStore = {
    describe: async () => snapshot,
    copy: async () => ({ outcome: 'started', status: 'pending' }),
    delete: async (id) => {
      deleted.push(id);
    },
  };
  return { s, deleted };
}
const ours = [
  { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
  { Key: TAG_KEYS.expiresAt, Value: '2025-01-01T00:00:00.000Z' },
];

describe('describeForGuard', () => {
  it('flattens the tags the guard Choice compares', async () => {
    await expect(describeForGuard(store({ status: 'available', type: 'manual', tags: ours }).s, 'x')).resolves.toEqual({
      status: 'available',
      type: 'manual',
      managedBy: MANAGED_BY,
      expiresAt: '2025-01-01T00:00:00.000Z',
    });
  });
  it('gives empty strings for absent tags and status absent for a missing snapshot', async () => {
    await expect(
      describeForGuard(store({ status: 'available', type: 'manual', tags: [] }).s, 'x'),
    ).resolves.toMatchObject({ managedBy: '', expiresAt: '' });
    await expect(describeForGuard(store(undefined).s, 'x')).resolves.toEqual({
      status: 'absent',
      type: '',
      managedBy: '',
      expiresAt: '',
    });
  });
});

describe('deleteGuarded', () => {
  it('deletes a manual, available automation snapshot', async () => {
    const { s, deleted } = store({ status: 'available', type: 'manual', tags: ours });
    await expect(deleteGuarded(s, 'x')).resolves.toEqual({ identifier: 'x', outcome: 'deleted' });
    expect(deleted).toEqual(['x']);
  });
  it.each([
    ['not tagged as ours', { status: 'available', type: 'manual', tags: [] }],
    ['automated', { status: 'available', type: 'automated', tags: ours }],
    ['not available', { status: 'copying', type: 'manual', tags: ours }],
  ])('fails when the snapshot is %s, deleting nothing', async (_why, snapshot) => {
    const { s, deleted } = store(snapshot);
    await expect(deleteGuarded(s, 'x')).rejects.toBeInstanceOf(TagGuardError);
    expect(deleted).toEqual([]);
  });
  it('reports absent when already gone', async () => {
    await expect(deleteGuarded(store(undefined).s, 'x')).resolves.toEqual({ identifier: 'x', outcome: 'absent' });
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
