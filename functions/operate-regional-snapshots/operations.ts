/**
 * The snapshot calls the housekeeping makes through a Lambda: every call in the DR region (Step
 * Functions' SDK integrations reach only the state machine's own region) and, in both regions and
 * for cache snapshots, the pre-delete describe whose facts the guard Choice reads (flattened to
 * plain strings: JSONPath filters over a tag list fail the state when the tag is absent; a cache
 * snapshot's tags need a second call). AWS access goes through a small port, so the rules are
 * tested without SDK mocks.
 */
import { ValidationError } from '../../shared/errors.js';
import type { Environment } from '../../shared/naming.js';
import { drCopyPrefix } from '../../shared/snapshot-naming.js';
import type { DescribedSnapshot, SnapshotDeletion } from '../../shared/snapshots/types.js';
import { isManagedByEnvironment, isOwnedByExecution, TAG_KEYS, type Tag, tagValue } from '../../shared/tags.js';

/** Reads one snapshot for the guard: RDS (DB snapshots) or ElastiCache (cache snapshots). */
export interface SnapshotDescriber {
  /**
   * The snapshot, or undefined when none has that identifier. `type` is the DB snapshot's
   * SnapshotType or the cache snapshot's SnapshotSource: `manual` for both kinds the automation makes.
   */
  describe(identifier: string): Promise<DescribedSnapshot | undefined>;
}

/** What the operations need from RDS in one region. */
export interface RegionalSnapshotStore extends SnapshotDescriber {
  /** Starts a copy; resolves `exists` when a snapshot with the target name is already there. */
  copy(request: CopyRequest): Promise<{ outcome: 'started' | 'exists'; status: string }>;
  /** Deletes; `absent` when already gone, `busy` when the snapshot's state does not allow it now. */
  delete(identifier: string): Promise<SnapshotDeletion>;
}

/** A cross-region copy: CopyDBSnapshot called in the DR region with the source's ARN and a DR-region KMS key. */
export interface CopyRequest {
  /** ARN of the source snapshot: its region is the source region. */
  readonly sourceArn: string;
  readonly targetName: string;
  readonly kmsKeyId: string;
  readonly tags: readonly { Key: string; Value: string }[];
}

/** Who may copy: the function's own environment and region, and the calling execution. */
export interface CopyOwner {
  readonly environment: Environment;
  /** The function's own region, where the source snapshot must be. */
  readonly region: string;
  readonly execution: string;
}

/**
 * Throws ValidationError (before any AWS call) unless the copy is one this environment's automation
 * plans: its source in the function's own region, its target named `interactions-<env>-dr-...`, and
 * tagged managed-by, this environment and this execution. A copy without those tags would never be
 * found by the housekeeping or the sweeper; IAM repeats the name and tag rules.
 */
export function assertOwnCopy(request: CopyRequest, owner: CopyOwner): void {
  const issues: string[] = [];
  const sourceRegion = request.sourceArn.split(':')[3];
  if (sourceRegion !== owner.region) {
    issues.push(`sourceArn: region ${sourceRegion} is not the function's own region ${owner.region}`);
  }
  const prefix = drCopyPrefix(owner.environment);
  if (!request.targetName.startsWith(prefix)) issues.push(`targetName: must start with '${prefix}'`);
  if (!isManagedByEnvironment(request.tags, owner.environment) || !isOwnedByExecution(request.tags, owner.execution)) {
    issues.push(
      `tags: must carry ${TAG_KEYS.managedBy}, ${TAG_KEYS.environment}=${owner.environment} and ${TAG_KEYS.execution}=${owner.execution}`,
    );
  }
  if (issues.length > 0) throw new ValidationError(`Invalid input: ${issues.join('; ')}`, { issues });
}

/**
 * The facts the state machine's guard Choice reads: tag values as strings (`''` when the tag is
 * absent), status `absent` when the snapshot is gone.
 */
export interface GuardFacts {
  readonly status: string;
  readonly type: string;
  readonly managedBy: string;
  /** `interactions:environment`: the guard Choice requires this workflow's environment. */
  readonly environment: string;
  /** `interactions:execution`: the guard Choice requires one (every delete grant does). */
  readonly execution: string;
  readonly expiresAt: string;
}

const value = (tags: readonly Tag[], key: string): string => tagValue(tags, key) ?? '';

/** Describes a snapshot (DB or cache) for the guard Choice. */
export async function describeForGuard(store: SnapshotDescriber, identifier: string): Promise<GuardFacts> {
  const snapshot = await store.describe(identifier);
  if (snapshot === undefined)
    return { status: 'absent', type: '', managedBy: '', environment: '', execution: '', expiresAt: '' };
  return {
    status: snapshot.status,
    type: snapshot.type,
    managedBy: value(snapshot.tags, TAG_KEYS.managedBy),
    environment: value(snapshot.tags, TAG_KEYS.environment),
    execution: value(snapshot.tags, TAG_KEYS.execution),
    expiresAt: value(snapshot.tags, TAG_KEYS.expiresAt),
  };
}

/** How a guarded DR-copy delete ended; `reason` says why it was refused or left. */
export interface DeleteOutcome {
  readonly identifier: string;
  readonly outcome: 'deleted' | 'absent' | 'refused' | 'busy';
  readonly reason: string;
}

/**
 * Deletes a snapshot after the state machine's guard allowed it, re-checking the rule in code (the
 * IAM tag condition is the third line of defence, and the same rule): a manual, available snapshot
 * the automation of `environment` created, carrying an `interactions:execution` tag (every delete
 * grant requires one, so a snapshot without it is refused here with that reason rather than sent to
 * a delete IAM would deny). Anything else is `refused` (not ours, not manual, no execution tag) or
 * `busy` (its status drifted since the describe, or the delete found it in a state that forbids
 * deleting) and nothing is deleted: one drifted copy is reported, it does not fail the night's run.
 */
export async function deleteGuarded(
  store: RegionalSnapshotStore,
  identifier: string,
  environment: Environment,
): Promise<DeleteOutcome> {
  const snapshot = await store.describe(identifier);
  if (snapshot === undefined) return { identifier, outcome: 'absent', reason: 'not found' };
  const execution = value(snapshot.tags, TAG_KEYS.execution);
  if (!isManagedByEnvironment(snapshot.tags, environment) || snapshot.type !== 'manual' || execution === '') {
    const seen = [TAG_KEYS.managedBy, TAG_KEYS.environment, TAG_KEYS.execution]
      .map((key) => `${key}=${value(snapshot.tags, key) || '(none)'}`)
      .join(', ');
    return {
      identifier,
      outcome: 'refused',
      reason: `type ${snapshot.type}, ${seen}; expected manual, ${environment} and an execution tag`,
    };
  }
  if (snapshot.status !== 'available') return { identifier, outcome: 'busy', reason: `status ${snapshot.status}` };
  const result = await store.delete(identifier);
  return { identifier, outcome: result, reason: result === 'busy' ? 'state does not allow deleting' : '' };
}
