/**
 * Contract of the on-demand snapshot workflow (`interactions-<env>-on-demand-snapshot`): what it is
 * started with and what it returns on success. The validate function, the CLI and the tests import
 * these schemas instead of keeping copies; they use `shared/zod.js` (zod/mini) because the validate
 * Lambda bundles them.
 */
import { retentionDaysSchema } from '../../shared/schemas.js';
import { validateSnapshotName } from '../../shared/snapshot-naming.js';
import * as z from '../../shared/zod.js';

/**
 * RDS and ElastiCache accept tag values of up to 256 Unicode letters, digits, spaces and `_ . : / = + - @`.
 * `requestedBy` becomes a tag value, so it is held to the same rule here rather than failing the create call.
 */
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The tag recording who asked for a snapshot: IAM allows it at creation next to the automation's own tags. */
export const REQUESTED_BY_TAG = 'interactions:requested-by';

/** Who asked for the snapshot (an on-call engineer, a CI job): recorded in `interactions:requested-by`. */
export const requestedBySchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(256, 'must be at most 256 characters'),
    z.regex(TAG_VALUE_PATTERN, 'may contain only letters, digits, spaces and _ . : / = + - @ (it becomes a tag value)'),
  );

/** Why the snapshot is taken: goes to the report only. */
export const reasonSchema = z.optional(
  z.string().check(z.trim(), z.maxLength(1000, 'must be at most 1000 characters')),
);

/**
 * Days the snapshot is kept before housekeeping deletes it (it plans `interactions:expires-at` from
 * this), instead of the environment's `automation.manualSnapshotRetentionDays`: the automation's one
 * retention rule (1 to MAX_RETENTION_DAYS).
 */
export const retainDaysSchema = z.optional(retentionDaysSchema);

/** A snapshot name under every rule of `validateSnapshotName`, each broken rule reported as its own issue. */
export function snapshotNameSchema() {
  return z.string().check(
    z.superRefine((name, ctx) => {
      for (const problem of validateSnapshotName(name)) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );
}

/** What the operator (the CLI, CI, a console user) starts an on-demand DB snapshot with. */
export const onDemandSnapshotInputSchema = z.object({
  snapshotName: snapshotNameSchema(),
  requestedBy: requestedBySchema,
  reason: reasonSchema,
  retainDays: retainDaysSchema,
});
export type OnDemandSnapshotInput = z.infer<typeof onDemandSnapshotInputSchema>;

/** Where notify-outcome filed the reports, as `s3://bucket/key` URLs ("Build output"). */
export const reportUrlsSchema = z.object({
  json: z.string().check(z.startsWith('s3://')),
  markdown: z.string().check(z.startsWith('s3://')),
});

/**
 * What "Build output" returns: the verified snapshot (verify-db-snapshot's summary; verification
 * passed, so it is available, encrypted and taken from the instance) and the report URLs.
 */
export const onDemandSnapshotOutputSchema = z.object({
  snapshot: z.object({
    id: z.string(),
    arn: z.nullable(z.string()),
    status: z.literal('available'),
    encrypted: z.literal(true),
    allocatedStorageGiB: z.number(),
    sourceInstance: z.string(),
    createdAt: z.nullable(z.string()),
  }),
  report: reportUrlsSchema,
});
export type OnDemandSnapshotOutput = z.infer<typeof onDemandSnapshotOutputSchema>;
