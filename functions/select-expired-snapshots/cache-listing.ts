/**
 * Lists the manual ElastiCache snapshots of one replication group, every page, and reads the tags
 * of those named with the automation's prefix. DescribeSnapshots returns no tags, so each candidate
 * costs a ListTagsForResource call: the prefix keeps those calls bounded to the automation's own
 * snapshots (an operator's hand-named snapshot is never a candidate anyway).
 */
import {
  type ElastiCacheClient,
  ListTagsForResourceCommand,
  paginateDescribeSnapshots,
  type Snapshot,
} from '@aws-sdk/client-elasticache';
import { errorName } from '../../shared/errors.js';
import type { Tag } from '../../shared/tags.js';
import { mapLimited } from './map-limited.js';
import type { CacheSnapshotRecord } from './select.js';

/** Tag reads in flight at once: ElastiCache throttles a burst of them. */
const TAG_READ_CONCURRENCY = 4;

/** When the snapshot was taken: the latest node snapshot's time (the later, the later it expires by age). */
function createdAt(snapshot: Snapshot): Date | undefined {
  let latest: Date | undefined;
  for (const node of snapshot.NodeSnapshots ?? []) {
    const at = node.SnapshotCreateTime;
    if (at !== undefined && (latest === undefined || at.getTime() > latest.getTime())) latest = at;
  }
  return latest;
}

/** An SDK cache snapshot as the selection reads it, with the tags read separately. */
export function toCacheRecord(snapshot: Snapshot, tags: readonly Tag[]): CacheSnapshotRecord {
  return {
    name: snapshot.SnapshotName ?? '',
    arn: snapshot.ARN ?? '',
    source: snapshot.SnapshotSource ?? 'unknown',
    status: snapshot.SnapshotStatus ?? 'unknown',
    createdAt: createdAt(snapshot),
    tags,
  };
}

/** What the listing returns: every manual snapshot of the group, and the tagged candidates. */
export interface CacheListing {
  /** Manual snapshots of the replication group, all names. */
  readonly scanned: number;
  /** The snapshots named with `namePrefix`, with their tags (one that vanished meanwhile is left out). */
  readonly candidates: CacheSnapshotRecord[];
}

/**
 * Every manual snapshot of `replicationGroupId` (`SnapshotSource: 'user'` is the request filter;
 * the snapshots then report `SnapshotSource: 'manual'`), and the tags of those named `namePrefix...`.
 */
export async function listCacheSnapshots(
  elastiCache: ElastiCacheClient,
  replicationGroupId: string,
  namePrefix: string,
): Promise<CacheListing> {
  const snapshots: Snapshot[] = [];
  for await (const page of paginateDescribeSnapshots(
    { client: elastiCache, pageSize: 50 },
    { ReplicationGroupId: replicationGroupId, SnapshotSource: 'user' },
  )) {
    snapshots.push(...(page.Snapshots ?? []));
  }
  const named = snapshots.filter((s) => namePrefix !== '' && (s.SnapshotName ?? '').startsWith(namePrefix));
  const read = await mapLimited(named, TAG_READ_CONCURRENCY, async (snapshot) => {
    // Without an ARN the tags cannot be read: an empty list means the selection never picks it.
    if (snapshot.ARN === undefined) return toCacheRecord(snapshot, []);
    try {
      const { TagList = [] } = await elastiCache.send(new ListTagsForResourceCommand({ ResourceName: snapshot.ARN }));
      return toCacheRecord(snapshot, TagList);
    } catch (error) {
      if (errorName(error) === 'SnapshotNotFoundFault') return undefined;
      throw error;
    }
  });
  return { scanned: snapshots.length, candidates: read.filter((r) => r !== undefined) };
}
