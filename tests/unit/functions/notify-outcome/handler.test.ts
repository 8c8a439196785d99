/**
 * notify-outcome against a real S3 API (s3rver on loopback) and a mocked SNS.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type LocalS3, startLocalS3, useLocalS3ForHandlers } from '../../../support/s3-server.js';

const bucket = 'interactions-dev-automation-reports';
const topics = {
  high: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-high',
  medium: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-medium',
  low: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-low',
};
process.env.ENVIRONMENT = 'dev';
process.env.REPORTS_BUCKET = bucket;
process.env.TOPIC_ARN_HIGH = topics.high;
process.env.TOPIC_ARN_MEDIUM = topics.medium;
process.env.TOPIC_ARN_LOW = topics.low;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let handler: Handler;
let s3: LocalS3;
let restoreEnv: () => void;
const sns = mockClient(SNSClient);
const context = { functionName: 'interactions-dev-notify-outcome', awsRequestId: 'r1' } as Context;

beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
  restoreEnv = useLocalS3ForHandlers(s3);
  ({ handler } = await import('../../../../functions/notify-outcome/handler.js'));
});
afterAll(async () => {
  restoreEnv();
  await s3.stop();
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

const outcome = {
  workflow: 'backup-verification',
  environment: 'dev',
  execution: 'nightly-2025-01-15',
  startedAt: '2025-01-15T02:00:00.000Z',
  status: 'FAILED',
  severity: 'medium',
  summary: 'Newest automated backup is 31 hours old',
  details: { backupAgeHours: 31 },
  error: 'VerificationFailedError',
  cause: '{"errorType":"VerificationFailedError","errorMessage":"backup age 31 h > 26 h"}',
};

async function readObject(key: string): Promise<{ body: string; contentType: string | undefined }> {
  const object = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { body: (await object.Body?.transformToString()) ?? '', contentType: object.ContentType };
}

describe('notify-outcome handler', () => {
  it('writes both reports and notifies the topic of the severity', async () => {
    // Act
    const result = await handler(outcome, context);

    // Assess
    const jsonKey = 'reports/backup-verification/2025/01/nightly-2025-01-15.json';
    const markdownKey = 'reports/backup-verification/2025/01/nightly-2025-01-15.md';
    expect(result).toEqual({ reports: { bucket, json: jsonKey, markdown: markdownKey }, messageId: 'msg-1' });

    const json = await readObject(jsonKey);
    expect(json.contentType).toBe('application/json');
    expect(JSON.parse(json.body)).toMatchObject({ ...outcome, causeMessage: 'backup age 31 h > 26 h' });
    const markdown = await readObject(markdownKey);
    expect(markdown.contentType).toBe('text/markdown; charset=utf-8');
    expect(markdown.body).toContain('# backup-verification FAILED: dev');

    const publishes = sns.commandCalls(PublishCommand);
    expect(publishes).toHaveLength(1);
    const input = publishes[0]?.args[0].input;
    expect(input?.TopicArn).toBe(topics.medium);
    expect(input?.Subject).toBe('[dev] backup-verification FAILED');
    expect(input?.Message).toContain(`Report: s3://${bucket}/${markdownKey}`);
    expect(input?.MessageAttributes?.severity).toEqual({ DataType: 'String', StringValue: 'medium' });
  });

  it.each([
    ['high', topics.high],
    ['low', topics.low],
  ])('routes severity %s to its topic', async (severity, topic) => {
    await handler({ ...outcome, severity, status: 'SUCCEEDED', execution: `sev-${severity}` }, context);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(topic);
  });

  it('files the reports without notifying when publish is false (a quiet all-ok run)', async () => {
    const result = await handler(
      { ...outcome, status: 'SUCCEEDED', execution: 'quiet-night', publish: false },
      context,
    );
    const jsonKey = 'reports/backup-verification/2025/01/quiet-night.json';
    expect(result).toEqual({
      reports: { bucket, json: jsonKey, markdown: jsonKey.replace(/json$/, 'md') },
      messageId: null,
    });
    expect(JSON.parse((await readObject(jsonKey)).body)).toMatchObject({ status: 'SUCCEEDED' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('rejects a malformed outcome before writing or publishing anything', async () => {
    const failure = handler({ ...outcome, execution: 'bad-input', severity: 'urgent', summary: '' }, context);
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(failure).rejects.toThrow(/severity: .*summary: /);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    await expect(readObject('reports/backup-verification/2025/01/bad-input.json')).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('refuses an outcome of another environment', async () => {
    await expect(handler({ ...outcome, environment: 'prod', execution: 'other-env' }, context)).rejects.toThrow(
      'environment: prod sent to the dev notifier',
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('fails as RetryableError when SNS throttles, after the reports are written', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: {} }));
    await expect(handler({ ...outcome, execution: 'throttled' }, context)).rejects.toMatchObject({
      name: 'RetryableError',
      retryable: true,
    });
    expect((await readObject('reports/backup-verification/2025/01/throttled.md')).body).toContain('throttled');
  });
});
