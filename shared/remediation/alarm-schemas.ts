/**
 * Zod schemas of the three shapes an alarm state change arrives in (see alarm-payload.ts). They
 * require what remediation reads and let AWS add fields: unknown keys are dropped, not refused.
 */
import { isAwsRegion } from '../schemas.js';
import * as z from '../zod.js';
import { isAlarmTimestamp } from './alarm-time.js';

/** The three alarm states. */
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;

const nonEmpty = z.string().check(z.minLength(1, 'must not be empty'));
const stateValue = z.enum(ALARM_STATES, { error: `must be one of ${ALARM_STATES.join(', ')}` });
const timestamp = z
  .string()
  .check(z.refine(isAlarmTimestamp, 'must be a timestamp like 2019-10-02T17:04:40.989+0000 or ...40Z'));
const regionCode = z.string().check(z.refine(isAwsRegion, 'must be an AWS region code such as us-east-1'));
/** Region and account are left loose (published SNS samples write REGION/ACCOUNT_NUMBER), but not blank. */
const alarmArn = z
  .string()
  .check(z.regex(/^arn:aws[a-z-]*:cloudwatch:[^:\s]+:[^:\s]+:alarm:\S.*$/, 'must be a CloudWatch alarm ARN'));

/** `state` / `previousState` of EventBridge `detail` and Lambda `alarmData`. */
const stateSchema = z.object({
  value: stateValue,
  reason: z.string(),
  reasonData: z.optional(z.string()),
  timestamp,
  actionsSuppressedBy: z.optional(z.enum(['WaitPeriod', 'ExtensionPeriod', 'Alarm'])),
  actionsSuppressedReason: z.optional(z.string()),
});

const metricQuerySchema = z.object({
  id: nonEmpty,
  expression: z.optional(z.string()),
  metricStat: z.optional(z.object({ metric: z.object({ namespace: z.string(), name: z.string() }) })),
});

/** The alarm under `detail` (EventBridge) or `alarmData` (Lambda action). */
export const alarmDataSchema = z.object({
  alarmName: nonEmpty,
  state: stateSchema,
  previousState: stateSchema,
  configuration: z
    .object({
      metrics: z.optional(z.array(metricQuerySchema).check(z.minLength(1, 'must list at least one metric'))),
      alarmRule: z.optional(nonEmpty),
      actionsSuppressor: z.optional(z.string()),
    })
    .check(
      z.refine(
        (configuration) => configuration.metrics !== undefined || configuration.alarmRule !== undefined,
        'must have metrics (a metric alarm) or alarmRule (a composite alarm)',
      ),
    ),
});
export type AlarmData = z.infer<typeof alarmDataSchema>;

/** EventBridge "CloudWatch Alarm State Change" (the rule that starts remediation). */
export const eventBridgeSchema = z.object({
  id: nonEmpty,
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: nonEmpty,
  time: timestamp,
  region: regionCode,
  resources: z.array(alarmArn).check(z.minLength(1, 'must name the alarm ARN')),
  detail: alarmDataSchema,
});

/** What CloudWatch sends when it invokes a Lambda function directly as an alarm action. */
export const lambdaActionSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmArn,
  accountId: nonEmpty,
  time: timestamp,
  region: regionCode,
  alarmData: alarmDataSchema,
});

/** The alarm inside an SNS notification's `Message` (a JSON string, PascalCase fields). */
export const snsAlarmMessageSchema = z
  .object({
    AlarmName: nonEmpty,
    AWSAccountId: nonEmpty,
    NewStateValue: stateValue,
    NewStateReason: z.string(),
    StateChangeTime: timestamp,
    Region: nonEmpty,
    AlarmArn: z.optional(alarmArn),
    OldStateValue: stateValue,
    Trigger: z.optional(
      z.object({
        MetricName: z.optional(z.string()),
        Metrics: z.optional(z.array(z.object({ Id: nonEmpty, Expression: z.optional(z.string()) }))),
      }),
    ),
    AlarmRule: z.optional(nonEmpty),
  })
  .check(
    z.refine(
      (message) =>
        message.AlarmRule !== undefined ||
        message.Trigger?.MetricName !== undefined ||
        message.Trigger?.Metrics !== undefined,
      'must have Trigger.MetricName or Trigger.Metrics (a metric alarm) or AlarmRule (a composite alarm)',
    ),
  );
export type SnsAlarmMessage = z.infer<typeof snsAlarmMessageSchema>;

/** One SNS record as Lambda receives it. */
export const snsRecordSchema = z.object({
  EventSource: z.literal('aws:sns'),
  Sns: z.object({
    Type: z.literal('Notification'),
    MessageId: nonEmpty,
    Message: z.string(),
  }),
});

/** An SNS notification invoking Lambda: one or more records. */
export const snsEventSchema = z.object({
  Records: z.array(z.unknown()).check(z.minLength(1, 'must hold at least one record')),
});
