/**
 * The RDS and ElastiCache SDKs mocked as the housekeeping's real handlers see them (source and DR
 * region told apart by the client's region), for the housekeeping test files; the snapshots they
 * hold come from snapshots.ts (re-exported). The testbed (tests/support/workflow-testbed.ts) does
 * the rest: synthesis, handlers, reports in the local S3, SNS.
 */
import { DescribeSnapshotsCommand, ElastiCacheClient, ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import {
  CopyDBSnapshotCommand,
  type DBSnapshot,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { mockOwnerRuns } from './owner-runs.js';
import { AUTOMATED, type CacheEntry, DR_TARGET } from './snapshots.js';

export * from './owner-runs.js';
export * from './snapshots.js';

/** The SDK mocks the handlers meet. */
export const rds = mockClient(RDSClient);
export const elastiCache = mockClient(ElastiCacheClient);

/** What the mocked AWS holds. */
export interface AwsState {
  /** Source-region manual snapshots. @default none */
  readonly source?: DBSnapshot[];
  /** Source-region automated snapshots. @default AUTOMATED */
  readonly automated?: DBSnapshot[];
  /** DR-region manual snapshots. @default none */
  readonly dr?: DBSnapshot[];
  /** The replication group's manual snapshots. @default none */
  readonly cache?: CacheEntry[];
  /** What CopyDBSnapshot does. @default starts the copy */
  readonly copy?: 'starts' | 'already-exists';
  /** Statuses of the snapshots' owning runs (see mockOwnerRuns). @default every run SUCCEEDED */
  readonly runs?: Readonly<Record<string, string>>;
}

/** Resets the mocks to `state` (DR and source told apart by the client's region). */
export function mockAws(state: AwsState = {}): void {
  const source = state.source ?? [];
  const dr = state.dr ?? [];
  const cache = state.cache ?? [];
  rds.reset();
  elastiCache.reset();
  mockOwnerRuns(state.runs);
  rds.on(DescribeDBSnapshotsCommand).callsFake(async (input, getClient) => {
    const region = await (getClient() as RDSClient).config.region();
    const id = input.DBSnapshotIdentifier;
    if (id !== undefined) {
      const found = [...source, ...dr].find((s) => s.DBSnapshotIdentifier === id);
      if (found === undefined) throw Object.assign(new Error(`${id} not found`), { name: 'DBSnapshotNotFoundFault' });
      return { DBSnapshots: [found] };
    }
    if (region === 'us-west-2') return { DBSnapshots: input.SnapshotType === 'manual' ? dr : [] };
    return { DBSnapshots: input.SnapshotType === 'manual' ? source : (state.automated ?? AUTOMATED) };
  });
  if (state.copy === 'already-exists') {
    rds
      .on(CopyDBSnapshotCommand)
      .rejects(Object.assign(new Error(`${DR_TARGET} already exists`), { name: 'DBSnapshotAlreadyExistsFault' }));
  } else {
    rds.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: { Status: 'pending' } });
  }
  rds.on(DeleteDBSnapshotCommand).resolves({});
  elastiCache.on(DescribeSnapshotsCommand).callsFake(async (input) => {
    if (input.SnapshotName === undefined) return { Snapshots: cache.map((e) => e.snapshot) };
    const entry = cache.find((e) => e.snapshot.SnapshotName === input.SnapshotName);
    if (entry === undefined) throw Object.assign(new Error('not found'), { name: 'SnapshotNotFoundFault' });
    return { Snapshots: [entry.snapshot] };
  });
  elastiCache.on(ListTagsForResourceCommand).callsFake(async (input) => {
    const entry = cache.find((e) => e.snapshot.ARN === input.ResourceName);
    return { TagList: entry?.tags ?? [] };
  });
}
