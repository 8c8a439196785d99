/**
 * Lists DB snapshots of one region, every page (DescribeDBSnapshots returns at most 100 per call,
 * tags included). Used for the source region and, through a client of that region, the DR region.
 */
import { type DBSnapshot, paginateDescribeDBSnapshots, type RDSClient } from '@aws-sdk/client-rds';
import type { SnapshotRecord } from './select.js';

/** An SDK snapshot as the selection reads it. */
export function toRecord(s: DBSnapshot): SnapshotRecord {
  return {
    identifier: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn ?? '',
    instanceId: s.DBInstanceIdentifier,
    type: s.SnapshotType ?? 'unknown',
    status: s.Status ?? 'unknown',
    createdAt: s.SnapshotCreateTime,
    tags: s.TagList ?? [],
  };
}

/** Every snapshot matching `filter`, all pages. */
export async function listSnapshots(
  rds: RDSClient,
  filter: { SnapshotType: 'manual' | 'automated'; DBInstanceIdentifier?: string },
): Promise<SnapshotRecord[]> {
  const records: SnapshotRecord[] = [];
  for await (const page of paginateDescribeDBSnapshots({ client: rds, pageSize: 100 }, filter)) {
    for (const snapshot of page.DBSnapshots ?? []) records.push(toRecord(snapshot));
  }
  return records;
}
