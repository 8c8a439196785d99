/**
 * Lists DB snapshots of one region, every page (DescribeDBSnapshots returns at most 100 per call,
 * tags included). Used for the source region and, through a client of that region, the DR region.
 */
import { type DBSnapshot, paginateDescribeDBSnapshots, RDSClient } from '@aws-sdk/client-rds';
import { CLIENT_CONFIG } from '../../shared/clients/config.js';
import { tracer } from '../../shared/powertools.js';
import type { SnapshotRecord } from './select.js';

const clients = new Map<string, RDSClient>();

/** An RDS client for `region`, created once per container (the DR region needs its own endpoint). */
export function regionalRdsClient(region: string): RDSClient {
  let client = clients.get(region);
  if (client === undefined) {
    client = tracer.captureAWSv3Client(new RDSClient({ ...CLIENT_CONFIG, region }));
    clients.set(region, client);
  }
  return client;
}

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
