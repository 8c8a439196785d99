/**
 * ElastiCache snapshots through the SDK: describe (DescribeSnapshots returns no tags, so a second
 * call reads them from the snapshot's ARN) and delete, with "not found" and "wrong state" faults
 * turned into results instead of errors.
 */
import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { errorName } from '../errors.js';
import type { DescribedSnapshot, SnapshotDeletion } from './types.js';

/**
 * The cache snapshot named `snapshotName`, or undefined when there is none (also when it vanishes
 * between the two calls). `type` is its SnapshotSource. Without an ARN the tags cannot be read: the
 * empty list makes every ownership check refuse.
 */
export async function describeCacheSnapshot(
  elastiCache: ElastiCacheClient,
  snapshotName: string,
): Promise<DescribedSnapshot | undefined> {
  try {
    const { Snapshots = [] } = await elastiCache.send(new DescribeSnapshotsCommand({ SnapshotName: snapshotName }));
    const snapshot = Snapshots[0];
    if (snapshot === undefined) return undefined;
    const tags =
      snapshot.ARN === undefined
        ? []
        : ((await elastiCache.send(new ListTagsForResourceCommand({ ResourceName: snapshot.ARN }))).TagList ?? []);
    return { status: snapshot.SnapshotStatus ?? 'unknown', type: snapshot.SnapshotSource ?? 'unknown', tags };
  } catch (error) {
    if (errorName(error) === 'SnapshotNotFoundFault') return undefined;
    throw error;
  }
}

/** Deletes the cache snapshot: `absent` when it is already gone, `busy` when its state forbids deleting now. */
export async function deleteCacheSnapshot(
  elastiCache: ElastiCacheClient,
  snapshotName: string,
): Promise<SnapshotDeletion> {
  try {
    await elastiCache.send(new DeleteSnapshotCommand({ SnapshotName: snapshotName }));
    return 'deleted';
  } catch (error) {
    if (errorName(error) === 'SnapshotNotFoundFault') return 'absent';
    if (errorName(error) === 'InvalidSnapshotStateFault') return 'busy';
    throw error;
  }
}
