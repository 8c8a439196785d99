/**
 * Last task of every workflow: writes the JSON and Markdown reports to the reports bucket, then
 * notifies the topic of the effective severity (severity.ts: operator errors never page) with a
 * short message that links the report and the execution in the console. Reports first, so the
 * evidence exists even if the notification fails (the state machine retries the whole task; both
 * writes are idempotent overwrites of the same keys).
 *
 * Once the outcome is reported (filed, and published unless `publish` is false), it publishes
 * `WorkflowSucceeded` or `WorkflowFailed` (shared/metrics-contract.ts). Only then: an attempt that
 * fails before the end is retried, and must not count a success the run may never reach. The
 * dead-man's switch (infra/constructs/workflow-monitoring.ts) watches WorkflowSucceeded, so every
 * SUCCEEDED outcome counts, a quiet all-ok night and a partial housekeeping night (SUCCEEDED, reported
 * at its partial-failure severity) alike.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { s3Client } from '../../shared/clients/s3.js';
import { snsClient } from '../../shared/clients/sns.js';
import { assertSameIdentity } from '../../shared/identity.js';
import { publishMetric, workflowOutcomeMetric } from '../../shared/metrics-contract.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger } from '../../shared/powertools.js';
import * as z from '../../shared/zod.js';
import {
  jsonReport,
  markdownReport,
  notification,
  outcomeSchema,
  type ReportFacts,
  reportKeys,
} from './format-report.js';
import { reportLinks } from './links.js';
import { effectiveSeverity } from './severity.js';

const snsTopicArn = z
  .string()
  .check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'must be an SNS topic ARN'));

export const { handler, createHandler } = automationHandler({
  schema: outcomeSchema,
  settings: {
    REPORTS_BUCKET: z.string().check(z.minLength(3)),
    TOPIC_ARN_HIGH: snsTopicArn,
    TOPIC_ARN_MEDIUM: snsTopicArn,
    TOPIC_ARN_LOW: snsTopicArn,
  },
  clients: () => ({ s3: s3Client, sns: snsClient }),
  handler: async (outcome, { settings, clients, clock, context }) => {
    // A report filed under the wrong environment would mislead the audit trail.
    assertSameIdentity('environment', outcome.environment, settings.ENVIRONMENT);
    const now = clock();
    const keys = reportKeys(outcome, now);
    const bucket = settings.REPORTS_BUCKET;
    const facts: ReportFacts = {
      now,
      severity: effectiveSeverity(outcome),
      links: reportLinks(outcome, {
        bucket,
        key: keys.markdown,
        region: settings.AWS_REGION,
        functionArn: context.invokedFunctionArn,
      }),
    };
    await Promise.all([
      clients.s3().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keys.json,
          Body: jsonReport(outcome, facts),
          ContentType: 'application/json',
        }),
      ),
      clients.s3().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keys.markdown,
          Body: markdownReport(outcome, facts),
          ContentType: 'text/markdown; charset=utf-8',
        }),
      ),
    ]);

    const reports = { bucket, json: keys.json, markdown: keys.markdown };
    const summary = { reports, severity: facts.severity, links: facts.links };
    const outcomeMetric = workflowOutcomeMetric(settings.ENVIRONMENT, outcome.workflow, outcome.status);
    if (!outcome.publish) {
      logger.info('Outcome reported without notification', { status: outcome.status, reports: keys });
      publishMetric(outcomeMetric, 1);
      return { ...summary, messageId: null };
    }

    const topics = { high: settings.TOPIC_ARN_HIGH, medium: settings.TOPIC_ARN_MEDIUM, low: settings.TOPIC_ARN_LOW };
    const { subject, message, attributes } = notification(outcome, `s3://${bucket}/${keys.markdown}`, facts);
    const published = await clients.sns().send(
      new PublishCommand({
        TopicArn: topics[facts.severity.effective],
        Subject: subject,
        Message: message,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );

    logger.info('Outcome reported', { status: outcome.status, severity: facts.severity, reports: keys });
    publishMetric(outcomeMetric, 1);
    return { ...summary, messageId: published.MessageId ?? null };
  },
});
