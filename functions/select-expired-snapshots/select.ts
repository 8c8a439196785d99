/**
 * Which manual DB and cache snapshots the nightly housekeeping may delete, and which snapshot it
 * copies to the DR region. Pure: the snapshot list and the clock are parameters. The selection rule
 * is the safety property the tests check for every generated list: only manual, available snapshots
 * tagged `interactions:managed-by` = MANAGED_BY, `interactions:environment` = this environment and
 * an `interactions:execution` (every delete grant requires it), of this environment's instance (source region) or named `interactions-<env>-dr-` (DR region), and
 * only once they are expired (cache snapshots must also carry the automation's name prefix), or,
 * before their expiry, once the run that made them (their `interactions:execution`) ended FAILED,
 * TIMED_OUT or ABORTED: such a run's failure path could not delete its snapshot while it was still
 * `creating`, and its expiry may lie years ahead. The owning runs' statuses are a parameter too
 * (`ownerRuns`, looked up by the handler for at most MAX_OWNER_RUN_CHECKS snapshots a night).
 * dev, staging and prod share one account and region: without the environment scoping, one
 * environment's housekeeping would delete another's snapshots with its own retention.
 */
import type { Environment } from '../../shared/naming.js';
import { executionNameSchema } from '../../shared/schemas.js';
import { drCopyPrefix } from '../../shared/snapshot-naming.js';
import { hasExecutionTag, isManagedByEnvironment, TAG_KEYS, type Tag, tagValue } from '../../shared/tags.js';
import * as z from '../../shared/zod.js';

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
  /**
   * Status of each owning run looked up tonight, by `interactions:execution` tag (`ABSENT` when that
   * execution does not exist): a snapshot not yet expired whose run ended FAILED, TIMED_OUT or
   * ABORTED is selected with reason `failed-run`; any other status, or none looked up, keeps it.
   * @default none looked up: only expired snapshots are selected
   */
  readonly ownerRuns?: ReadonlyMap<string, string>;
}

/** Why a snapshot is selected: `expires-at` tag past, `age` (no tag, older than the retention), or its run failed. */
export type SelectionReason = 'expires-at' | 'age' | 'failed-run';

/** Statuses of an ended owning run that leave its snapshot to the sweep before its expiry. */
export const FAILED_RUN_STATUSES: readonly string[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** Status recorded for an owning execution that does not exist (not ours to judge: the snapshot is kept). */
export const ABSENT_RUN = 'ABSENT';

/**
 * Status recorded for an owning execution that failed after its snapshot passed verification: the
 * workflow kept that snapshot on purpose (only its notification or what followed failed), so it
 * waits for its expiry like a succeeded run's.
 */
export const VERIFIED_RUN = 'FAILED_AFTER_VERIFICATION';

/** Owning-run lookups (sfn:DescribeExecution) one selection makes at most, newest snapshots first. */
export const MAX_OWNER_RUN_CHECKS = 50;

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
  /** `expires-at`: its tag is past; `age`: no tag, older than the retention; `failed-run`: its owning run failed. */
  readonly reason: SelectionReason;
  /** When it became deletable: its expiry, or (`failed-run`) the selection time. */
  readonly expiredAt: string;
  /** The `interactions:expires-at` value seen at selection (`''` when absent): the guard refuses if it changed. */
  readonly expiresAtTag: string;
  /** The `interactions:execution` value seen at selection: the guard refuses if it changed. */
  readonly execution: string;
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

/** Whether `snapshot` is one the housekeeping may delete once it is due: manual, available, this environment's. */
export function isSelectableSnapshot(snapshot: SnapshotRecord, policy: DbSelectionPolicy): boolean {
  return snapshot.type === 'manual' && snapshot.status === 'available' && isEnvironmentSnapshot(snapshot, policy);
}

/** Whether the housekeeping may delete `snapshot` at `now` by its expiry (see the module comment). */
export function isExpiredAutomationSnapshot(snapshot: SnapshotRecord, now: Date, policy: DbSelectionPolicy): boolean {
  return isSelectableSnapshot(snapshot, policy) && isExpiredAt(snapshot, now, policy.retentionDays);
}

/** The snapshots to delete (expired, or of a failed run), oldest expiry first, at most `maxPerRun`. */
export function selectExpiredSnapshots(
  snapshots: readonly SnapshotRecord[],
  now: Date,
  policy: DbSelectionPolicy,
): SelectedSnapshot[] {
  return selectDue(snapshots, now, policy, {
    identifier: (snapshot) => snapshot.identifier,
    isSelectable: (snapshot) => isSelectableSnapshot(snapshot, policy),
  });
}

/** The DB snapshots' owning runs worth a lookup (source region only: DR copies are the housekeeping's own). */
export function dbOwnerRunChecks(
  snapshots: readonly SnapshotRecord[],
  now: Date,
  policy: DbSelectionPolicy,
): OwnerRunCheck[] {
  if (policy.region !== 'source') return [];
  return ownerRunCandidates('db', snapshots, now, policy.retentionDays, (s) => isSelectableSnapshot(s, policy));
}

/** Whether the snapshot's expiry is known and before `now`. */
function isExpiredAt(snapshot: Pick<SnapshotRecord, 'tags' | 'createdAt'>, now: Date, retentionDays: number): boolean {
  const expiry = expiryOf(snapshot, retentionDays);
  return expiry !== undefined && expiry.at.getTime() < now.getTime();
}

/** Whether `status` (of the owning run, as looked up) means the run ended without succeeding. */
export function isFailedRun(status: string | undefined): boolean {
  return status !== undefined && FAILED_RUN_STATUSES.includes(status);
}

/** How the shared selection loop reads one kind of snapshot. */
interface SelectionAdapter<Snapshot extends AnySnapshot> {
  /** The name the deletion Map deletes by (DB identifier, cache snapshot name). */
  readonly identifier: (snapshot: Snapshot) => string;
  /** The kind's own rules (manual, available, ours), expiry aside. */
  readonly isSelectable: (snapshot: Snapshot) => boolean;
}

/** A snapshot as the shared loops read it. */
type AnySnapshot = { readonly arn: string; readonly tags: readonly Tag[]; readonly createdAt: Date | undefined };

/**
 * The one selection loop of the DB and cache kinds: the kind's rules decide whether it is ours; an
 * expired one is selected by its expiry, one not yet expired only when its owning run failed
 * (`ownerRuns`). Each is recorded in one shape (so both deletion Maps read the same fields), expired
 * ones first (oldest expiry first), at most `maxPerRun`. An unknown expiry is never selected.
 */
function selectDue<Snapshot extends AnySnapshot>(
  snapshots: readonly Snapshot[],
  now: Date,
  policy: SelectionPolicy,
  adapter: SelectionAdapter<Snapshot>,
): SelectedSnapshot[] {
  assertRetention(policy.retentionDays);
  const selected: SelectedSnapshot[] = [];
  for (const snapshot of snapshots) {
    if (!adapter.isSelectable(snapshot)) continue;
    const expiry = expiryOf(snapshot, policy.retentionDays);
    if (expiry === undefined) continue;
    const execution = tagValue(snapshot.tags, TAG_KEYS.execution) ?? '';
    const expired = expiry.at.getTime() < now.getTime();
    if (!expired && !isFailedRun(policy.ownerRuns?.get(execution))) continue;
    selected.push({
      identifier: adapter.identifier(snapshot),
      arn: snapshot.arn,
      reason: expired ? expiry.reason : 'failed-run',
      expiredAt: (expired ? expiry.at : now).toISOString(),
      expiresAtTag: tagValue(snapshot.tags, TAG_KEYS.expiresAt) ?? '',
      execution,
    });
  }
  selected.sort((a, b) => a.expiredAt.localeCompare(b.expiredAt) || a.identifier.localeCompare(b.identifier));
  return selected.slice(0, policy.maxPerRun ?? DEFAULT_MAX_PER_RUN);
}

function assertRetention(retentionDays: number): void {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`retentionDays must be a positive integer, got ${retentionDays}`);
  }
}

/** Which state machine made a snapshot: on-demand-snapshot (DB) or cache-snapshot (cache). */
export type OwnerKind = 'db' | 'cache';

/** One owning run to look up: the kind of snapshot and its `interactions:execution` tag. */
export interface OwnerRunCheck {
  readonly kind: OwnerKind;
  readonly execution: string;
  /** The snapshot's creation time: the newest are looked up first. */
  readonly createdAt: Date | undefined;
}

/**
 * The owning runs worth a lookup among `snapshots`: ours (the kind's rules), expiry known and not yet
 * past, with an execution tag that is a valid execution name (any other cannot name a run).
 */
function ownerRunCandidates<Snapshot extends AnySnapshot>(
  kind: OwnerKind,
  snapshots: readonly Snapshot[],
  now: Date,
  retentionDays: number,
  isSelectable: (snapshot: Snapshot) => boolean,
): OwnerRunCheck[] {
  assertRetention(retentionDays);
  const checks: OwnerRunCheck[] = [];
  for (const snapshot of snapshots) {
    if (!isSelectable(snapshot)) continue;
    const expiry = expiryOf(snapshot, retentionDays);
    if (expiry === undefined || expiry.at.getTime() < now.getTime()) continue;
    const execution = tagValue(snapshot.tags, TAG_KEYS.execution) ?? '';
    if (!z.safeParse(executionNameSchema, execution).success) continue;
    checks.push({ kind, execution, createdAt: snapshot.createdAt });
  }
  return checks;
}

/**
 * At most `limit` lookups, newest snapshots first (a failed run's leftover is met the night after
 * the failure, and Step Functions forgets a closed execution after 90 days), one per owning run.
 */
export function boundOwnerRunChecks(checks: readonly OwnerRunCheck[], limit: number): OwnerRunCheck[] {
  const newestFirst = [...checks].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || a.execution.localeCompare(b.execution),
  );
  const seen = new Set<string>();
  const bounded: OwnerRunCheck[] = [];
  for (const check of newestFirst) {
    const key = `${check.kind}:${check.execution}`;
    if (seen.has(key)) continue;
    seen.add(key);
    bounded.push(check);
    if (bounded.length >= limit) break;
  }
  return bounded;
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
 * Whether cache snapshot `snapshot` is one the housekeeping may delete once it is due: manual,
 * available, named with the automation's prefix, tagged `interactions:managed-by` = MANAGED_BY,
 * `interactions:environment` = the policy's environment and an `interactions:execution`.
 */
export function isSelectableCacheSnapshot(snapshot: CacheSnapshotRecord, policy: CacheSelectionPolicy): boolean {
  if (snapshot.source !== 'manual' || snapshot.status !== 'available') return false;
  if (policy.namePrefix === '' || !snapshot.name.startsWith(policy.namePrefix)) return false;
  return isManagedByEnvironment(snapshot.tags, policy.environment) && hasExecutionTag(snapshot.tags);
}

/** Whether the housekeeping may delete cache snapshot `snapshot` at `now` by its expiry. */
export function isExpiredAutomationCacheSnapshot(
  snapshot: CacheSnapshotRecord,
  now: Date,
  policy: CacheSelectionPolicy,
): boolean {
  return isSelectableCacheSnapshot(snapshot, policy) && isExpiredAt(snapshot, now, policy.retentionDays);
}

/** The cache snapshots' owning runs worth a lookup. */
export function cacheOwnerRunChecks(
  snapshots: readonly CacheSnapshotRecord[],
  now: Date,
  policy: CacheSelectionPolicy,
): OwnerRunCheck[] {
  return ownerRunCandidates('cache', snapshots, now, policy.retentionDays, (s) => isSelectableCacheSnapshot(s, policy));
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
  return selectDue(snapshots, now, policy, {
    identifier: (snapshot) => snapshot.name,
    isSelectable: (snapshot) => isSelectableCacheSnapshot(snapshot, policy),
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
