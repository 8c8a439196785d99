/**
 * The full restore test's cache restore: the platform's newest available snapshot, restored into a
 * temporary replication group named from the execution, placed and encrypted like the platform's.
 * A name already taken is adopted only when the group's tags name THIS execution (a retried call
 * whose first attempt created it); anything else is a conflict that touches nothing. AWS access goes
 * through `CacheRestoreApi`, so this module is tested without SDK mocks.
 */
import { createHash } from 'node:crypto';
import { ResourceConflictError, ValidationError } from '../../shared/errors.js';
import { type Environment, names } from '../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS, type Tag, tagValue } from '../../shared/tags.js';
import type { RestoredCache } from '../../workflows/full-restore-test/contract.js';

/** Replication group ids are at most 40 characters. */
const REPLICATION_GROUP_ID_MAX = 40;
/** Hex characters of the execution name's hash in the id. */
const HASH_LENGTH = 12;

/** `interactions-<env>-<purpose>-`: what the IAM grants of the drill's groups match (`<prefix>*`). */
export function temporaryReplicationGroupPrefix(env: Environment, purpose: string): string {
  return `${names.prefix(env)}-${purpose}-`;
}

/**
 * `interactions-<env>-<purpose>-<12 hex of sha256(execution)>`: the execution alone decides it (a
 * retried call meets the same name). No room for a readable slug within 40 characters; the
 * group's `interactions:execution` tag names the execution.
 */
export function temporaryReplicationGroupId(env: Environment, purpose: string, execution: string): string {
  const id = `${temporaryReplicationGroupPrefix(env, purpose)}${createHash('sha256').update(execution).digest('hex').slice(0, HASH_LENGTH)}`;
  if (id.length > REPLICATION_GROUP_ID_MAX) {
    throw new ValidationError(`Replication group id ${id} is longer than ${REPLICATION_GROUP_ID_MAX} characters`);
  }
  return id;
}

/** A snapshot as the restore needs it. */
export interface SnapshotSummary {
  readonly name: string;
  readonly status: string;
  /** When its (first) node snapshot was taken; undefined while it is being created. */
  readonly createdAt: Date | undefined;
}

/** What CreateReplicationGroup is asked for (everything explicit: nothing defaults to the default VPC or key). */
export interface CreateReplicationGroupRequest {
  readonly replicationGroupId: string;
  readonly description: string;
  readonly snapshotName: string;
  readonly nodeType: string;
  readonly engineVersion: string;
  readonly port: number;
  readonly subnetGroupName: string;
  readonly securityGroupIds: readonly string[];
  /** With an AUTH token, transit encryption is required (the platform's setting). */
  readonly transitEncryption: boolean;
  readonly authToken: string | undefined;
  readonly tags: readonly { Key: string; Value: string }[];
}

/** The ElastiCache and Secrets Manager calls of the restore. */
export interface CacheRestoreApi {
  /** Every snapshot of the replication group (manual and automatic). */
  snapshotsOf(replicationGroupId: string): Promise<SnapshotSummary[]>;
  /** Creates the group; rejects with `ReplicationGroupAlreadyExistsFault` when the id is taken. */
  createReplicationGroup(request: CreateReplicationGroupRequest): Promise<void>;
  /** The group's tags. */
  tagsOf(replicationGroupId: string): Promise<readonly Tag[]>;
  /** The platform's AUTH token (the secret's string). */
  authToken(secretArn: string): Promise<string>;
}

/** What the state machine asks for. */
export interface CacheRestoreRequest {
  readonly environment: Environment;
  readonly execution: string;
  readonly purpose: string;
  /** The platform's replication group: the snapshots' source. */
  readonly sourceReplicationGroupId: string;
  readonly nodeType: string;
  readonly engineVersion: string;
  readonly port: number;
  readonly subnetGroupName: string;
  readonly securityGroupIds: readonly string[];
  readonly transitEncryption: boolean;
  /** The platform's AUTH token secret; required when `transitEncryption`. */
  readonly authTokenSecretArn: string | undefined;
  /** The automation's tags of this execution (the plan's). */
  readonly tags: readonly { Key: string; Value: string }[];
}

/** The newest `available` snapshot, or a ValidationError naming what was found. */
export function newestAvailableSnapshot(snapshots: readonly SnapshotSummary[], source: string): SnapshotSummary {
  const available = snapshots.filter((snapshot) => snapshot.status === 'available' && snapshot.createdAt !== undefined);
  const newest = available.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
  if (newest === undefined) {
    throw new ValidationError(
      `Replication group ${source} has no available snapshot to restore (${snapshots.length} snapshot(s), none available)`,
    );
  }
  return newest;
}

const isAlreadyExists = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ReplicationGroupAlreadyExistsFault';

/** Whether the tags name this execution of this environment's automation. */
function ownedBy(tags: readonly Tag[], environment: Environment, execution: string): boolean {
  return (
    tagValue(tags, TAG_KEYS.managedBy) === MANAGED_BY &&
    tagValue(tags, TAG_KEYS.environment) === environment &&
    tagValue(tags, TAG_KEYS.execution) === execution
  );
}

/** Restores the newest snapshot into this execution's temporary group (see the module comment). */
export async function restoreCache(api: CacheRestoreApi, request: CacheRestoreRequest): Promise<RestoredCache> {
  if (request.transitEncryption && request.authTokenSecretArn === undefined) {
    throw new ValidationError('authTokenSecretArn is required when transitEncryption is on (the platform uses AUTH)');
  }
  if (!ownedBy(request.tags, request.environment, request.execution)) {
    throw new ValidationError(
      `tags must carry ${TAG_KEYS.managedBy}=${MANAGED_BY}, ${TAG_KEYS.environment}=${request.environment} and ${TAG_KEYS.execution}=${request.execution}`,
    );
  }
  const replicationGroupId = temporaryReplicationGroupId(request.environment, request.purpose, request.execution);
  const snapshot = newestAvailableSnapshot(
    await api.snapshotsOf(request.sourceReplicationGroupId),
    request.sourceReplicationGroupId,
  );
  const restored = (outcome: RestoredCache['outcome']): RestoredCache => ({
    replicationGroupId,
    snapshotName: snapshot.name,
    snapshotCreatedAt: snapshot.createdAt?.toISOString() ?? null,
    outcome,
  });
  const authToken =
    request.authTokenSecretArn === undefined ? undefined : await api.authToken(request.authTokenSecretArn);
  try {
    await api.createReplicationGroup({
      replicationGroupId,
      description: `Full restore test ${request.execution}: ${request.sourceReplicationGroupId} from ${snapshot.name}`,
      snapshotName: snapshot.name,
      nodeType: request.nodeType,
      engineVersion: request.engineVersion,
      port: request.port,
      subnetGroupName: request.subnetGroupName,
      securityGroupIds: request.securityGroupIds,
      transitEncryption: request.transitEncryption,
      authToken,
      tags: request.tags,
    });
    return restored('created');
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const tags = await api.tagsOf(replicationGroupId);
    if (!ownedBy(tags, request.environment, request.execution)) {
      throw new ResourceConflictError(
        `A replication group named ${replicationGroupId} already exists and was not created by this execution; it was left untouched`,
      );
    }
    return restored('adopted');
  }
}
