/** The shared snapshot adapters against mocked RDS and ElastiCache SDKs. */
import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { deleteCacheSnapshot, describeCacheSnapshot } from '../../../shared/snapshots/cache-snapshots.js';
import { deleteDbSnapshot, describeDbSnapshot } from '../../../shared/snapshots/db-snapshots.js';

const rdsMock = mockClient(RDSClient);
const cacheMock = mockClient(ElastiCacheClient);
const rds = new RDSClient({ region: 'us-east-1' });
const cache = new ElastiCacheClient({ region: 'us-east-1' });
const tags = [{ Key: 'interactions:managed-by', Value: 'interactions-automation' }];

function fault(name: string): Error {
  return Object.assign(new Error(name), { name });
}

beforeEach(() => {
  rdsMock.reset();
  cacheMock.reset();
});

describe('DB snapshots', () => {
  it('describes status, type and tags', async () => {
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [{ Status: 'available', SnapshotType: 'manual', TagList: tags }],
    });
    await expect(describeDbSnapshot(rds, 'snap')).resolves.toEqual({ status: 'available', type: 'manual', tags });
  });

  it('describes a missing snapshot as undefined', async () => {
    rdsMock.on(DescribeDBSnapshotsCommand).rejects(fault('DBSnapshotNotFoundFault'));
    await expect(describeDbSnapshot(rds, 'snap')).resolves.toBeUndefined();
  });

  it.each([
    ['DBSnapshotNotFoundFault', 'absent'],
    ['InvalidDBSnapshotStateFault', 'busy'],
  ])('turns %s on delete into %s', async (name, result) => {
    rdsMock.on(DeleteDBSnapshotCommand).rejects(fault(name));
    await expect(deleteDbSnapshot(rds, 'snap')).resolves.toBe(result);
  });

  it('re-throws any other fault', async () => {
    rdsMock.on(DeleteDBSnapshotCommand).rejects(fault('AccessDenied'));
    await expect(deleteDbSnapshot(rds, 'snap')).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('cache snapshots', () => {
  it('reads the tags from the snapshot ARN', async () => {
    cacheMock.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotStatus: 'available', SnapshotSource: 'manual', ARN: 'arn:snap' }],
    });
    cacheMock.on(ListTagsForResourceCommand).resolves({ TagList: tags });
    await expect(describeCacheSnapshot(cache, 'snap')).resolves.toEqual({ status: 'available', type: 'manual', tags });
    expect(cacheMock.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({ ResourceName: 'arn:snap' });
  });

  it('gives a snapshot without an ARN no tags, so every ownership check refuses it', async () => {
    cacheMock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available' }] });
    await expect(describeCacheSnapshot(cache, 'snap')).resolves.toMatchObject({ tags: [] });
  });

  it('describes a snapshot that vanished between the two calls as undefined', async () => {
    cacheMock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available', ARN: 'arn:snap' }] });
    cacheMock.on(ListTagsForResourceCommand).rejects(fault('SnapshotNotFoundFault'));
    await expect(describeCacheSnapshot(cache, 'snap')).resolves.toBeUndefined();
  });

  it.each([
    ['SnapshotNotFoundFault', 'absent'],
    ['InvalidSnapshotStateFault', 'busy'],
  ])('turns %s on delete into %s', async (name, result) => {
    cacheMock.on(DeleteSnapshotCommand).rejects(fault(name));
    await expect(deleteCacheSnapshot(cache, 'snap')).resolves.toBe(result);
  });
});
