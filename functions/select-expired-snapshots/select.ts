/**
 * Which manual DB and cache snapshots the nightly housekeeping may delete, and which snapshot it
 * copies to the DR region. Pure: the snapshot list and the clock are parameters. The selection rule
 * is the safety property the tests check for every generated list: only manual, available snapshots
 * tagged `interactions:managed-by` = MANAGED_BY, `interactions:environment` = this environment and
 * an `interactions:execution` (every delete grant requires it), of this environment's instance (source region) or named `interactions-<env>-dr-` (DR region), and
 * only once they are expired (cache snapshots must also carry the automation's name prefix).
 * dev, staging and prod share one account and region: without the environment scoping, one
 * environment's housekeeping would delete another's snapshots with its own retention.
 */
import type { Environment } from '../../shared/naming.js';
import { drCopyPrefix } from '../../shared/snapshot-naming.js';
import { hasExecutionTag, isManagedByEnvironment, TAG_KEYS, type Tag, tagValue } from '../../shared/tags.js';

/** A DB snapshot reduced to what the selection reads. */
export interface SnapshotRecord {
  readonly identifier: string;
  readonly arn: string;
  readonly instanceId: string | undefined;
  /** `manual`, `automated`, `shared`, `public`, `awsbackup`. */
  readonly type: string;
  readonly status: string;
  readonly createdAt: Date | undefined;
  readonly tags: readonly Tag[];
}

/** Whose snapshots are selected, and the retention of those without an `interactions:expires-at` tag. */
export interface SelectionPolicy {
  /** The environment: only snapshots tagged `interactions:environment` = it are selected. */
  readonly environment: Environment;
  /** config.automation.manualSnapshotRetentionDays. */
  readonly retentionDays: number;
  /** Most deletions one run performs (the rest wait for the next night). @default 50 */
  readonly maxPerRun?: number;
}

/**
 * Which DB snapshots of the region belong to the environment: in the source region those of its
 * instance; in the DR region its copies, named `interactions-<env>-dr-...` (drCopyPrefix).
 */
export interface DbSelectionPolicy extends SelectionPolicy {
  /** `source`: the instance's region; `dr`: the DR region holding the copies. */
  readonly region: 'source' | 'dr';
  /** The environment's DB instance (`names.databaseInstance(env)`): required of source-region snapshots. */
  readonly instanceId: string;
}

/** One snapshot to delete, with what the guard re-checks right before the delete. */
export interface SelectedSnapshot {
  readonly identifier: string;
  readonly arn: string;
  /** `expires-at`: its tag is past; `age`: no tag, older than the retention. */
  readonly reason: 'expires-at' | 'age';
  /** When it expired. */
  readonly expiredAt: string;
  /** The `interactions:expires-at` value seen at selection (`''` when absent): the guard refuses if it changed. */
  readonly expiresAtTag: string;
}

const DAY_MS = 86_400_000;
const DEFAULT_MAX_PER_RUN = 50;

/**
 * The expiry of an automation snapshot: its `interactions:expires-at` tag, or creation + retention
 * when it has none. Undefined when it cannot be known (unparseable tag, no creation time): such a
 * snapshot is never selected.
 */
export function expiryOf(
  snapshot: Pick<SnapshotRecord, 'tags' | 'createdAt'>,
  retentionDays: number,
): { at: Date; reason: 'expires-at' | 'age' } | undefined {
  const tag = tagValue(snapshot.tags, TAG_KEYS.expiresAt);
  if (tag !== undefined) {
    const at = new Date(tag);
    return Number.isNaN(at.getTime()) ? undefined : { at, reason: 'expires-at' };
  }
  if (snapshot.createdAt === undefined || Number.isNaN(snapshot.createdAt.getTime())) return undefined;
  return { at: new Date(snapshot.createdAt.getTime() + retentionDays * DAY_MS), reason: 'age' };
}

/**
 * Whether the snapshot belongs to the policy's environment: its instance or DR copy name, its
 * environment tag, and an execution tag (without one it is not ours: IAM would deny its delete).
 */
export function isEnvironmentSnapshot(snapshot: SnapshotRecord, policy: DbSelectionPolicy): boolean {
  const scoped =
    policy.region === 'source'
      ? policy.instanceId !== '' && snapshot.instanceId === policy.instanceId
      : snapshot.identifier.startsWith(drCopyPrefix(policy.environment));
  return scoped && isManagedByEnvironment(snapshot.tags, policy.environment) && hasExecutionTag(snapshot.tags);
}

/** Whether the housekeeping may delete `snapshot` at `now` (see the module comment). */
export function isExpiredAutomationSnapshot(snapshot: SnapshotRecord, now: Date, policy: DbSelectionPolicy): boolean {
  if (snapshot.type !== 'manual' || snapshot.status !== 'available') return false;
  if (!isEnvironmentSnapshot(snapshot, policy)) return false;
  const expiry = expiryOf(snapshot, policy.retentionDays);
  return expiry !== undefined && expiry.at.getTime() < now.getTime();
}

/** The snapshots to delete, oldest expiry first, at most `maxPerRun`. */
export function selectExpiredSnapshots(
  snapshots: readonly SnapshotRecord[],
  now: Date,
  policy: DbSelectionPolicy,
): SelectedSnapshot[] {
  return selectExpired(snapshots, policy, {
    identifier: (snapshot) => snapshot.identifier,
    isExpired: (snapshot) => isExpiredAutomationSnapshot(snapshot, now, policy),
  });
}

/** How the shared selection loop reads one kind of snapshot. */
interface SelectionAdapter<Snapshot extends { readonly arn: string; readonly tags: readonly Tag[] }> {
  /** The name the deletion Map deletes by (DB identifier, cache snapshot name). */
  readonly identifier: (snapshot: Snapshot) => string;
  /** The kind's own rules (manual, available, ours, expired). */
  readonly isExpired: (snapshot: Snapshot) => boolean;
}

/**
 * The one selection loop of the DB and cache kinds: the kind's rules decide, then each selected
 * snapshot is recorded in one shape (so both deletion Maps read the same fields), oldest expiry
 * first, at most `maxPerRun`.
 */
function selectExpired<
  Snapshot extends { readonly arn: string; readonly tags: readonly Tag[]; readonly createdAt: Date | undefined },
>(snapshots: readonly Snapshot[], policy: SelectionPolicy, adapter: SelectionAdapter<Snapshot>): SelectedSnapshot[] {
  if (!Number.isInteger(policy.retentionDays) || policy.retentionDays < 1) {
    throw new RangeError(`retentionDays must be a positive integer, got ${policy.retentionDays}`);
  }
  const selected: SelectedSnapshot[] = [];
  for (const snapshot of snapshots) {
    if (!adapter.isExpired(snapshot)) continue;
    const expiry = expiryOf(snapshot, policy.retentionDays);
    if (expiry === undefined) continue;
    selected.push({
      identifier: adapter.identifier(snapshot),
      arn: snapshot.arn,
      reason: expiry.reason,
      expiredAt: expiry.at.toISOString(),
      expiresAtTag: tagValue(snapshot.tags, TAG_KEYS.expiresAt) ?? '',
    });
  }
  selected.sort((a, b) => a.expiredAt.localeCompare(b.expiredAt) || a.identifier.localeCompare(b.identifier));
  return selected.slice(0, policy.maxPerRun ?? DEFAULT_MAX_PER_RUN);
}

/** An ElastiCache snapshot reduced to what the selection reads (tags from ListTagsForResource). */
export interface CacheSnapshotRecord {
  /** SnapshotName. */
  readonly name: string;
  readonly arn: string;
  /** SnapshotSource as DescribeSnapshots reports it: `manual` or `automated`. */
  readonly source: string;
  /** SnapshotStatus: `creating`, `available`, `restoring`, `copying`, `deleting`. */
  readonly status: string;
  /** When the snapshot was taken (its node snapshots' SnapshotCreateTime). */
  readonly createdAt: Date | undefined;
  readonly tags: readonly Tag[];
}

/** The cache selection's policy: the retention and the automation's snapshot name prefix. */
export interface CacheSelectionPolicy extends SelectionPolicy {
  /** `interactions-<env>-`: every cache snapshot the automation creates carries it (IAM scopes delete to it). */
  readonly namePrefix: string;
}

/**
 * Whether the housekeeping may delete cache snapshot `snapshot` at `now`: manual, available, named
 * with the automation's prefix, tagged `interactions:managed-by` = MANAGED_BY,
 * `interactions:environment` = the policy's environment and an `interactions:execution`, and expired.
 */
export function isExpiredAutomationCacheSnapshot(
  snapshot: CacheSnapshotRecord,
  now: Date,
  policy: CacheSelectionPolicy,
): boolean {
  if (snapshot.source !== 'manual' || snapshot.status !== 'available') return false;
  if (policy.namePrefix === '' || !snapshot.name.startsWith(policy.namePrefix)) return false;
  if (!isManagedByEnvironment(snapshot.tags, policy.environment) || !hasExecutionTag(snapshot.tags)) return false;
  const expiry = expiryOf(snapshot, policy.retentionDays);
  return expiry !== undefined && expiry.at.getTime() < now.getTime();
}

/**
 * The cache snapshots to delete, oldest expiry first, at most `maxPerRun`; in the shape of the DB
 * selection (`identifier` is the snapshot name) so that both deletion Maps read the same fields.
 */
export function selectExpiredCacheSnapshots(
  snapshots: readonly CacheSnapshotRecord[],
  now: Date,
  policy: CacheSelectionPolicy,
): SelectedSnapshot[] {
  if (policy.namePrefix === '') throw new RangeError('namePrefix must not be empty');
  return selectExpired(snapshots, policy, {
    identifier: (snapshot) => snapshot.name,
    isExpired: (snapshot) => isExpiredAutomationCacheSnapshot(snapshot, now, policy),
  });
}

function newest(snapshots: readonly SnapshotRecord[]): SnapshotRecord | undefined {
  let best: SnapshotRecord | undefined;
  for (const s of snapshots) {
    if (s.createdAt === undefined) continue;
    if (best?.createdAt === undefined || s.createdAt.getTime() > best.createdAt.getTime()) best = s;
  }
  return best;
}

/**
 * What the DR copy copies: the newest available automated snapshot of the instance, else the newest
 * available manual one of it. Undefined when the instance has no available snapshot.
 */
export function copySource(snapshots: readonly SnapshotRecord[], instanceId: string): SnapshotRecord | undefined {
  const usable = snapshots.filter((s) => s.instanceId === instanceId && s.status === 'available');
  return newest(usable.filter((s) => s.type === 'automated')) ?? newest(usable.filter((s) => s.type === 'manual'));
}

/**
 * Name of the DR copy of `sourceIdentifier`, derived from the source alone so that a second run for
 * the same source (a duplicate schedule delivery, a re-run) hits "already exists" instead of making
 * another copy: `rds:interactions-prod-postgres-2024-01-15-05-10` -> `interactions-prod-dr-2024-01-15-05-10`.
 */
export function drCopyName(env: Environment, sourceIdentifier: string, instanceId: string): string {
  const base = sourceIdentifier.replace(/^rds:/, '');
  const suffix = (base.startsWith(`${instanceId}-`) ? base.slice(instanceId.length + 1) : base)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `${drCopyPrefix(env)}${suffix || 'snapshot'}`.slice(0, 255).replace(/-+$/, '');
}
