/** SnapshotStore adapters over the shared RDS and ElastiCache snapshot calls (shared/snapshots). */
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import type { RDSClient } from '@aws-sdk/client-rds';
import { deleteCacheSnapshot, describeCacheSnapshot } from '../../shared/snapshots/cache-snapshots.js';
import { deleteDbSnapshot, describeDbSnapshot } from '../../shared/snapshots/db-snapshots.js';
import type { SnapshotStore } from './guard.js';

/** Manual DB snapshots. */
export function rdsSnapshotStore(rds: RDSClient): SnapshotStore {
  return { describe: (name) => describeDbSnapshot(rds, name), delete: (name) => deleteDbSnapshot(rds, name) };
}

/** ElastiCache snapshots. */
export function cacheSnapshotStore(elastiCache: ElastiCacheClient): SnapshotStore {
  return {
    describe: (name) => describeCacheSnapshot(elastiCache, name),
    delete: (name) => deleteCacheSnapshot(elastiCache, name),
  };
}
