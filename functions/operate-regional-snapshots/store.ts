/**
 * RegionalSnapshotStore over the RDS SDK (either region); the cache snapshot describer over
 * ElastiCache. Describe and delete are the shared snapshot calls (shared/snapshots); only the copy is
 * this function's own.
 */
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CopyDBSnapshotCommand, type RDSClient } from '@aws-sdk/client-rds';
import { errorName } from '../../shared/errors.js';
import { describeCacheSnapshot } from '../../shared/snapshots/cache-snapshots.js';
import { deleteDbSnapshot, describeDbSnapshot } from '../../shared/snapshots/db-snapshots.js';
import type { RegionalSnapshotStore, SnapshotDescriber } from './operations.js';

/**
 * The SDK adapter. For the copy, the source snapshot's ARN names its region: the SDK's RDS middleware
 * derives the source region from it and adds the presigned source-region request (what `SourceRegion`
 * does in other SDKs; RDS itself needs it only in GovCloud).
 */
export function rdsRegionalStore(rds: RDSClient): RegionalSnapshotStore {
  return {
    describe: (identifier) => describeDbSnapshot(rds, identifier),
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
    delete: (identifier) => deleteDbSnapshot(rds, identifier),
  };
}

/** Cache snapshots of the state machine's region, by name (a snapshot gone between its two calls is absent). */
export function cacheSnapshotDescriber(elastiCache: ElastiCacheClient): SnapshotDescriber {
  return { describe: (snapshotName) => describeCacheSnapshot(elastiCache, snapshotName) };
}
