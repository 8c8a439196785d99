/**
 * The cleanup step of the snapshot workflows: deletes a snapshot only when its tags say THIS
 * execution created it. IAM repeats the rule (delete only with `interactions:managed-by`), but the
 * execution check can only live here: IAM cannot compare a tag with the calling execution.
 * AWS access comes through a small port, so the rule is tested without SDK mocks.
 */
import { TagGuardError } from '../../shared/errors.js';
import type { Environment } from '../../shared/naming.js';
import type { DescribedSnapshot, SnapshotDeletion } from '../../shared/snapshots/types.js';
import { assertOwnedByExecution, TAG_KEYS, tagValue } from '../../shared/tags.js';

/** What the guard needs from RDS or ElastiCache. */
export interface SnapshotStore {
  /** The snapshot's status and tags, or undefined when no snapshot has that name. */
  describe(snapshotName: string): Promise<Pick<DescribedSnapshot, 'status' | 'tags'> | undefined>;
  /** Deletes the snapshot; `absent` when it vanished meanwhile, `busy` when its state does not allow deletion yet. */
  delete(snapshotName: string): Promise<SnapshotDeletion>;
}

/** How the cleanup ended. */
export interface GuardedDeleteResult {
  readonly snapshotName: string;
  /**
   * `deleted`: gone; `absent`: there was nothing to delete; `left-for-sweeper`: still being
   * created, so it cannot be deleted now: its `interactions:expires-at` tag lets the sweeper remove it.
   */
  readonly outcome: 'deleted' | 'absent' | 'left-for-sweeper';
  readonly status: string | null;
}

/** Statuses in which neither RDS nor ElastiCache accepts a delete. */
const BUSY_STATUSES = new Set(['creating', 'copying', 'restoring', 'exporting']);

/**
 * Deletes `snapshotName` if it carries this execution's tags and `interactions:environment` =
 * `environment` (the function's own). Throws TagGuardError (and deletes nothing) when it does not: a
 * snapshot with that name that this execution of this environment did not create is never touched
 * (execution names can repeat across the environments sharing the account).
 */
export async function deleteOwnedSnapshot(
  store: SnapshotStore,
  snapshotName: string,
  execution: string,
  environment: Environment,
): Promise<GuardedDeleteResult> {
  const snapshot = await store.describe(snapshotName);
  if (snapshot === undefined) return { snapshotName, outcome: 'absent', status: null };
  assertOwnedByExecution(snapshotName, snapshot.tags, execution);
  const tagged = tagValue(snapshot.tags, TAG_KEYS.environment);
  if (tagged !== environment) {
    throw new TagGuardError(
      `Refusing to touch ${snapshotName}: ${TAG_KEYS.environment}=${tagged ?? '(none)'}, expected ${environment}`,
    );
  }
  if (snapshot.status === 'deleting') return { snapshotName, outcome: 'deleted', status: snapshot.status };
  if (BUSY_STATUSES.has(snapshot.status)) return { snapshotName, outcome: 'left-for-sweeper', status: snapshot.status };
  const result = await store.delete(snapshotName);
  // Gone by the time of the delete (another cleanup won the race) is as good as deleted.
  return { snapshotName, outcome: result === 'busy' ? 'left-for-sweeper' : 'deleted', status: snapshot.status };
}
