import '../../../support/lambda-env.js';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/remediation-request-approval/handler.js';
import { approvalMessage } from '../../../../functions/remediation-request-approval/message.js';

const topic = 'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-high';
const sns = mockClient(SNSClient);
const handler = createHandler({
  env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', TOPIC_ARN_HIGH: topic },
  clients: { sns: () => new SNSClient({ region: 'us-east-1' }) },
});
const request = {
  workflow: 'alarm-remediation',
  execution: 'alarm-1',
  startedAt: '2026-03-01T12:00:00.000Z',
  taskToken: "AQB8-token-with-'quote",
  alarmName: 'interactions-prod-ecs-backend-healthy-tasks',
  alarmUrl: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/x',
  playbook: 'ecs-service-health',
  decided: 'A deployment started within 60 minutes: rolling back.',
  actions: [
    {
      kind: 'ecs:rollback',
      target: 'interactions-prod-backend',
      description: 'Roll interactions-prod-backend back from :8 to :7',
      parameters: {},
    },
  ],
  timeoutMinutes: 30,
};

beforeEach(() => sns.reset());

describe('remediation-request-approval', () => {
  it('publishes to the high topic what would be done and the exact approve and deny commands', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const result = await handler(request, {} as Context);

    const sent = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(result).toEqual({ messageId: 'm-1' });
    expect(sent?.TopicArn).toBe(topic);
    expect(sent?.Subject).toBe(
      '[interactions-prod] Approval needed: Roll interactions-prod-backend back from :8 to :7',
    );
    expect(sent?.Message).toContain('  1. Roll interactions-prod-backend back from :8 to :7');
    expect(sent?.Message).toContain('No answer within 30 minutes means DENY');
    // The token is shell-quoted, its own quote escaped.
    expect(sent?.Message).toContain(
      `send-task-success --task-token 'AQB8-token-with-'\\''quote' --task-output '{"approved":true,"approver":"YOUR-NAME"}'`,
    );
    expect(sent?.Message).toContain(
      `send-task-failure --task-token 'AQB8-token-with-'\\''quote' --error ApprovalDenied`,
    );
  });

  it('keeps the subject within the 100 characters SNS accepts', () => {
    const long = {
      ...request,
      environment: 'prod',
      actions: [{ ...request.actions[0], description: 'x'.repeat(300) }],
    } as never;

    expect(approvalMessage(long).subject).toHaveLength(100);
  });

  it('refuses a request without a task token before publishing', async () => {
    await expect(handler({ ...request, taskToken: '' }, {} as Context)).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(sns.calls()).toHaveLength(0);
  });
});
