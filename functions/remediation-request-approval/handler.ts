/**
 * The approval step's task (`waitForTaskToken`): publishes the approval request to the high topic
 * (message.ts) and returns; the execution waits until an approver sends the token back, or the
 * task's timeout denies.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { snsClient } from '../../shared/clients/sns.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { plannedActionSchema } from '../../workflows/alarm-remediation/contract.js';
import { approvalMessage } from './message.js';

const inputSchema = z.object({
  ...executionContextSchema.shape,
  taskToken: z.string().check(z.minLength(1)),
  alarmName: z.string().check(z.minLength(1)),
  alarmUrl: z.nullable(z.string()),
  playbook: z.string().check(z.minLength(1)),
  decided: z.string(),
  actions: z.array(plannedActionSchema),
  timeoutMinutes: z.number().check(z.positive()),
});

export const { handler, createHandler } = automationHandler({
  workflow: 'alarm-remediation',
  schema: inputSchema,
  settings: {
    TOPIC_ARN_HIGH: z
      .string()
      .check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'must be an SNS topic ARN')),
  },
  clients: () => ({ sns: snsClient }),
  handler: async (input, { settings, clients }) => {
    const { subject, body } = approvalMessage({ ...input, environment: settings.ENVIRONMENT });
    const published = await clients
      .sns()
      .send(new PublishCommand({ TopicArn: settings.TOPIC_ARN_HIGH, Subject: subject, Message: body }));
    return { messageId: published.MessageId ?? null };
  },
});
