/**
 * Pure formatting of a workflow's outcome: the S3 keys, the JSON and Markdown reports and the short
 * SNS message. No AWS access and no clock: the handler passes `now`, the severity decision and the
 * console links (ReportFacts).
 */
import {
  environmentSchema,
  executionNameSchema,
  isoTimeSchema,
  severitySchema,
  workflowSchema,
} from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import type { SeverityDecision } from './severity.js';

/** What every workflow's last task sends (the architecture's "Evidence" rule). */
export const outcomeSchema = z.object({
  workflow: workflowSchema,
  environment: environmentSchema,
  execution: executionNameSchema,
  status: z.enum(['SUCCEEDED', 'FAILED']),
  severity: severitySchema,
  summary: z.string().check(z.minLength(1), z.maxLength(1000)),
  /** When the execution started (`$$.Execution.StartTime`); @default the report time. */
  startedAt: z.optional(isoTimeSchema),
  /** Measurements and findings: RTO/RPO seconds, checks and their results, resources touched. */
  details: z.optional(z.record(z.string(), z.unknown())),
  /** Step Functions Catch output: `Error` name. */
  error: z.optional(z.string()),
  /** Step Functions Catch output: `Cause`, often a JSON string from the Lambda integration. */
  cause: z.optional(z.string()),
  /** Whether to notify the severity topic; @default true. False files the reports only (a quiet all-ok run). */
  publish: z._default(z.boolean(), true),
  /** `$$.Execution.Id`, when the state machine passes it; @default built from the execution name and the function's region and account. */
  executionArn: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}$/,
          'must be a Step Functions execution ARN',
        ),
      ),
  ),
});
export type Outcome = z.infer<typeof outcomeSchema>;

/** Console links of a report; `execution` is null when the function cannot know the account. */
export interface ReportLinks {
  readonly execution: string | null;
  readonly report: string;
}

/** What the handler decided or knows besides the outcome. */
export interface ReportFacts {
  /** When the report is written. */
  readonly now: Date;
  /** Requested and effective severity (severity.ts). */
  readonly severity: SeverityDecision;
  readonly links: ReportLinks;
}

/** Object keys of one report: `reports/<workflow>/<yyyy>/<mm>/<execution>.json|.md`, dated by the start. */
export function reportKeys(outcome: Outcome, now: Date): { json: string; markdown: string } {
  const date = new Date(outcome.startedAt ?? now.toISOString());
  const yyyy = String(date.getUTCFullYear());
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const base = `reports/${outcome.workflow}/${yyyy}/${mm}/${outcome.execution}`;
  return { json: `${base}.json`, markdown: `${base}.md` };
}

/**
 * The readable message of a Step Functions `Cause`: Lambda errors arrive as
 * `{"errorType","errorMessage","trace"}` JSON, SDK integrations as plain text.
 */
export function causeMessage(cause: string | undefined): string | undefined {
  if (cause === undefined || cause === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      for (const key of ['errorMessage', 'Message', 'message']) {
        if (typeof record[key] === 'string') return record[key];
      }
    }
  } catch {
    // Not JSON: the cause is already the message.
  }
  return cause;
}

/**
 * The JSON report: the outcome as received (`severity` is the requested one), plus the report's own
 * time, the readable cause, both severities and the console links.
 */
export function jsonReport(outcome: Outcome, facts: ReportFacts): string {
  const report = {
    ...outcome,
    startedAt: outcome.startedAt ?? null,
    reportedAt: facts.now.toISOString(),
    causeMessage: causeMessage(outcome.cause) ?? null,
    requestedSeverity: facts.severity.requested,
    effectiveSeverity: facts.severity.effective,
    operatorError: facts.severity.operatorError,
    links: facts.links,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function cell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Pipes and newlines would break the table row.
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** How the severity reads in a report: `low (requested high; operator error: input)` when lowered. */
function severityText({ requested, effective, operatorError }: SeverityDecision): string {
  return effective === requested
    ? effective
    : `${effective} (requested ${requested}; operator error: ${operatorError})`;
}

/** The Markdown report: title, facts table with console links, details table, error section when failed. */
export function markdownReport(outcome: Outcome, facts: ReportFacts): string {
  const { now, links } = facts;
  const icon = outcome.status === 'SUCCEEDED' ? 'PASSED' : 'FAILED';
  const lines = [
    `# ${outcome.workflow} ${icon}: ${outcome.environment}`,
    '',
    outcome.summary,
    '',
    '| | |',
    '|---|---|',
    `| Environment | ${outcome.environment} |`,
    `| Workflow | ${outcome.workflow} |`,
    `| Execution | ${cell(outcome.execution)} |`,
    `| Status | ${outcome.status} |`,
    `| Severity | ${severityText(facts.severity)} |`,
    `| Started | ${outcome.startedAt ?? 'unknown'} |`,
    `| Reported | ${now.toISOString()} |`,
    `| Execution in the console | ${links.execution === null ? 'unknown account' : `[open](${links.execution})`} |`,
    `| This report in the console | [open](${links.report}) |`,
  ];
  const details = Object.entries(outcome.details ?? {});
  if (details.length > 0) {
    lines.push('', '## Details', '', '| Item | Value |', '|---|---|');
    for (const [key, value] of details) lines.push(`| ${cell(key)} | ${cell(value)} |`);
  }
  if (outcome.status === 'FAILED' || outcome.error !== undefined) {
    lines.push('', '## Error', '', `- Error: \`${outcome.error ?? 'unknown'}\``);
    const message = causeMessage(outcome.cause);
    if (message !== undefined) lines.push('', '```text', message, '```');
  }
  return `${lines.join('\n')}\n`;
}

/** SNS limits: subject 100 characters on one line; message well under 256 KB (kept short for chat and pager). */
const SUBJECT_MAX = 100;
const MESSAGE_DETAIL_MAX = 500;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** The concise notification: a one-line subject and a few lines pointing to the report and the execution. */
export function notification(
  outcome: Outcome,
  reportUri: string,
  facts: Pick<ReportFacts, 'severity' | 'links'>,
): { subject: string; message: string; attributes: Record<string, string> } {
  const verb = outcome.status === 'SUCCEEDED' ? 'succeeded' : 'FAILED';
  const subject = truncate(
    `[${outcome.environment}] ${outcome.workflow} ${verb}`.replace(/[\r\n]+/g, ' '),
    SUBJECT_MAX,
  );
  const lines = [
    `${outcome.workflow} ${verb} in ${outcome.environment}: ${truncate(outcome.summary, MESSAGE_DETAIL_MAX)}`,
    `Execution: ${outcome.execution}`,
  ];
  if (outcome.status === 'FAILED' || outcome.error !== undefined) {
    const message = causeMessage(outcome.cause);
    lines.push(
      `Error: ${outcome.error ?? 'unknown'}${message === undefined ? '' : ` - ${truncate(message, MESSAGE_DETAIL_MAX)}`}`,
    );
  }
  if (facts.severity.effective !== facts.severity.requested) {
    lines.push(`Severity: ${severityText(facts.severity)}`);
  }
  lines.push(`Report: ${reportUri}`, `Report in the console: ${facts.links.report}`);
  if (facts.links.execution !== null) lines.push(`Execution in the console: ${facts.links.execution}`);
  return {
    subject,
    message: lines.join('\n'),
    attributes: {
      environment: outcome.environment,
      workflow: outcome.workflow,
      status: outcome.status,
      severity: facts.severity.effective,
      requestedSeverity: facts.severity.requested,
    },
  };
}
