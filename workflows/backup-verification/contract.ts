/**
 * Contract of the backup verification workflow (`interactions-<env>-backup-verification`): started
 * nightly by its EventBridge schedule with the scheduled event as input (workflows/common/schedule.ts), it
 * returns the findings and where their report was filed. The CLI and the tests import these schemas.
 */
import { type ScheduledEvent, scheduledEventSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';

/** The scheduled event (shared/schemas.ts), re-exported: the nightly workflows' contracts start from it. */
export { type ScheduledEvent, scheduledEventSchema };

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
