/** SnapshotStore adapters over the RDS and ElastiCache SDKs. */
import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { SnapshotStore } from './guard.js';

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

/** Manual DB snapshots; DescribeDBSnapshots includes the tags. */
export function rdsSnapshotStore(rds: RDSClient): SnapshotStore {
  return {
    async describe(snapshotName) {
      try {
        const { DBSnapshots = [] } = await rds.send(
          new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotName }),
        );
        const snapshot = DBSnapshots[0];
        return snapshot === undefined
          ? undefined
          : { status: snapshot.Status ?? 'unknown', tags: snapshot.TagList ?? [] };
      } catch (error) {
        if (errorName(error) === 'DBSnapshotNotFoundFault') return undefined;
        throw error;
      }
    },
    async delete(snapshotName) {
      try {
        await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: snapshotName }));
        return 'deleted';
      } catch (error) {
        if (errorName(error) === 'InvalidDBSnapshotStateFault') return 'busy';
        if (errorName(error) === 'DBSnapshotNotFoundFault') return 'deleted';
        throw error;
      }
    },
  };
}

/** ElastiCache snapshots; their tags need a separate ListTagsForResource on the snapshot's ARN. */
export function cacheSnapshotStore(elastiCache: ElastiCacheClient): SnapshotStore {
  return {
    async describe(snapshotName) {
      let snapshot: { ARN?: string | undefined; SnapshotStatus?: string | undefined } | undefined;
      try {
        const { Snapshots = [] } = await elastiCache.send(new DescribeSnapshotsCommand({ SnapshotName: snapshotName }));
        snapshot = Snapshots[0];
      } catch (error) {
        if (errorName(error) === 'SnapshotNotFoundFault') return undefined;
        throw error;
      }
      if (snapshot === undefined) return undefined;
      // Without an ARN the tags cannot be read: an empty list makes the guard refuse.
      const tags =
        snapshot.ARN === undefined
          ? []
          : ((await elastiCache.send(new ListTagsForResourceCommand({ ResourceName: snapshot.ARN }))).TagList ?? []);
      return { status: snapshot.SnapshotStatus ?? 'unknown', tags };
    },
    async delete(snapshotName) {
      try {
        await elastiCache.send(new DeleteSnapshotCommand({ SnapshotName: snapshotName }));
        return 'deleted';
      } catch (error) {
        if (errorName(error) === 'InvalidSnapshotStateFault') return 'busy';
        if (errorName(error) === 'SnapshotNotFoundFault') return 'deleted';
        throw error;
      }
    },
  };
}
