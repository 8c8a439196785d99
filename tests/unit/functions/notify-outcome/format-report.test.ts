import {
  causeMessage,
  jsonReport,
  markdownReport,
  notification,
  type Outcome,
  outcomeSchema,
  type ReportFacts,
  reportKeys,
} from '../../../../functions/notify-outcome/format-report.js';

const now = new Date('2025-03-02T04:05:06.000Z');
const links = {
  execution: 'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn',
  report: 'https://us-east-1.console.aws.amazon.com/s3/object/bucket?region=us-east-1&bucketType=general&prefix=x',
};
/** The facts of an outcome whose severity was kept as requested. */
function kept(severity: Outcome['severity']): ReportFacts {
  return { now, severity: { requested: severity, effective: severity, operatorError: null }, links };
}
/** The facts of a high outcome lowered to low for an operator's bad input. */
const lowered: ReportFacts = { now, severity: { requested: 'high', effective: 'low', operatorError: 'input' }, links };
const succeeded: Outcome = {
  workflow: 'recovery-test',
  environment: 'prod',
  execution: 'monthly-2025-02',
  status: 'SUCCEEDED',
  severity: 'low',
  summary: 'PITR restore verified; RTO 1260 s, RPO 240 s',
  startedAt: '2025-02-28T23:59:00.000Z',
  details: { rtoSeconds: 1260, rpoSeconds: 240, checks: ['row counts', 'latest order'] },
  publish: true,
};
const lambdaCause = JSON.stringify({
  errorType: 'VerificationFailedError',
  errorMessage: 'orders: 0 rows after restore',
  trace: ['VerificationFailedError: orders: 0 rows after restore', '    at verify (/var/task/index.mjs:1:1)'],
});
const failed: Outcome = {
  ...succeeded,
  status: 'FAILED',
  severity: 'high',
  summary: 'Restore verification failed',
  details: undefined,
  error: 'VerificationFailedError',
  cause: lambdaCause,
};

describe('reportKeys', () => {
  it('files reports by workflow and the month the execution started', () => {
    expect(reportKeys(succeeded, now)).toEqual({
      json: 'reports/recovery-test/2025/02/monthly-2025-02.json',
      markdown: 'reports/recovery-test/2025/02/monthly-2025-02.md',
    });
  });

  it('uses the report time when the start is unknown', () => {
    expect(reportKeys({ ...succeeded, startedAt: undefined }, now).json).toBe(
      'reports/recovery-test/2025/03/monthly-2025-02.json',
    );
  });
});

describe('causeMessage', () => {
  it('reads errorMessage from a Lambda error cause', () => {
    expect(causeMessage(lambdaCause)).toBe('orders: 0 rows after restore');
  });
  it('keeps a plain-text cause and ignores an empty one', () => {
    expect(causeMessage('DB instance not found')).toBe('DB instance not found');
    expect(causeMessage('')).toBeUndefined();
    expect(causeMessage(undefined)).toBeUndefined();
  });
});

describe('jsonReport', () => {
  it('contains the outcome, the report time, the readable cause, both severities and the links', () => {
    expect(JSON.parse(jsonReport(failed, lowered))).toEqual({
      ...failed,
      details: undefined,
      reportedAt: '2025-03-02T04:05:06.000Z',
      causeMessage: 'orders: 0 rows after restore',
      requestedSeverity: 'high',
      effectiveSeverity: 'low',
      operatorError: 'input',
      links,
    });
  });
});

describe('markdownReport', () => {
  it('shows facts and details of a success, without an error section', () => {
    const markdown = markdownReport(succeeded, kept('low'));
    expect(markdown.split('\n')[0]).toBe('# recovery-test PASSED: prod');
    expect(markdown).toContain('| Execution | monthly-2025-02 |');
    expect(markdown).toContain('| rtoSeconds | 1260 |');
    expect(markdown).toContain('| checks | ["row counts","latest order"] |');
    expect(markdown).not.toContain('## Error');
  });

  it('shows the error name and message of a failure', () => {
    const markdown = markdownReport(failed, kept('high'));
    expect(markdown.split('\n')[0]).toBe('# recovery-test FAILED: prod');
    expect(markdown).toContain('- Error: `VerificationFailedError`');
    expect(markdown).toContain('```text\norders: 0 rows after restore\n```');
  });

  it('links the execution and the report in the console', () => {
    const markdown = markdownReport(failed, kept('high'));
    expect(markdown).toContain(`| Execution in the console | [open](${links.execution}) |`);
    expect(markdown).toContain(`| This report in the console | [open](${links.report}) |`);
  });

  it('says when the execution link is unknown', () => {
    const markdown = markdownReport(failed, { ...kept('high'), links: { ...links, execution: null } });
    expect(markdown).toContain('| Execution in the console | unknown account |');
  });

  it('shows a lowered severity with the requested one and why', () => {
    expect(markdownReport(failed, lowered)).toContain('| Severity | low (requested high; operator error: input) |');
    expect(markdownReport(failed, kept('high'))).toContain('| Severity | high |');
  });

  it('escapes pipes and newlines so table rows stay intact', () => {
    const markdown = markdownReport({ ...succeeded, details: { note: 'a|b\nc' } }, kept('low'));
    expect(markdown).toContain('| note | a\\|b c |');
  });
});

describe('notification', () => {
  it('is a one-line subject and a short message linking the report', () => {
    const { subject, message, attributes } = notification(failed, 's3://bucket/reports/x.md', kept('high'));
    expect(subject).toBe('[prod] recovery-test FAILED');
    expect(message.split('\n')).toEqual([
      'recovery-test FAILED in prod: Restore verification failed',
      'Execution: monthly-2025-02',
      'Error: VerificationFailedError - orders: 0 rows after restore',
      'Report: s3://bucket/reports/x.md',
      `Report in the console: ${links.report}`,
      `Execution in the console: ${links.execution}`,
    ]);
    expect(attributes).toEqual({
      environment: 'prod',
      workflow: 'recovery-test',
      status: 'FAILED',
      severity: 'high',
      requestedSeverity: 'high',
    });
  });

  it('says when the severity was lowered, and carries the effective one as the attribute', () => {
    const { message, attributes } = notification(failed, 's3://b/k', lowered);
    expect(message).toContain('Severity: low (requested high; operator error: input)');
    expect(attributes).toMatchObject({ severity: 'low', requestedSeverity: 'high' });
  });

  it('truncates a long summary', () => {
    const { message } = notification({ ...succeeded, summary: 'x'.repeat(1000) }, 's3://b/k', kept('low'));
    expect(message.split('\n')[0]?.length).toBeLessThan(560);
    expect(message.split('\n')[0]?.endsWith('...')).toBe(true);
  });
});

describe('outcomeSchema', () => {
  it('accepts the input of a Catch path (error and cause)', () => {
    expect(outcomeSchema.parse(failed)).toEqual(failed);
  });
  it('rejects an unknown status and severity', () => {
    const result = outcomeSchema.safeParse({ ...succeeded, status: 'ABORTED', severity: 'critical' });
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['severity', 'status']);
  });
});
