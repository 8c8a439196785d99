/**
 * notify-outcome against a real S3 API (s3rver on loopback, its client injected) and a mocked SNS.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/notify-outcome/handler.js';
import { workflowSucceededMetric } from '../../../../shared/metrics-contract.js';
import { type LocalS3, startLocalS3 } from '../../../support/s3-server.js';

const bucket = 'interactions-dev-automation-reports';
const topics = {
  high: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-high',
  medium: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-medium',
  low: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-low',
};
const env = {
  ENVIRONMENT: 'dev',
  AWS_REGION: 'us-east-1',
  REPORTS_BUCKET: bucket,
  TOPIC_ARN_HIGH: topics.high,
  TOPIC_ARN_MEDIUM: topics.medium,
  TOPIC_ARN_LOW: topics.low,
};
const now = new Date('2025-01-15T02:30:00.000Z');

type Handler = ReturnType<typeof createHandler>;
let handler: Handler;
let s3: LocalS3;
const sns = mockClient(SNSClient);
const snsClient = new SNSClient({ region: 'us-east-1' });
const context = {
  functionName: 'interactions-dev-notify-outcome',
  awsRequestId: 'r1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:interactions-dev-notify-outcome',
} as Context;

beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
  handler = createHandler({ env, clients: { s3: () => s3.client, sns: () => snsClient }, clock: () => now });
});
afterAll(async () => {
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

/** The EMF lines (JSON with `_aws`) printed while `act` runs, with metrics enabled for it. */
async function captureEmf(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await act().catch(() => undefined);
  } finally {
    out.mockRestore();
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => '_aws' in line);
}

/** The EMF lines that carry `metricName`. */
function linesOf(emf: Record<string, unknown>[], metricName: string): Record<string, unknown>[] {
  return emf.filter((line) => metricName in line);
}

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
    expect(result).toMatchObject({ reports: { bucket, json: jsonKey, markdown: markdownKey }, messageId: 'msg-1' });

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
    expect(result).toMatchObject({
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
      "environment: prod does not match the function's own environment dev",
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

  it('sends an operator error to the low topic, and records both severities in the report', async () => {
    // Prepare: a bad manual request the workflow reports at its failure severity, high.
    const rejected = {
      ...outcome,
      workflow: 'on-demand-snapshot',
      execution: 'bad-request',
      severity: 'high',
      error: 'ValidationError',
      cause: '{"errorType":"ValidationError","errorMessage":"snapshotName: must be lowercase"}',
    };
    // Act
    const result = await handler(rejected, context);
    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(topics.low);
    expect(input?.MessageAttributes?.severity).toEqual({ DataType: 'String', StringValue: 'low' });
    expect(input?.MessageAttributes?.requestedSeverity).toEqual({ DataType: 'String', StringValue: 'high' });
    expect(result).toMatchObject({ severity: { requested: 'high', effective: 'low', operatorError: 'input' } });
    const report = JSON.parse((await readObject('reports/on-demand-snapshot/2025/01/bad-request.json')).body);
    expect(report).toMatchObject({ severity: 'high', requestedSeverity: 'high', effectiveSeverity: 'low' });
  });

  it('still pages when an unattended workflow fails with ValidationError (its own bug or a tampered event)', async () => {
    // Prepare: the nightly backup verification rejected its own input: nobody's manual request.
    const failed = { ...outcome, execution: 'nightly-invalid', severity: 'high', error: 'ValidationError' };
    // Act
    const result = await handler(failed, context);
    // Assess
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(topics.high);
    expect(result).toMatchObject({ severity: { requested: 'high', effective: 'high', operatorError: null } });
  });

  it('still pages for a real failure at high severity', async () => {
    await handler({ ...outcome, execution: 'real-failure', severity: 'high', error: 'ResourceFailedError' }, context);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(topics.high);
  });

  it('links the execution and the report in the console, from the function ARN when no executionArn is given', async () => {
    await handler({ ...outcome, execution: 'linked' }, context);

    const message = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:interactions-dev-backup-verification:linked';
    expect(message).toContain(
      `Execution in the console: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${arn}`,
    );
    expect(message).toContain(
      `Report in the console: https://us-east-1.console.aws.amazon.com/s3/object/${bucket}?region=us-east-1&bucketType=general&prefix=reports%2Fbackup-verification%2F2025%2F01%2Flinked.md`,
    );
    const markdown = (await readObject('reports/backup-verification/2025/01/linked.md')).body;
    expect(markdown).toContain(
      `[open](https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${arn})`,
    );
  });

  it('links the executionArn the state machine passes, and rejects one of another execution', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:interactions-dev-backup-verification:given';
    await handler({ ...outcome, execution: 'given', executionArn: arn }, context);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${arn}`,
    );

    await expect(handler({ ...outcome, execution: 'other', executionArn: arn }, context)).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it.each([
    ['another region', 'arn:aws:states:eu-west-1:123456789012:execution:interactions-dev-backup-verification:given'],
    ['another account', 'arn:aws:states:us-east-1:210987654321:execution:interactions-dev-backup-verification:given'],
    [
      'another environment',
      'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-backup-verification:given',
    ],
  ])('rejects an executionArn of %s before publishing anything', async (_case, arn) => {
    sns.reset();
    const failure = handler({ ...outcome, execution: 'given', executionArn: arn }, context);
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(failure).rejects.toThrow(/executionArn: .* in us-east-1 of account 123456789012/);
    expect(sns.calls()).toHaveLength(0);
  });

  it('omits the execution link when the function cannot know its account', async () => {
    const result = await handler({ ...outcome, execution: 'no-account' }, { awsRequestId: 'r2' } as Context);
    expect(result).toMatchObject({ links: { execution: null } });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).not.toContain('Execution in the console');
  });
});

describe('notify-outcome WorkflowSucceeded (what the dead-man alarm watches)', () => {
  it('prints WorkflowSucceeded with exactly service, environment and workflow for a SUCCEEDED outcome', async () => {
    // Act
    const emf = await captureEmf(() =>
      handler({ ...outcome, status: 'SUCCEEDED', severity: 'low', execution: 'nightly-ok' }, context),
    );

    // Assess
    const [line, ...more] = linesOf(emf, 'WorkflowSucceeded');
    expect(more).toHaveLength(0);
    expect(line).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Interactions/Automation',
            Dimensions: [['service', 'environment', 'workflow']],
            Metrics: [{ Name: 'WorkflowSucceeded', Unit: 'Count' }],
          },
        ],
      },
      service: 'interactions-dev-notify-outcome',
      environment: 'dev',
      workflow: 'backup-verification',
      WorkflowSucceeded: 1,
    });
    // The same descriptor builds the dead-man alarm's metric (tests/infra/workflow-monitoring.test.ts).
    const contract = workflowSucceededMetric('dev', 'backup-verification');
    type Directive = { Namespace: string; Dimensions: string[][] };
    const directive = (line?._aws as { CloudWatchMetrics: Directive[] } | undefined)?.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe(contract.namespace);
    expect([...(directive?.Dimensions[0] ?? [])].sort()).toEqual(Object.keys(contract.dimensions).sort());
    expect(line).toMatchObject({ ...contract.dimensions, [contract.metricName]: 1 });
  });

  it('counts a quiet all-ok run filed without notification', async () => {
    // Act
    const emf = await captureEmf(() =>
      handler({ ...outcome, status: 'SUCCEEDED', execution: 'quiet-ok', publish: false }, context),
    );

    // Assess
    expect(linesOf(emf, 'WorkflowSucceeded')).toEqual([
      expect.objectContaining({ workflow: 'backup-verification', WorkflowSucceeded: 1 }),
    ]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('counts a FAILED outcome as WorkflowFailed, never as a success', async () => {
    // Act
    const emf = await captureEmf(() => handler({ ...outcome, execution: 'failed-night' }, context));

    // Assess
    expect(linesOf(emf, 'WorkflowSucceeded')).toHaveLength(0);
    expect(linesOf(emf, 'WorkflowFailed')).toEqual([expect.objectContaining({ WorkflowFailed: 1 })]);
  });

  it('counts no success when the notification fails (the attempt is retried)', async () => {
    // Prepare
    sns.on(PublishCommand).rejects(new Error('SNS unavailable'));

    // Act
    const emf = await captureEmf(() => handler({ ...outcome, status: 'SUCCEEDED', execution: 'sns-down' }, context));

    // Assess
    expect(linesOf(emf, 'WorkflowSucceeded')).toHaveLength(0);
  });
});
