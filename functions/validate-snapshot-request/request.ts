/**
 * Validation of a snapshot request and the plan the workflow executes: the snapshot's name and the
 * tags it is created with. Pure (the clock is a parameter), so the state machine can reject a
 * malformed request before any AWS call and the tests need no mocks.
 */
import { ValidationError } from '../../shared/errors.js';
import type { Environment } from '../../shared/naming.js';
import { cacheSnapshotPrefix, validateSnapshotName } from '../../shared/snapshot-naming.js';
import { automationTags } from '../../shared/tags.js';
import * as z from '../../shared/zod.js';

/** Tag naming who asked for a snapshot (an on-call engineer, a CI job). */
export const REQUESTED_BY_TAG = 'interactions:requested-by';

/**
 * RDS and ElastiCache accept tag values of up to 256 Unicode letters, digits, spaces and `_ . : / = + - @`.
 * `requestedBy` becomes a tag value, so it is held to the same rule here rather than failing the create call.
 */
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const requestedBySchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(256, 'must be at most 256 characters'),
    z.regex(TAG_VALUE_PATTERN, 'may contain only letters, digits, spaces and _ . : / = + - @ (it becomes a tag value)'),
  );

const reasonSchema = z.optional(z.string().check(z.trim(), z.maxLength(1000, 'must be at most 1000 characters')));

/** Attaches every rule of `validateSnapshotName` as an issue, so all problems are reported at once. */
function snapshotNameSchema() {
  return z.string().check(
    z.superRefine((name, ctx) => {
      for (const problem of validateSnapshotName(name)) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );
}

/** What the operator (the CLI, CI, a console user) starts an on-demand DB snapshot with. */
export const dbSnapshotRequestSchema = z.object({
  snapshotName: snapshotNameSchema(),
  requestedBy: requestedBySchema,
  reason: reasonSchema,
});
export type DbSnapshotRequest = z.infer<typeof dbSnapshotRequestSchema>;

/** What the cache snapshot workflow is started with; the nightly run omits the name. */
export const cacheSnapshotRequestSchema = z.object({
  snapshotName: z.optional(snapshotNameSchema()),
  requestedBy: requestedBySchema,
  reason: reasonSchema,
});
export type CacheSnapshotRequest = z.infer<typeof cacheSnapshotRequestSchema>;

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
  /** Days the snapshot is kept before the sweeper may remove it. */
  readonly retentionDays: number;
}

function plan(
  snapshotName: string,
  request: { requestedBy: string; reason?: string | undefined },
  context: PlanContext,
): SnapshotPlan {
  if (!Number.isInteger(context.retentionDays) || context.retentionDays < 1) {
    throw new RangeError(`retentionDays must be a positive integer, got ${context.retentionDays}`);
  }
  const expiresAt = new Date(context.startedAt.getTime() + context.retentionDays * 86_400_000);
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
