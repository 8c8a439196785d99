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

  it('accepts Valkey, the Redis fork ElastiCache also reports', () => {
    expect(verifyCacheSnapshot({ ...good, Engine: 'valkey' }, expected).passed).toBe(true);
  });

  it.each<[string, Partial<RawCacheSnapshot>, string[]]>([
    ['still creating', { SnapshotStatus: 'creating' }, ['status']],
    ['automatic', { SnapshotSource: 'automated' }, ['snapshot source']],
    ['of another group', { ReplicationGroupId: 'interactions-dev' }, ['replication group']],
    ['of another engine', { Engine: 'memcached' }, ['engine']],
    ['without node snapshots', { NodeSnapshots: [] }, ['node snapshots', 'node snapshot sizes']],
    ['with an empty node', { NodeSnapshots: [{ NodeGroupId: '0001', CacheSize: '0 MB' }] }, ['node snapshot sizes']],
    ['with a node of unknown size', { NodeSnapshots: [{ NodeGroupId: '0002' }] }, ['node snapshot sizes']],
    ['of another name', { SnapshotName: 'x' }, ['name']],
  ])('fails when the snapshot is %s', (_label, change, failed) => {
    const result = verifyCacheSnapshot({ ...good, ...change }, expected);
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(failed);
    expect(describeCacheFailures(result)).toContain(failed[0]);
  });
});
