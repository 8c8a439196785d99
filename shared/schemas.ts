/**
 * Zod schemas the functions share: environment names, the execution context every state machine
 * passes to its tasks, timestamps and the names the automation gives to AWS resources.
 */
import { WORKFLOWS } from './naming.js';
import * as z from './zod.js';

/** One of the three environments. */
export const environmentSchema = z.enum(['dev', 'staging', 'prod']);

/** A workflow of the automation layer (`shared/naming.ts` WORKFLOWS). */
export const workflowSchema = z.enum(WORKFLOWS);

/** ISO 8601 timestamp with an offset or `Z`, as Step Functions' `$$.Execution.StartTime`. */
export const isoTimeSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' });

/**
 * Step Functions execution name (`$$.Execution.Name`): 1-80 characters of letters, digits, `-`
 * and `_`, which is also what the automation embeds in resource names and tags.
 */
export const executionNameSchema = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be 1-80 letters, digits, "-" or "_" (a Step Functions execution name)'),
  );

/** What every task receives from its state machine: `{ execution: $$.Execution.Name, startedAt: $$.Execution.StartTime }`. */
export const executionContextSchema = z.object({
  execution: executionNameSchema,
  startedAt: isoTimeSchema,
});

/** Longest retention the automation plans for a snapshot: ten years. */
export const MAX_RETENTION_DAYS = 3650;

/**
 * Days a snapshot is kept (the expiry it is tagged with counts from the execution's start): a whole
 * number from 1 to MAX_RETENTION_DAYS. The cap keeps every planned expiry a valid date: a huge value
 * would overflow it, and the tags could not be written.
 */
export const retentionDaysSchema = z
  .number()
  .check(
    z.int('must be a whole number of days'),
    z.gte(1, 'must be at least 1 day'),
    z.lte(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days (ten years)`),
  );

/** An AWS region name such as `us-east-1` or `ap-southeast-2`. */
export const awsRegionSchema = z.string().check(z.refine(isAwsRegion, 'must be an AWS region'));

/** Severity of a notification: which SNS topic it goes to. */
export const severitySchema = z.enum(['high', 'medium', 'low']);
/** `high` pages on-call; `medium` and `low` go to chat and mail. */
export type Severity = z.infer<typeof severitySchema>;

/**
 * RDS identifier rules (DB instances and snapshots): 1-255 characters, letters, digits and
 * hyphens, starting with a letter, no two consecutive hyphens, not ending with a hyphen.
 */
export const rdsIdentifierSchema = z
  .string()
  .check(
    z.maxLength(255, 'must be at most 255 characters'),
    z.regex(
      /^[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)$/,
      'must start with a letter and contain only letters, digits and single hyphens, not ending with a hyphen',
    ),
  );

/**
 * The one region rule (the CLI's `--region` and AWS_REGION, the functions' region settings and
 * inputs): the region shapes of the AWS partitions (`us-east-1`, `cn-northwest-1`, `us-gov-west-1`,
 * `us-isob-east-1`, `eu-isoe-west-1`, `eusc-de-east-1`): a known prefix, a compass direction and a
 * number of one or two digits, so a region-shaped string of any length is refused (at most 20 characters).
 */
export function isAwsRegion(value: string): boolean {
  return /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[bf]?|eu-isoe|eusc-de)-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$/.test(
    value,
  );
}

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
