/**
 * Contract of the backup verification workflow (`interactions-<env>-backup-verification`): started
 * nightly by its EventBridge schedule with the scheduled event as input (nightly-schedule.ts), it
 * returns the findings and where their report was filed. The CLI and the tests import these schemas.
 */
import { isoTimeSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';

/**
 * The EventBridge "Scheduled Event" a nightly workflow is started with (operators start a run by
 * hand with the same shape). `id` names what the run creates, so a duplicate delivery is a no-op.
 */
export const scheduledEventSchema = z.object({
  version: z.optional(z.string()),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  account: z.optional(z.string()),
  time: isoTimeSchema,
  region: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.optional(z.record(z.string(), z.unknown())),
});
export type ScheduledEvent = z.infer<typeof scheduledEventSchema>;

/** What the workflow is started with: the scheduled event. */
export const backupVerificationInputSchema = scheduledEventSchema;
export type BackupVerificationInput = z.infer<typeof backupVerificationInputSchema>;

/** Outcome of one check: `fail` pages (the environment's failure severity), `warn` goes to the low topic. */
export const checkStatusSchema = z.enum(['ok', 'warn', 'fail']);

/** Where notify-outcome filed the reports: the bucket and the object keys. */
export const reportLocationSchema = z.object({
  bucket: z.string().check(z.minLength(1)),
  json: z.string().check(z.minLength(1)),
  markdown: z.string().check(z.minLength(1)),
});

/** What "Build output" returns: the worst status, every check's finding, and the report. */
export const backupVerificationOutputSchema = z.object({
  severity: checkStatusSchema,
  findings: z.array(
    z.object({
      check: z.enum([
        'automated-backup-freshness',
        'restore-window',
        'backup-retention',
        'manual-snapshot-quota',
        'cache-snapshot-freshness',
      ]),
      status: checkStatusSchema,
      detail: z.string(),
      metric: z.optional(z.object({ name: z.string(), value: z.number(), unit: z.enum(['Count', 'None']) })),
    }),
  ),
  report: reportLocationSchema,
});
export type BackupVerificationOutput = z.infer<typeof backupVerificationOutputSchema>;
