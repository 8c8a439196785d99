import {
  describeCacheFailures,
  type RawCacheSnapshot,
  verifyCacheSnapshot,
} from '../../../../functions/verify-cache-snapshot/verify.js';

const good: RawCacheSnapshot = {
  SnapshotName: 'interactions-prod-nightly',
  ARN: 'arn:aws:elasticache:us-east-1:123456789012:snapshot:interactions-prod-nightly',
  ReplicationGroupId: 'interactions-prod',
  SnapshotStatus: 'available',
  SnapshotSource: 'manual',
  Engine: 'redis',
  NodeSnapshots: [{ NodeGroupId: '0001', CacheSize: '6 MB', SnapshotCreateTime: '2025-01-01T02:00:00Z' }],
};
const expected = { snapshotName: 'interactions-prod-nightly', replicationGroupId: 'interactions-prod' };

describe('verifyCacheSnapshot', () => {
  it('passes a complete manual snapshot of the replication group', () => {
    const result = verifyCacheSnapshot(good, expected);
    expect(result.passed).toBe(true);
    expect(result.snapshot).toMatchObject({
      id: 'interactions-prod-nightly',
      nodeSnapshots: 1,
      createdAt: '2025-01-01T02:00:00.000Z',
    });
  });

  it.each<[string, RawCacheSnapshot['NodeSnapshots'], Record<string, string>]>([
    ['an empty cache (0 MB)', [{ NodeGroupId: '0001', CacheSize: '0 MB' }], { '0001': '0 MB' }],
    ['a node of unknown size', [{ NodeGroupId: '0002' }], { '0002': 'unknown' }],
    [
      'two node groups',
      [
        { NodeGroupId: '0001', CacheSize: '6 MB' },
        { CacheClusterId: 'interactions-prod-002', CacheSize: '0 MB' },
      ],
      { '0001': '6 MB', 'interactions-prod-002': '0 MB' },
    ],
  ])('passes %s and records node sizes without checking them', (_label, nodes, sizes) => {
    const result = verifyCacheSnapshot({ ...good, NodeSnapshots: nodes }, expected);
    expect(result.passed).toBe(true);
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.snapshot.nodeSizes).toEqual(sizes);
  });

  it('accepts Valkey, the Redis fork ElastiCache also reports', () => {
    expect(verifyCacheSnapshot({ ...good, Engine: 'valkey' }, expected).passed).toBe(true);
  });

  it.each<[string, Partial<RawCacheSnapshot>, string[]]>([
    ['still creating', { SnapshotStatus: 'creating' }, ['status']],
    ['automatic', { SnapshotSource: 'automated' }, ['snapshot source']],
    ['of another group', { ReplicationGroupId: 'interactions-dev' }, ['replication group']],
    ['of another engine', { Engine: 'memcached' }, ['engine']],
    ['without node snapshots', { NodeSnapshots: [] }, ['node snapshots']],
    ['of another name', { SnapshotName: 'x' }, ['name']],
  ])('fails when the snapshot is %s', (_label, change, failed) => {
    const result = verifyCacheSnapshot({ ...good, ...change }, expected);
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(failed);
    expect(describeCacheFailures(result)).toContain(failed[0]);
  });
});
