/**
 * Validation of a snapshot request and the plan the workflow executes: the snapshot's name and the
 * tags it is created with. Pure (the clock is a parameter), so the state machine can reject a
 * malformed request before any AWS call and the tests need no mocks.
 */
import { ValidationError } from '../../shared/errors.js';
import type { Environment } from '../../shared/naming.js';
import { cacheSnapshotPrefix } from '../../shared/snapshot-naming.js';
import { automationTags } from '../../shared/tags.js';
import { type CacheSnapshotInput, cacheSnapshotInputSchema } from '../../workflows/cache-snapshot/contract.js';
import {
  type OnDemandSnapshotInput,
  onDemandSnapshotInputSchema,
  REQUESTED_BY_TAG,
} from '../../workflows/on-demand-snapshot/contract.js';

/** What the operator (the CLI, CI, a console user) starts an on-demand DB snapshot with: the workflow's contract. */
export const dbSnapshotRequestSchema = onDemandSnapshotInputSchema;
export type DbSnapshotRequest = OnDemandSnapshotInput;

/** What the cache snapshot workflow is started with (the nightly run omits the name): the workflow's contract. */
export const cacheSnapshotRequestSchema = cacheSnapshotInputSchema;
export type CacheSnapshotRequest = CacheSnapshotInput;

/** The validated request plus everything the state machine needs to create the snapshot. */
export interface SnapshotPlan {
  readonly snapshotName: string;
  readonly requestedBy: string;
  readonly reason: string | null;
  /** ISO time after which the sweeper may delete the snapshot. */
  readonly expiresAt: string;
  /** The tag list passed to the create call (automation tags + requested-by). */
  readonly tags: { Key: string; Value: string }[];
}

/** Who owns the snapshot and how long it is kept. */
export interface PlanContext {
  /** Environment the snapshot belongs to, recorded in `interactions:environment`. */
  readonly environment: Environment;
  /** Step Functions execution name: the owner recorded in `interactions:execution`. */
  readonly execution: string;
  /** When the execution started (the retention counts from here, so a retry plans the same expiry). */
  readonly startedAt: Date;
  /** Days the snapshot is kept before the sweeper may remove it, unless the request sets `retainDays`. */
  readonly retentionDays: number;
}

function plan(
  snapshotName: string,
  request: { requestedBy: string; reason?: string | undefined; retainDays?: number | undefined },
  context: PlanContext,
): SnapshotPlan {
  if (!Number.isInteger(context.retentionDays) || context.retentionDays < 1) {
    throw new RangeError(`retentionDays must be a positive integer, got ${context.retentionDays}`);
  }
  // Housekeeping deletes by `interactions:expires-at`: planning it from the request's retainDays is what makes it honour them.
  const keptDays = request.retainDays ?? context.retentionDays;
  const expiresAt = new Date(context.startedAt.getTime() + keptDays * 86_400_000);
  return {
    snapshotName,
    requestedBy: request.requestedBy,
    reason: request.reason ?? null,
    expiresAt: expiresAt.toISOString(),
    tags: automationTags({
      environment: context.environment,
      execution: context.execution,
      expiresAt,
      extra: { [REQUESTED_BY_TAG]: request.requestedBy },
    }),
  };
}

/** Plan of an on-demand DB snapshot: the name is the operator's. */
export function planDbSnapshot(request: DbSnapshotRequest, context: PlanContext): SnapshotPlan {
  return plan(request.snapshotName, request, context);
}

/**
 * Default cache snapshot name, from the execution: `interactions-<env>-<execution>`, lowercased,
 * `_` turned into `-` and hyphen runs collapsed, so it satisfies the snapshot name rules.
 */
export function defaultCacheSnapshotName(env: Environment, execution: string): string {
  const suffix = execution
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `${cacheSnapshotPrefix(env)}${suffix || 'snapshot'}`.slice(0, 255).replace(/-$/, '');
}

/** Plan of a cache snapshot: the given name (which must carry the environment's prefix) or one from the execution. */
export function planCacheSnapshot(request: CacheSnapshotRequest, context: PlanContext): SnapshotPlan {
  const env = context.environment;
  const prefix = cacheSnapshotPrefix(env);
  if (request.snapshotName !== undefined && !request.snapshotName.startsWith(prefix)) {
    const issue = `snapshotName: must start with '${prefix}' (got '${request.snapshotName}')`;
    throw new ValidationError(`Invalid input: ${issue}`, { issues: [issue] });
  }
  return plan(request.snapshotName ?? defaultCacheSnapshotName(env, context.execution), request, context);
}
