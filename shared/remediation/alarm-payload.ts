/**
 * The one parser of alarm payloads. Remediation is started by an EventBridge rule on "CloudWatch
 * Alarm State Change", but the same alarm reaches code in two more shapes, and all three become one
 * `AlarmStateChange` record:
 *   - EventBridge: `detail-type`, `source`, `detail` with the alarm;
 *   - SNS: `Records[].Sns.Message`, the alarm as a JSON string in PascalCase, `Region` a display name;
 *     a notification can carry several records (each becomes a record, duplicates included: they
 *     are deduplicated later on the alarm and its state-change time, never on the delivery id);
 *   - Lambda alarm action: `alarmArn`, `alarmData`, no `detail`.
 * Every alarm kind (metric, metric math, anomaly detection, composite, composite with suppressed
 * actions) is recognised. Anything else (configuration-change events, other detail-types, broken
 * timestamps, missing fields, text that is not JSON, an EventBridge envelope around `alarmData`)
 * throws ValidationError naming what is wrong, and nothing acts on it.
 */
import { ValidationError } from '../errors.js';
import { isAwsRegion } from '../schemas.js';
import * as z from '../zod.js';
import {
  type ALARM_STATES,
  type AlarmData,
  eventBridgeSchema,
  lambdaActionSchema,
  type SnsAlarmMessage,
  snsAlarmMessageSchema,
  snsEventSchema,
  snsRecordSchema,
} from './alarm-schemas.js';
import { toIsoUtc } from './alarm-time.js';
import { regionCodeOfDisplayName } from './regions.js';

/** An alarm state. */
export type AlarmState = (typeof ALARM_STATES)[number];

/** How the alarm evaluates: from its configuration (or, in SNS, its Trigger / AlarmRule). */
export type AlarmKind = 'metric' | 'metric-math' | 'anomaly-detection' | 'composite';

/** The envelope the state change arrived in. */
export type AlarmEnvelope = 'eventbridge' | 'sns' | 'lambda-action';

/** Why CloudWatch suppressed a composite alarm's actions. */
export type ActionsSuppressedBy = 'WaitPeriod' | 'ExtensionPeriod' | 'Alarm';

/** One alarm state change, whatever shape it arrived in. */
export interface AlarmStateChange {
  readonly envelope: AlarmEnvelope;
  readonly alarmName: string;
  /** @default undefined when an SNS message has no AlarmArn (older notifications) */
  readonly alarmArn: string | undefined;
  readonly accountId: string;
  /** Region code; undefined when SNS names a region this parser does not know and no ARN says it. */
  readonly region: string | undefined;
  readonly kind: AlarmKind;
  readonly state: AlarmState;
  readonly previousState: AlarmState;
  /** When the alarm changed state, ISO 8601 UTC with milliseconds: with the name, the dedupe key. */
  readonly stateChangedAt: string;
  readonly reason: string;
  /** Set while CloudWatch suppresses the (composite) alarm's actions: nothing is done then. */
  readonly actionsSuppressedBy: ActionsSuppressedBy | undefined;
  /** EventBridge event id or SNS MessageId: logged, never used to deduplicate (redeliveries keep it, retries may not). */
  readonly deliveryId: string | undefined;
}

/** Parses a payload (already JSON-decoded) into its alarm state changes; throws ValidationError when it is not one. */
export function parseAlarmPayload(payload: unknown): AlarmStateChange[] {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw rejected(`expected a JSON object, got ${describeValue(payload)}`);
  }
  const record = payload as Record<string, unknown>;
  if ('Records' in record) return parseSns(record);
  if ('detail-type' in record) return [parseEventBridge(record)];
  if ('alarmData' in record) return [parseLambdaAction(record)];
  throw rejected(
    `unknown payload shape with keys ${describeKeys(record)}: expected an EventBridge event ('detail-type'), ` +
      "an SNS notification ('Records[].Sns') or a Lambda alarm action ('alarmData')",
  );
}

/** Parses the text of a payload (a file, a log line); not JSON is a ValidationError too. */
export function parseAlarmPayloadText(text: string): AlarmStateChange[] {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text around the error: a binary file's control bytes must not reach the terminal.
    throw rejected(`not JSON: ${(error as Error).message.replace(/\p{Cc}/gu, '?')}`);
  }
  return parseAlarmPayload(payload);
}

function parseEventBridge(event: Record<string, unknown>): AlarmStateChange {
  const detailType = event['detail-type'];
  if (detailType !== 'CloudWatch Alarm State Change') {
    throw rejected(
      `EventBridge event with detail-type ${JSON.stringify(detailType)} from source ${JSON.stringify(event.source)}: ` +
        "only 'CloudWatch Alarm State Change' events start remediation",
    );
  }
  if (!('detail' in event) && 'alarmData' in event) {
    throw rejected("EventBridge event without 'detail' but with 'alarmData': a mix of two shapes, not an AWS event");
  }
  const parsed = check(eventBridgeSchema, event, 'EventBridge event', '');
  return fromAlarmData(parsed.detail, {
    envelope: 'eventbridge',
    alarmArn: parsed.resources[0],
    accountId: parsed.account,
    region: parsed.region,
    deliveryId: parsed.id,
  });
}

function parseLambdaAction(event: Record<string, unknown>): AlarmStateChange {
  const parsed = check(lambdaActionSchema, event, 'Lambda alarm action', '');
  return fromAlarmData(parsed.alarmData, {
    envelope: 'lambda-action',
    alarmArn: parsed.alarmArn,
    accountId: parsed.accountId,
    region: parsed.region,
    deliveryId: undefined,
  });
}

function parseSns(event: Record<string, unknown>): AlarmStateChange[] {
  const { Records } = check(snsEventSchema, event, 'SNS notification', '');
  return Records.map((raw, index) => {
    const path = `Records[${index}]`;
    const record = check(snsRecordSchema, raw, 'SNS notification', path);
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch (error) {
      throw rejected(`SNS notification: ${path}.Sns.Message is not JSON: ${(error as Error).message}`);
    }
    const alarm = check(snsAlarmMessageSchema, message, 'SNS notification', `${path}.Sns.Message`);
    return fromSnsMessage(alarm, record.Sns.MessageId);
  });
}

interface EnvelopeFields {
  readonly envelope: AlarmEnvelope;
  readonly alarmArn: string | undefined;
  readonly accountId: string;
  readonly region: string | undefined;
  readonly deliveryId: string | undefined;
}

function fromAlarmData(alarm: AlarmData, envelope: EnvelopeFields): AlarmStateChange {
  const { configuration } = alarm;
  return {
    ...envelope,
    alarmName: alarm.alarmName,
    kind: configuration.alarmRule !== undefined ? 'composite' : kindOfMetrics(configuration.metrics ?? []),
    state: alarm.state.value,
    previousState: alarm.previousState.value,
    stateChangedAt: toIsoUtc(alarm.state.timestamp),
    reason: alarm.state.reason,
    actionsSuppressedBy: alarm.state.actionsSuppressedBy,
  };
}

function fromSnsMessage(alarm: SnsAlarmMessage, messageId: string): AlarmStateChange {
  const arnRegion = alarm.AlarmArn?.split(':')[3];
  return {
    envelope: 'sns',
    alarmName: alarm.AlarmName,
    alarmArn: alarm.AlarmArn,
    accountId: alarm.AWSAccountId,
    region: arnRegion !== undefined && isAwsRegion(arnRegion) ? arnRegion : regionCodeOfDisplayName(alarm.Region),
    kind:
      alarm.AlarmRule !== undefined
        ? 'composite'
        : kindOfMetrics((alarm.Trigger?.Metrics ?? []).map((metric) => ({ expression: metric.Expression }))),
    state: alarm.NewStateValue,
    previousState: alarm.OldStateValue,
    stateChangedAt: toIsoUtc(alarm.StateChangeTime),
    reason: alarm.NewStateReason,
    actionsSuppressedBy: undefined,
    deliveryId: messageId,
  };
}

/** Anomaly detection is an expression on a band; any other expression is metric math. */
function kindOfMetrics(metrics: readonly { readonly expression?: string | undefined }[]): AlarmKind {
  const expressions = metrics.map((metric) => metric.expression).filter((e): e is string => e !== undefined);
  if (expressions.some((expression) => /ANOMALY_DETECTION_BAND\s*\(/i.test(expression))) return 'anomaly-detection';
  return expressions.length > 0 ? 'metric-math' : 'metric';
}

function check<Schema extends z.core.$ZodType>(
  schema: Schema,
  value: unknown,
  shape: string,
  prefix: string,
): z.infer<Schema> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${joinPath(prefix, issue.path)}: ${issue.message}`);
  throw new ValidationError(`malformed alarm payload (${shape}): ${issues.join('; ')}`, {
    issues,
    cause: result.error,
  });
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const joined = path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}${text === '' ? '' : '.'}${String(key)}`),
    prefix,
  );
  return joined === '' ? '(payload)' : joined;
}

function rejected(message: string): ValidationError {
  return new ValidationError(`malformed alarm payload: ${message}`, { issues: [message] });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function describeKeys(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  if (keys.length === 0) return '(none)';
  const shown = keys.slice(0, 6).map((key) => `'${key}'`);
  return keys.length > 6 ? `${shown.join(', ')}, ...` : shown.join(', ');
}
