/**
 * Contract of the failover drill (`interactions-<env>-failover-drill`): what it is started with (a
 * manual request, or the six-monthly scheduled event, whose extra fields are ignored) and what it
 * returns. The functions, the CLI and the tests import these schemas; zod/mini so the functions bundle them.
 */
import * as z from '../../shared/zod.js';

/** The dependencies the downtime prober measures, as the report names them. */
export const DEPENDENCIES = ['database', 'cache', 'application'] as const;
/** One dependency the prober measures. */
export type Dependency = (typeof DEPENDENCIES)[number];

/** Error name of a drill whose experiment FIS stopped (a stop-condition alarm fired, or someone stopped it). */
export const EXPERIMENT_STOPPED_ERROR = 'ExperimentStoppedError';

/**
 * MaxRecords of the pre-checks' one DescribeAlarms call ("List alarms in ALARM"), which reads no
 * further page: a list this long may hide a platform alarm, so the alarms check then refuses.
 */
export const ALARMS_IN_ALARM_PAGE_SIZE = 100;

/** Longest summary notify-outcome accepts (its outcome schema). */
const SUMMARY_MAX = 1000;

/** `text` cut to what notify-outcome accepts, marked when cut: a long list of reasons must not fail the report. */
export function clipSummary(text: string): string {
  return text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 30)} ... (cut; see the checks)`;
}

/** What an operator (CLI, console) or the schedule starts the drill with. */
export const failoverDrillInputSchema = z.object({
  /** Run the pre-checks and report what would happen, without starting the experiment. @default false */
  dryRun: z.optional(z.boolean()),
  /** Who started it; goes to the report. */
  requestedBy: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
});
export type FailoverDrillInput = z.infer<typeof failoverDrillInputSchema>;

/** One pre-check or post-check and its finding. */
const checkFindingSchema = z.object({
  check: z.string().check(z.minLength(1)),
  ok: z.boolean(),
  detail: z.string(),
});
export type CheckFinding = z.infer<typeof checkFindingSchema>;

/** A stretch of failing probes of one dependency (ISO times; `until` is the first passing probe after it). */
const outageSchema = z.object({
  from: z.string(),
  until: z.string(),
  seconds: z.number().check(z.nonnegative()),
  error: z.string(),
});
export type Outage = z.infer<typeof outageSchema>;

/** What the prober measured for one dependency over the whole drill. */
const dependencyDowntimeSchema = z.object({
  samples: z.number().check(z.int(), z.nonnegative()),
  failures: z.number().check(z.int(), z.nonnegative()),
  /** The longest failing stretch: the user-visible downtime of this dependency. */
  longestOutageSeconds: z.number().check(z.nonnegative()),
  /** The failing stretches, oldest first (at most MAX_OUTAGES; `droppedOutages` counts the rest). */
  outages: z.array(outageSchema),
  droppedOutages: z.number().check(z.int(), z.nonnegative()),
  /** A stretch still failing when the last probe ran. */
  openOutage: z.nullable(z.object({ from: z.string(), error: z.string() })),
  /** When the last probe ran and whether it passed. */
  lastProbeAt: z.nullable(z.string()),
  lastOk: z.nullable(z.boolean()),
});
export type DependencyDowntime = z.infer<typeof dependencyDowntimeSchema>;

/** The prober's running summary, carried from one probe window to the next. */
export const downtimeSummarySchema = z.object({
  firstProbeAt: z.nullable(z.string()),
  lastProbeAt: z.nullable(z.string()),
  windows: z.number().check(z.int(), z.nonnegative()),
  dependencies: z.object({
    database: dependencyDowntimeSchema,
    cache: dependencyDowntimeSchema,
    application: dependencyDowntimeSchema,
  }),
});
export type DowntimeSummary = z.infer<typeof downtimeSummarySchema>;

/** An RDS event of the failover (RDS-EVENT-0013 started, 0015 / 0049 completed, ...), correlated in the report. */
const rdsEventSchema = z.object({
  at: z.string(),
  eventId: z.nullable(z.string()),
  message: z.string(),
});

/** How the drill ended, when it ended well. */
const drillOutcomeSchema = z.enum(['completed', 'skipped', 'dry-run']);

/** What "Build output" returns. */
export const failoverDrillOutputSchema = z.object({
  outcome: drillOutcomeSchema,
  summary: z.string(),
  checks: z.array(checkFindingSchema),
  experiment: z.nullable(
    z.object({ id: z.string(), templateId: z.string(), status: z.string(), targetAz: z.string() }),
  ),
  downtime: z.nullable(downtimeSummarySchema),
  rdsEvents: z.array(rdsEventSchema),
  report: z.object({
    json: z.string().check(z.startsWith('s3://')),
    markdown: z.string().check(z.startsWith('s3://')),
  }),
});
export type FailoverDrillOutput = z.infer<typeof failoverDrillOutputSchema>;
