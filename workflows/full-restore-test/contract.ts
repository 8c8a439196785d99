/**
 * Contract of the full restore test (`interactions-<env>-full-restore-test`, the quarterly full
 * application restore): what it is started with, what it returns on success, and what its Lambda
 * tasks ("Restore cache from snapshot", "Run smoke checks") take and return. The functions, the
 * CLI and the tests import these schemas (zod/mini: the functions bundle them).
 */
import { isoTimeSchema, scheduledEventSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { reasonSchema, reportUrlsSchema, requestedBySchema } from '../on-demand-snapshot/contract.js';

/** Temporary resources are `interactions-<env>-full-...` (the plan's `purpose`; the IAM grants match it). */
export const FULL_RESTORE_PURPOSE = 'full';

/**
 * A run started by hand (CLI `drill run <env> full-restore`, the console). The database is restored
 * to its latest restorable time and the cache from its newest snapshot: what an incident would
 * restore. Unknown fields are rejected.
 */
export const fullRestoreRequestSchema = z.strictObject({
  /** Who started the run: goes to the report. */
  requestedBy: z.optional(requestedBySchema),
  /** Why: goes to the report. */
  reason: reasonSchema,
});
export type FullRestoreRequest = z.infer<typeof fullRestoreRequestSchema>;

/** What the workflow is started with: the quarterly scheduled event, or an operator's request. */
export const fullRestoreInputSchema = z.union([scheduledEventSchema, fullRestoreRequestSchema]);
export type FullRestoreInput = z.infer<typeof fullRestoreInputSchema>;

/** The restored replication group, as "Restore cache from snapshot" returns it. */
export const restoredCacheSchema = z.object({
  replicationGroupId: z.string().check(z.minLength(1)),
  /** The snapshot it was restored from (the platform's newest available one). */
  snapshotName: z.string().check(z.minLength(1)),
  /** When that snapshot was taken: the cache's recovery point. */
  snapshotCreatedAt: z.nullable(isoTimeSchema),
  /** `created` by this call, or `adopted`: a retried call met the group this execution created. */
  outcome: z.enum(['created', 'adopted']),
});
export type RestoredCache = z.infer<typeof restoredCacheSchema>;

/** One smoke check's result. */
export const smokeCheckResultSchema = z.object({
  name: z.string(),
  status: z.enum(['pass', 'fail', 'skipped']),
  durationMs: z.number().check(z.nonnegative()),
  finding: z.string(),
});

/** What "Run smoke checks" returns. */
export const smokeChecksOutputSchema = z.object({
  /** Every check passed. */
  passed: z.boolean(),
  /** `http://<task private IP>:<port>`: where the checks went. */
  target: z.string(),
  checks: z.array(smokeCheckResultSchema),
  startedAt: isoTimeSchema,
  checkedAt: isoTimeSchema,
});
export type SmokeChecksOutput = z.infer<typeof smokeChecksOutputSchema>;

/** The phases the drill measures, in order. */
export const FULL_RESTORE_PHASES = [
  'restore-database',
  'restore-cache',
  'start-task',
  'smoke-checks',
  'teardown',
] as const;

/** What "Build output" returns: what was restored, the phases, the RTO against the objective, the checks, the report. */
export const fullRestoreOutputSchema = z.object({
  restorePoint: isoTimeSchema,
  cacheSnapshot: z.string(),
  temporaryInstance: z.string().check(z.minLength(1)),
  temporaryReplicationGroup: z.string().check(z.minLength(1)),
  taskDefinition: z.string().check(z.minLength(1)),
  rtoSeconds: z.number(),
  objectiveMet: z.boolean(),
  phases: z.array(
    z.object({
      name: z.enum(FULL_RESTORE_PHASES),
      seconds: z.nullable(z.number()),
      measuredBy: z.enum(['clock', 'polls']),
    }),
  ),
  checks: z.array(smokeCheckResultSchema),
  report: reportUrlsSchema,
});
export type FullRestoreOutput = z.infer<typeof fullRestoreOutputSchema>;
