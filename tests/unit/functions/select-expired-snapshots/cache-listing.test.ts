import {
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  type Snapshot,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { listCacheSnapshots, toCacheRecord } from '../../../../functions/select-expired-snapshots/cache-listing.js';
import { MANAGED_BY, TAG_KEYS } from '../../../../shared/tags.js';

const elastiCache = mockClient(ElastiCacheClient);
const client = new ElastiCacheClient({ region: 'us-east-1' });
const arn = (name: string) => `arn:aws:elasticache:us-east-1:123456789012:snapshot:${name}`;
const snap = (name: string, over: Partial<Snapshot> = {}): Snapshot => ({
  SnapshotName: name,
  ARN: arn(name),
  SnapshotSource: 'manual',
  SnapshotStatus: 'available',
  ...over,
});
const ours = [{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }];

beforeEach(() => elastiCache.reset());

describe('listCacheSnapshots', () => {
  it('lists every page of manual snapshots and reads tags only of the prefixed ones', async () => {
    // Prepare
    elastiCache
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({ Snapshots: [snap('interactions-prod-a'), snap('hand-made')], Marker: 'm1' })
      .resolvesOnce({ Snapshots: [snap('interactions-prod-b'), snap('interactions-prod-c', { ARN: undefined })] });
    elastiCache.on(ListTagsForResourceCommand).callsFake(async (input) => {
      if (input.ResourceName === arn('interactions-prod-b')) {
        throw Object.assign(new Error('gone'), { name: 'SnapshotNotFoundFault' });
      }
      return { TagList: ours };
    });
    // Act
    const listing = await listCacheSnapshots(client, 'interactions-prod', 'interactions-prod-');
    // Assess
    expect(elastiCache.commandCalls(DescribeSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ ReplicationGroupId: 'interactions-prod', SnapshotSource: 'user' }),
      expect.objectContaining({ ReplicationGroupId: 'interactions-prod', SnapshotSource: 'user', Marker: 'm1' }),
    ]);
    expect(
      elastiCache
        .commandCalls(ListTagsForResourceCommand)
        .map((c) => c.args[0].input.ResourceName)
        .sort(),
    ).toEqual([arn('interactions-prod-a'), arn('interactions-prod-b')]);
    expect(listing.scanned).toBe(4);
    // b vanished between listing and tag read; c has no ARN, so no tags (never selected).
    expect(listing.candidates.map((c) => [c.name, c.tags])).toEqual([
      ['interactions-prod-a', ours],
      ['interactions-prod-c', []],
    ]);
  });

  it('lets any other tag-read error fail the listing', async () => {
    elastiCache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snap('interactions-prod-a')] });
    elastiCache.on(ListTagsForResourceCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    await expect(listCacheSnapshots(client, 'interactions-prod', 'interactions-prod-')).rejects.toThrow('no');
  });
});

describe('toCacheRecord', () => {
  it('dates the snapshot by its latest node snapshot', () => {
    const record = toCacheRecord(
      snap('interactions-prod-a', {
        NodeSnapshots: [
          { SnapshotCreateTime: new Date('2025-01-14T05:10:00Z') },
          { SnapshotCreateTime: new Date('2025-01-14T05:12:00Z') },
          {},
        ],
      }),
      [],
    );
    expect(record).toMatchObject({
      source: 'manual',
      status: 'available',
      createdAt: new Date('2025-01-14T05:12:00Z'),
    });
    expect(toCacheRecord({}, []).createdAt).toBeUndefined();
  });
});
