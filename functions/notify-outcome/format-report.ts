/**
 * Pure formatting of a workflow's outcome: the S3 keys, the JSON and Markdown reports and the short
 * SNS message. No AWS access and no clock: the handler passes `now`.
 */
import {
  environmentSchema,
  executionNameSchema,
  isoTimeSchema,
  severitySchema,
  workflowSchema,
} from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';

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
});
export type Outcome = z.infer<typeof outcomeSchema>;

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

/** The JSON report: the outcome as received, plus the report's own time and the readable cause. */
export function jsonReport(outcome: Outcome, now: Date): string {
  const report = {
    ...outcome,
    startedAt: outcome.startedAt ?? null,
    reportedAt: now.toISOString(),
    causeMessage: causeMessage(outcome.cause) ?? null,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function cell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Pipes and newlines would break the table row.
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The Markdown report: title, facts table, details table, error section when failed. */
export function markdownReport(outcome: Outcome, now: Date): string {
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
    `| Severity | ${outcome.severity} |`,
    `| Started | ${outcome.startedAt ?? 'unknown'} |`,
    `| Reported | ${now.toISOString()} |`,
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

/** The concise notification: a one-line subject and a few lines pointing to the report. */
export function notification(
  outcome: Outcome,
  reportUri: string,
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
  lines.push(`Report: ${reportUri}`);
  return {
    subject,
    message: lines.join('\n'),
    attributes: {
      environment: outcome.environment,
      workflow: outcome.workflow,
      status: outcome.status,
      severity: outcome.severity,
    },
  };
}
