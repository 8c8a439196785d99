/**
 * The snapshot calls the housekeeping makes through a Lambda: every call in the DR region (Step
 * Functions' SDK integrations reach only the state machine's own region) and, in both regions and
 * for cache snapshots, the pre-delete describe whose facts the guard Choice reads (flattened to
 * plain strings: JSONPath filters over a tag list fail the state when the tag is absent; a cache
 * snapshot's tags need a second call). AWS access goes through a small port, so the rules are
 * tested without SDK mocks.
 */
import { TagGuardError } from '../../shared/errors.js';
import { isManagedByAutomation, TAG_KEYS, type Tag } from '../../shared/tags.js';

/** Reads one snapshot for the guard: RDS (DB snapshots) or ElastiCache (cache snapshots). */
export interface SnapshotDescriber {
  /**
   * The snapshot, or undefined when none has that identifier. `type` is the DB snapshot's
   * SnapshotType or the cache snapshot's SnapshotSource: `manual` for both kinds the automation makes.
   */
  describe(identifier: string): Promise<{ status: string; type: string; tags: readonly Tag[] } | undefined>;
}

/** What the operations need from RDS in one region. */
export interface RegionalSnapshotStore extends SnapshotDescriber {
  /** Starts a copy; resolves `exists` when a snapshot with the target name is already there. */
  copy(request: CopyRequest): Promise<{ outcome: 'started' | 'exists'; status: string }>;
  delete(identifier: string): Promise<void>;
}

/** A cross-region copy: CopyDBSnapshot called in the DR region with the source's ARN and a DR-region KMS key. */
export interface CopyRequest {
  /** ARN of the source snapshot: its region is the source region. */
  readonly sourceArn: string;
  readonly targetName: string;
  readonly kmsKeyId: string;
  readonly tags: readonly { Key: string; Value: string }[];
}

/**
 * The facts the state machine's guard Choice reads: tag values as strings (`''` when the tag is
 * absent), status `absent` when the snapshot is gone.
 */
export interface GuardFacts {
  readonly status: string;
  readonly type: string;
  readonly managedBy: string;
  readonly expiresAt: string;
}

function value(tags: readonly Tag[], key: string): string {
  return tags.find((t) => t.Key === key)?.Value ?? '';
}

/** Describes a snapshot (DB or cache) for the guard Choice. */
export async function describeForGuard(store: SnapshotDescriber, identifier: string): Promise<GuardFacts> {
  const snapshot = await store.describe(identifier);
  if (snapshot === undefined) return { status: 'absent', type: '', managedBy: '', expiresAt: '' };
  return {
    status: snapshot.status,
    type: snapshot.type,
    managedBy: value(snapshot.tags, TAG_KEYS.managedBy),
    expiresAt: value(snapshot.tags, TAG_KEYS.expiresAt),
  };
}

/**
 * Deletes a snapshot after the state machine's guard allowed it, re-checking the rule in code (the
 * IAM tag condition is the third line of defence): a manual, available snapshot the automation
 * created. Throws TagGuardError and deletes nothing otherwise.
 */
export async function deleteGuarded(
  store: RegionalSnapshotStore,
  identifier: string,
): Promise<{ identifier: string; outcome: 'deleted' | 'absent' }> {
  const snapshot = await store.describe(identifier);
  if (snapshot === undefined) return { identifier, outcome: 'absent' };
  if (!isManagedByAutomation(snapshot.tags) || snapshot.type !== 'manual' || snapshot.status !== 'available') {
    throw new TagGuardError(
      `Refusing to delete ${identifier}: type ${snapshot.type}, status ${snapshot.status}, managed by the automation: ${isManagedByAutomation(snapshot.tags)}`,
    );
  }
  await store.delete(identifier);
  return { identifier, outcome: 'deleted' };
}
