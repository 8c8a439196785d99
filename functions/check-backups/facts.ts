/**
 * Gathers the facts evaluate.ts checks. The instance and the account quota come from the state
 * machine's SDK integrations (single responses); the snapshot lists come from here because they are
 * paginated: a JSONPath state machine cannot concatenate pages or pick the newest timestamp across
 * them, and one page of 100 manual snapshots with their tags approaches the 256 KB state limit.
 */
import { type ElastiCacheClient, paginateDescribeSnapshots } from '@aws-sdk/client-elasticache';
import { paginateDescribeDBSnapshots, type RDSClient } from '@aws-sdk/client-rds';
import type { SnapshotFact } from './evaluate.js';

/** What the checks need to list; the handler adapts the SDK clients, tests pass arrays. */
export interface SnapshotLister {
  /** Automated snapshots of one DB instance, every page. */
  automatedDbSnapshots(instanceId: string): Promise<SnapshotFact[]>;
  /** Number of manual DB snapshots in the region, every page. */
  manualDbSnapshotCount(): Promise<number>;
  /** Snapshots (automatic and manual) of one replication group, every page. */
  cacheSnapshots(replicationGroupId: string): Promise<SnapshotFact[]>;
}

function date(value: Date | undefined): Date | undefined {
  return value === undefined || Number.isNaN(value.getTime()) ? undefined : value;
}

/** SnapshotLister over the SDK v3 paginators (100 DB snapshots, 50 cache snapshots per page). */
export function sdkSnapshotLister(rds: RDSClient, elastiCache: ElastiCacheClient): SnapshotLister {
  return {
    async automatedDbSnapshots(instanceId) {
      const facts: SnapshotFact[] = [];
      const pages = paginateDescribeDBSnapshots(
        { client: rds, pageSize: 100 },
        { DBInstanceIdentifier: instanceId, SnapshotType: 'automated' },
      );
      for await (const page of pages) {
        for (const s of page.DBSnapshots ?? []) {
          facts.push({
            id: s.DBSnapshotIdentifier ?? '(unnamed)',
            status: s.Status ?? 'unknown',
            createdAt: date(s.SnapshotCreateTime),
          });
        }
      }
      return facts;
    },
    async manualDbSnapshotCount() {
      let count = 0;
      const pages = paginateDescribeDBSnapshots({ client: rds, pageSize: 100 }, { SnapshotType: 'manual' });
      for await (const page of pages) count += page.DBSnapshots?.length ?? 0;
      return count;
    },
    async cacheSnapshots(replicationGroupId) {
      const facts: SnapshotFact[] = [];
      const pages = paginateDescribeSnapshots(
        { client: elastiCache, pageSize: 50 },
        { ReplicationGroupId: replicationGroupId },
      );
      for await (const page of pages) {
        for (const s of page.Snapshots ?? []) {
          // A replication group snapshot has one node snapshot per shard; the oldest is when it was taken.
          const times = (s.NodeSnapshots ?? [])
            .map((n) => date(n.SnapshotCreateTime))
            .filter((d): d is Date => d !== undefined)
            .sort((a, b) => a.getTime() - b.getTime());
          facts.push({ id: s.SnapshotName ?? '(unnamed)', status: s.SnapshotStatus ?? 'unknown', createdAt: times[0] });
        }
      }
      return facts;
    },
  };
}
