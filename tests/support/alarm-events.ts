/**
 * Alarm state-change payloads for the platform's own alarms, derived from the real AWS samples in
 * tests/fixtures (the EventBridge single-metric event and the SNS single-metric notification) with
 * the alarm's name, states and times replaced. Used by the remediation tests and the storm bench.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, unknown>;

/**
 * A fixture of tests/fixtures, found from the working directory (the repository root under jest and
 * `npm run bench`): fixtures.ts locates it with `__dirname`, which the bench's ESM (tsx) does not have.
 */
function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(join(process.cwd(), 'tests', 'fixtures', file), 'utf8')) as T;
}

/** What varies between two alarm state changes. */
export interface AlarmEventSpec {
  readonly alarmName: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** @default the opposite of `state` (OK for ALARM, ALARM otherwise) */
  readonly previousState?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** State-change time, ISO 8601. */
  readonly at: string;
  /** EventBridge event id / SNS MessageId. @default derived from name, state and time */
  readonly deliveryId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
}

const EVENTBRIDGE = readFixture<Json & { detail: Json & { state: Json; previousState: Json } }>(
  'cloudwatch-alarm-state-change-eventbridge-single-metric-ALARM.awsdocs.json',
);
const SNS = readFixture<{ Records: { Sns: Json }[] }>('sns-cloudwatch-alarm-single-metric-ALARM.rust-runtime.json');
const SNS_MESSAGE = JSON.parse(String(SNS.Records[0]?.Sns.Message)) as Json;

/** CloudWatch's own timestamp format: `2019-10-02T17:04:40.989+0000`. */
function cloudWatchTime(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000');
}

function defaults(spec: AlarmEventSpec) {
  return {
    previous: spec.previousState ?? (spec.state === 'ALARM' ? 'OK' : 'ALARM'),
    deliveryId: spec.deliveryId ?? `${spec.alarmName}-${spec.state}-${spec.at}`,
    region: spec.region ?? 'us-east-1',
  };
}

/** An EventBridge "CloudWatch Alarm State Change" event. */
export function eventBridgeAlarmEvent(spec: AlarmEventSpec): Json {
  const { previous, deliveryId, region } = defaults(spec);
  const arn = `arn:aws:cloudwatch:${region}:123456789012:alarm:${spec.alarmName}`;
  const previousAt = new Date(Date.parse(spec.at) - 60_000).toISOString();
  return {
    ...EVENTBRIDGE,
    id: deliveryId,
    time: `${spec.at.slice(0, 19)}Z`,
    region,
    resources: [arn],
    detail: {
      ...EVENTBRIDGE.detail,
      alarmName: spec.alarmName,
      state: { ...EVENTBRIDGE.detail.state, value: spec.state, timestamp: cloudWatchTime(spec.at) },
      previousState: { ...EVENTBRIDGE.detail.previousState, value: previous, timestamp: cloudWatchTime(previousAt) },
    },
  };
}

/** An SNS notification (as Lambda receives it) with one record per `copies`. */
export function snsAlarmEvent(spec: AlarmEventSpec, copies = 1): Json {
  const { previous, deliveryId, region } = defaults(spec);
  const message = {
    ...SNS_MESSAGE,
    AlarmName: spec.alarmName,
    AWSAccountId: '123456789012',
    NewStateValue: spec.state,
    OldStateValue: previous,
    StateChangeTime: cloudWatchTime(spec.at),
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:${region}:123456789012:alarm:${spec.alarmName}`,
  };
  const record = {
    ...SNS.Records[0],
    Sns: { ...SNS.Records[0]?.Sns, MessageId: deliveryId, Message: JSON.stringify(message) },
  };
  return { Records: Array.from({ length: copies }, () => record) };
}
