/**
 * Verification of a finished ElastiCache (Redis) snapshot: taken manually from the expected
 * replication group, available, with a snapshot of every node group. Node sizes are recorded, not
 * checked: a near-empty cache (staging at night) reports "0 MB" and its snapshot is still good.
 * Pure: the state machine passes what its Describe task returned.
 */

/** One node group's part of the snapshot. */
export interface RawNodeSnapshot {
  readonly CacheClusterId?: string;
  readonly NodeGroupId?: string;
  readonly CacheSize?: string;
  readonly SnapshotCreateTime?: string | number;
}

/** An ElastiCache snapshot as DescribeSnapshots returns it (SDK integration and SDK spell it alike). */
export interface RawCacheSnapshot {
  readonly SnapshotName?: string;
  readonly ARN?: string;
  readonly ReplicationGroupId?: string;
  readonly SnapshotStatus?: string;
  readonly SnapshotSource?: string;
  readonly Engine?: string;
  readonly EngineVersion?: string;
  readonly NodeSnapshots?: readonly RawNodeSnapshot[];
}

/** The snapshot in the workflow's output shape. */
export interface CacheSnapshotSummary {
  readonly id: string | null;
  readonly arn: string | null;
  readonly status: string | null;
  readonly replicationGroup: string | null;
  readonly engine: string | null;
  readonly nodeSnapshots: number;
  /** CacheSize per node group as ElastiCache reports it (informational: "0 MB" is a valid empty cache). */
  readonly nodeSizes: Readonly<Record<string, string>>;
  readonly createdAt: string | null;
}

export interface CacheCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly expected: string;
  readonly actual: string;
}

export interface CacheVerification {
  readonly passed: boolean;
  readonly checks: readonly CacheCheck[];
  readonly snapshot: CacheSnapshotSummary;
}

export interface CacheSnapshotExpectations {
  readonly snapshotName: string;
  readonly replicationGroupId: string;
}

/** Redis and its fork Valkey share the snapshot format; ElastiCache reports either engine name. */
const REDIS_ENGINES = new Set(['redis', 'valkey']);

function isoTime(value: string | number | undefined): string | null {
  if (value === undefined) return null;
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function check(name: string, passed: boolean, expected: string, actual: unknown): CacheCheck {
  return { name, passed, expected, actual: String(actual ?? '(missing)') };
}

function nodeId(node: RawNodeSnapshot, index: number): string {
  return node.NodeGroupId ?? node.CacheClusterId ?? `#${index + 1}`;
}

/** Checks name, status, source, engine, replication group and node snapshots; records node sizes. */
export function verifyCacheSnapshot(
  snapshot: RawCacheSnapshot,
  expected: CacheSnapshotExpectations,
): CacheVerification {
  const nodes = snapshot.NodeSnapshots ?? [];
  const nodeSizes = Object.fromEntries(nodes.map((node, i) => [nodeId(node, i), node.CacheSize?.trim() || 'unknown']));
  const checks = [
    check('name', snapshot.SnapshotName === expected.snapshotName, expected.snapshotName, snapshot.SnapshotName),
    check('status', snapshot.SnapshotStatus === 'available', 'available', snapshot.SnapshotStatus),
    check('snapshot source', snapshot.SnapshotSource === 'manual', 'manual', snapshot.SnapshotSource),
    check('engine', REDIS_ENGINES.has(snapshot.Engine ?? ''), 'redis or valkey', snapshot.Engine),
    check(
      'replication group',
      snapshot.ReplicationGroupId === expected.replicationGroupId,
      expected.replicationGroupId,
      snapshot.ReplicationGroupId,
    ),
    check('node snapshots', nodes.length > 0, 'at least one', nodes.length),
  ];
  const times = nodes
    .map((node) => isoTime(node.SnapshotCreateTime))
    .filter((t): t is string => t !== null)
    .sort();
  return {
    passed: checks.every((c) => c.passed),
    checks,
    snapshot: {
      id: snapshot.SnapshotName ?? null,
      arn: snapshot.ARN ?? null,
      status: snapshot.SnapshotStatus ?? null,
      replicationGroup: snapshot.ReplicationGroupId ?? null,
      engine: snapshot.Engine ?? null,
      nodeSnapshots: nodes.length,
      nodeSizes,
      createdAt: times[0] ?? null,
    },
  };
}

/** One line per failed check. */
export function describeCacheFailures(verification: CacheVerification): string {
  return verification.checks
    .filter((c) => !c.passed)
    .map((c) => `${c.name}: expected ${c.expected}, found ${c.actual}`)
    .join('; ');
}
