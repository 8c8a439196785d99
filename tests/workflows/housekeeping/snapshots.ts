/**
 * Prod's snapshots as the housekeeping tests describe them (no mocks: importing this module stubs
 * nothing): manual and automated DB snapshots built on the AWS CLI fixture, the automation's tags,
 * cache snapshots, the prod variant without DR and the nightly cache snapshot, the SDK-integration
 * responses, and readers of a run.
 */
import type { Snapshot } from '@aws-sdk/client-elasticache';
import type { DBSnapshot } from '@aws-sdk/client-rds';
import { loadConfig } from '../../../infra/config/index.js';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../../shared/tags.js';
import { readFixture } from '../../support/fixtures.js';
import type { RunResult } from '../../support/state-machine-harness.js';
import type { WorkflowRun } from '../../support/workflow-testbed.js';

const base = readFixture<{ DBSnapshots: DBSnapshot[] }>(
  'rds-describe-db-snapshots-manual-available.awscli-example.json',
).DBSnapshots[0] as DBSnapshot;

/** prod's config. */
export const prod = loadConfig('prod');
const DAY = 86_400_000;
const now = Date.now();
/** A date `days` ago. */
export const ago = (days: number): Date => new Date(now - days * DAY);
/** A date `days` ahead. */
export const ahead = (days: number): Date => new Date(now + days * DAY);

/** A manual DB snapshot of prod's instance (in `region`). */
export function snapshot(id: string, over: Partial<DBSnapshot> = {}, region = 'us-east-1'): DBSnapshot {
  return {
    ...base,
    DBSnapshotIdentifier: id,
    DBInstanceIdentifier: 'interactions-prod-postgres',
    DBSnapshotArn: `arn:aws:rds:${region}:123456789012:snapshot:${id}`,
    SnapshotCreateTime: ago(1),
    ...over,
  };
}

/** The tags the automation of `environment` puts on what it creates. */
export function ours(expiresAt?: Date, environment = 'prod'): Tag[] {
  return [
    { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
    { Key: TAG_KEYS.execution, Value: 'earlier-run' },
    { Key: TAG_KEYS.environment, Value: environment },
    ...(expiresAt === undefined ? [] : [{ Key: TAG_KEYS.expiresAt, Value: expiresAt.toISOString() }]),
  ];
}

/** The newest automated snapshot: the DR copy's source. */
export const AUTOMATED = [
  snapshot('rds:interactions-prod-postgres-2025-01-14-05-10', {
    SnapshotType: 'automated',
    SnapshotCreateTime: ago(0.5),
  }),
];
/** The DR copy tonight's copy is named. */
export const DR_TARGET = 'interactions-prod-dr-2025-01-14-05-10';

/** A cache snapshot of prod's replication group with its tags (DescribeSnapshots returns none). */
export interface CacheEntry {
  readonly snapshot: Snapshot;
  readonly tags: Tag[];
}

/** An ElastiCache snapshot of the prod replication group as DescribeSnapshots returns it (no tags). */
export function cacheSnapshot(name: string, over: Partial<Snapshot> = {}): Snapshot {
  return {
    SnapshotName: name,
    ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${name}`,
    ReplicationGroupId: 'interactions-prod',
    SnapshotSource: 'manual',
    SnapshotStatus: 'available',
    Engine: 'redis',
    NodeSnapshots: [{ CacheClusterId: 'interactions-prod-001', NodeGroupId: '0001', SnapshotCreateTime: ago(1) }],
    ...over,
  };
}

/** An expired automation cache snapshot. */
export function expiredCacheSnapshot(name: string): CacheEntry {
  return { snapshot: cacheSnapshot(name), tags: ours(ago(2)) };
}

/** prod's housekeeping props without the DR region and the nightly cache snapshot (a testbed variant). */
export const WITHOUT_DR = { drRegion: undefined, cacheSnapshotStateMachine: undefined };

/** Mocked responses of the SDK-integration states. */
export const RESPONSES = {
  rdsDeleted: { Return: { DbSnapshot: { Status: 'deleted' } } },
  cacheDeleted: { Return: { Snapshot: { SnapshotStatus: 'deleting' } } },
  cacheSnapshotStarted: {
    Return: {
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-cache-snapshot:x',
      Status: 'SUCCEEDED',
    },
  },
} as const;

/** The identifiers a run's SDK-integration state `state` was called with (`field` of its parameters). */
export function calledWith(run: RunResult, state: string, field: string): string[] {
  return run.sdkCalls
    .filter((c) => c.state === state)
    .map((c) => String((c.parameters as Record<string, unknown>)[field]));
}

/** The output of a run that must have succeeded (the testbed parsed it with the contract). */
export function outputOf(run: WorkflowRun<'snapshot-housekeeping'>) {
  if (run.output === undefined) throw new Error(`The run ${run.status}: ${run.error} ${run.cause}`);
  return run.output;
}
