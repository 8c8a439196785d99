/**
 * Contract of the recovery test workflow (`interactions-<env>-recovery-test`, the monthly
 * point-in-time recovery drill): what it is started with, what it returns on success, and what its
 * data verification task takes and returns. The plan function, the CLI and the tests import these
 * schemas; they use `shared/zod.js` (zod/mini) because the functions bundle them.
 */
import { isoTimeSchema, scheduledEventSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { reasonSchema, reportUrlsSchema, requestedBySchema } from '../on-demand-snapshot/contract.js';

/** How the restore point is chosen when the request names none (config `drills.pitr.restorePointMode`). */
export const restorePointModeSchema = z.enum(['latest', 'random']);
export type RestorePointMode = z.infer<typeof restorePointModeSchema>;

/**
 * A drill started by hand (CLI `drill run <env> pitr`, the console): an explicit restore point,
 * else the configured mode decides. Unknown fields are rejected, so a misspelt `restorePoint` never
 * silently becomes a drill of the latest point.
 */
export const recoveryTestRequestSchema = z.strictObject({
  /** The point in time to restore to; must lie inside the restore window (checked before anything is created). */
  restorePoint: z.optional(isoTimeSchema),
  /** Who started the drill: goes to the report. */
  requestedBy: z.optional(requestedBySchema),
  /** Why: goes to the report. */
  reason: reasonSchema,
});
export type RecoveryTestRequest = z.infer<typeof recoveryTestRequestSchema>;

/** What the workflow is started with: the monthly scheduled event, or an operator's request. */
export const recoveryTestInputSchema = z.union([scheduledEventSchema, recoveryTestRequestSchema]);
export type RecoveryTestInput = z.infer<typeof recoveryTestInputSchema>;

/** Outcome of one data check, as the verifier reports it. */
export const dataCheckResultSchema = z.object({
  name: z.string(),
  status: z.enum(['passed', 'failed']),
  value: z.optional(z.unknown()),
  finding: z.string(),
  durationMs: z.number(),
});

/** What "Build output" returns: the restore, the measured RTO and RPO against the objectives, the report. */
export const recoveryTestOutputSchema = z.object({
  restorePoint: isoTimeSchema,
  restorePointMode: z.enum(['latest', 'random', 'requested']),
  temporaryInstance: z.string().check(z.minLength(1)),
  rtoSeconds: z.number(),
  rpoSeconds: z.nullable(z.number()),
  objectivesMet: z.object({ rto: z.boolean(), rpo: z.nullable(z.boolean()) }),
  checks: z.array(dataCheckResultSchema),
  report: reportUrlsSchema,
});
export type RecoveryTestOutput = z.infer<typeof recoveryTestOutputSchema>;
