/**
 * Last task of every workflow: writes the JSON and Markdown reports to the reports bucket, then
 * notifies the severity topic with a short message that links the report. Reports first, so the
 * evidence exists even if the notification fails (the state machine retries the whole task; both
 * writes are idempotent overwrites of the same keys).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { s3Client } from '../../shared/clients/s3.js';
import { snsClient } from '../../shared/clients/sns.js';
import { ValidationError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger, metrics } from '../../shared/powertools.js';
import { defineSettings, settings } from '../../shared/settings.js';
import * as z from '../../shared/zod.js';
import { jsonReport, markdownReport, notification, outcomeSchema, reportKeys } from './format-report.js';

const snsTopicArn = z
  .string()
  .check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'must be an SNS topic ARN'));

const env = defineSettings({
  REPORTS_BUCKET: z.string().check(z.minLength(3)),
  TOPIC_ARN_HIGH: snsTopicArn,
  TOPIC_ARN_MEDIUM: snsTopicArn,
  TOPIC_ARN_LOW: snsTopicArn,
});

const topicArns = { high: env.TOPIC_ARN_HIGH, medium: env.TOPIC_ARN_MEDIUM, low: env.TOPIC_ARN_LOW } as const;

export const handler = automationHandler({
  schema: outcomeSchema,
  handler: async (outcome) => {
    if (outcome.environment !== settings.ENVIRONMENT) {
      // A report filed under the wrong environment would mislead the audit trail.
      throw new ValidationError(`environment: ${outcome.environment} sent to the ${settings.ENVIRONMENT} notifier`);
    }
    const now = new Date();
    const keys = reportKeys(outcome, now);
    await Promise.all([
      s3Client().send(
        new PutObjectCommand({
          Bucket: env.REPORTS_BUCKET,
          Key: keys.json,
          Body: jsonReport(outcome, now),
          ContentType: 'application/json',
        }),
      ),
      s3Client().send(
        new PutObjectCommand({
          Bucket: env.REPORTS_BUCKET,
          Key: keys.markdown,
          Body: markdownReport(outcome, now),
          ContentType: 'text/markdown; charset=utf-8',
        }),
      ),
    ]);

    const reports = { bucket: env.REPORTS_BUCKET, json: keys.json, markdown: keys.markdown };
    metrics.addMetric(outcome.status === 'SUCCEEDED' ? 'WorkflowSucceeded' : 'WorkflowFailed', 'Count', 1);
    if (!outcome.publish) {
      logger.info('Outcome reported without notification', { status: outcome.status, reports: keys });
      return { reports, messageId: null };
    }

    const { subject, message, attributes } = notification(outcome, `s3://${env.REPORTS_BUCKET}/${keys.markdown}`);
    const published = await snsClient().send(
      new PublishCommand({
        TopicArn: topicArns[outcome.severity],
        Subject: subject,
        Message: message,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );

    logger.info('Outcome reported', { status: outcome.status, severity: outcome.severity, reports: keys });
    return { reports, messageId: published.MessageId ?? null };
  },
});
