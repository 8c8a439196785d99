/**
 * Contract of the recovery test workflow (`interactions-<env>-recovery-test`, the monthly
 * point-in-time recovery drill): what it is started with, what it returns on success, and what its
 * "Verify restored data" task takes and returns. The plan function, the verifier, the CLI and the
 * tests import these schemas; they use `shared/zod.js` (zod/mini) because the functions bundle them.
 */
import { dataChecksSchema } from '../../shared/data-checks/checks.js';
import { isoTimeSchema, scheduledEventSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { reasonSchema, reportUrlsSchema, requestedBySchema } from '../on-demand-snapshot/contract.js';

/** What "Verify restored data" receives: where the restored instance is, its credentials, the restore point. */
export const verifyRestoredDataInput = z.object({
  /** The restored instance's `Endpoint` as DescribeDBInstances returns it. */
  endpoint: z.object({
    address: z.string().check(z.regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name or IPv4 address')),
    port: z.number().check(z.int('must be a whole number'), z.gte(1), z.lte(65535, 'must be a TCP port')),
  }),
  databaseName: z
    .string()
    .check(z.regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'must be a PostgreSQL database name (letters, digits, _ and $)')),
  /** The secret with the credentials (`username`, `password`): the source instance's, which the restore keeps. */
  secretArn: z
    .string()
    .check(
      z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN'),
    ),
  /** The point in time the instance was restored to: the RPO is measured from it. */
  restorePoint: isoTimeSchema,
  /** Checks to run instead of the environment's (DATA_CHECKS). @default the environment's checks */
  checks: z.optional(dataChecksSchema),
});
export type VerifyRestoredDataInput = z.infer<typeof verifyRestoredDataInput>;

/** What "Verify restored data" returns: every check with its value and finding, and the measured RPO. */
export const verifyRestoredDataOutput = z.object({
  /** Every check passed (the freshness check included: RPO within the objective). */
  passed: z.boolean(),
  checks: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['pass', 'fail']),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
      finding: z.string(),
      durationMs: z.number().check(z.nonnegative()),
    }),
  ),
  /** The freshness check's newest data timestamp. @default absent when no freshness check produced one */
  newestDataAt: z.optional(isoTimeSchema),
  /** Restore point minus newest data, in seconds. */
  rpoSeconds: z.optional(z.number().check(z.nonnegative())),
  /** When the checks finished. */
  verifiedAt: isoTimeSchema,
});
export type VerifyRestoredDataOutput = z.infer<typeof verifyRestoredDataOutput>;

/** The temporary instances are `interactions-<env>-pitr-<execution>-<hash>` (the plan's `purpose`). */
export const RECOVERY_TEST_PURPOSE = 'pitr';

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

/** What "Build output" returns: the restore, the measured RTO and RPO against the objectives, the report. */
export const recoveryTestOutputSchema = z.object({
  restorePoint: isoTimeSchema,
  restorePointMode: z.enum(['latest', 'random', 'requested']),
  temporaryInstance: z.string().check(z.minLength(1)),
  rtoSeconds: z.number(),
  rpoSeconds: z.nullable(z.number()),
  objectivesMet: z.object({ rto: z.boolean(), rpo: z.nullable(z.boolean()) }),
  checks: verifyRestoredDataOutput.shape.checks,
  report: reportUrlsSchema,
});
export type RecoveryTestOutput = z.infer<typeof recoveryTestOutputSchema>;
