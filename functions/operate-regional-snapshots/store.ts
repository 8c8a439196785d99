/** RegionalSnapshotStore over the RDS SDK (either region); the cache snapshot describer over ElastiCache. */
import {
  DescribeSnapshotsCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import {
  CopyDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { RegionalSnapshotStore, SnapshotDescriber } from './operations.js';

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

/**
 * The SDK adapter. For the copy, the source snapshot's ARN names its region: the SDK's RDS middleware
 * derives the source region from it and adds the presigned source-region request (what `SourceRegion`
 * does in other SDKs; RDS itself needs it only in GovCloud).
 */
export function rdsRegionalStore(rds: RDSClient): RegionalSnapshotStore {
  return {
    async describe(identifier) {
      try {
        const { DBSnapshots = [] } = await rds.send(
          new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }),
        );
        const s = DBSnapshots[0];
        return s === undefined
          ? undefined
          : { status: s.Status ?? 'unknown', type: s.SnapshotType ?? 'unknown', tags: s.TagList ?? [] };
      } catch (error) {
        if (errorName(error) === 'DBSnapshotNotFoundFault') return undefined;
        throw error;
      }
    },
    async copy(request) {
      try {
        const { DBSnapshot } = await rds.send(
          new CopyDBSnapshotCommand({
            SourceDBSnapshotIdentifier: request.sourceArn,
            TargetDBSnapshotIdentifier: request.targetName,
            KmsKeyId: request.kmsKeyId,
            Tags: [...request.tags],
            CopyTags: false,
          }),
        );
        return { outcome: 'started', status: DBSnapshot?.Status ?? 'unknown' };
      } catch (error) {
        // Same source, same target name: a previous run (or a duplicate delivery) already copied it.
        if (errorName(error) === 'DBSnapshotAlreadyExistsFault') return { outcome: 'exists', status: 'unknown' };
        throw error;
      }
    },
    async delete(identifier) {
      try {
        await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }));
        return 'deleted';
      } catch (error) {
        if (errorName(error) === 'DBSnapshotNotFoundFault') return 'absent';
        if (errorName(error) === 'InvalidDBSnapshotStateFault') return 'busy';
        throw error;
      }
    },
  };
}

/**
 * Cache snapshots of the state machine's region, by name: DescribeSnapshots for status and source,
 * then ListTagsForResource on the snapshot's ARN (DescribeSnapshots returns no tags). A snapshot
 * gone between the two calls is reported absent.
 */
export function cacheSnapshotDescriber(elastiCache: ElastiCacheClient): SnapshotDescriber {
  return {
    async describe(snapshotName) {
      try {
        const { Snapshots = [] } = await elastiCache.send(new DescribeSnapshotsCommand({ SnapshotName: snapshotName }));
        const s = Snapshots[0];
        if (s === undefined) return undefined;
        // Without an ARN the tags cannot be read: an empty list makes the guard Choice refuse.
        const tags =
          s.ARN === undefined
            ? []
            : ((await elastiCache.send(new ListTagsForResourceCommand({ ResourceName: s.ARN }))).TagList ?? []);
        return { status: s.SnapshotStatus ?? 'unknown', type: s.SnapshotSource ?? 'unknown', tags };
      } catch (error) {
        if (errorName(error) === 'SnapshotNotFoundFault') return undefined;
        throw error;
      }
    },
  };
}
