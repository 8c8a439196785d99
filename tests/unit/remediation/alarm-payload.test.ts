/**
 * The alarm payload parser over real AWS payloads in every envelope (EventBridge, SNS, Lambda
 * alarm action) and alarm kind, and over malformed and foreign ones.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../../shared/errors.js';
import {
  type AlarmStateChange,
  parseAlarmPayload,
  parseAlarmPayloadText,
} from '../../../shared/remediation/alarm-payload.js';
import { parseAlarmTimestamp } from '../../../shared/remediation/alarm-time.js';
import { dedupeKey } from '../../../shared/remediation/decision.js';
import { fixturePath, readFixture } from '../../support/fixtures.js';

type Json = Record<string, unknown>;

/** The SNS fixture's message, decoded, for derived variants. */
function snsMessage(file: string): Json {
  const event = readFixture<{ Records: { Sns: { Message: string } }[] }>(file);
  return JSON.parse(event.Records[0]?.Sns.Message ?? '{}') as Json;
}

/** An SNS Lambda event carrying `message` (as SNS does: a JSON string). */
function snsEvent(message: Json | string): Json {
  const event = readFixture<{ Records: { Sns: Json }[] }>('sns-cloudwatch-alarm-single-metric-ALARM.rust-runtime.json');
  const record = event.Records[0] as { Sns: Json };
  return {
    Records: [
      { ...record, Sns: { ...record.Sns, Message: typeof message === 'string' ? message : JSON.stringify(message) } },
    ],
  };
}

function rejection(payload: unknown): string {
  try {
    parseAlarmPayload(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the payload to be rejected');
}

describe('parseAlarmPayload on real payloads', () => {
  const pick = (change: AlarmStateChange | undefined) => ({
    envelope: change?.envelope,
    alarmName: change?.alarmName,
    kind: change?.kind,
    state: change?.state,
    previousState: change?.previousState,
    stateChangedAt: change?.stateChangedAt,
    region: change?.region,
    actionsSuppressedBy: change?.actionsSuppressedBy,
  });

  it.each([
    [
      'cloudwatch-alarm-state-change-eventbridge-single-metric-ALARM.awsdocs.json',
      {
        envelope: 'eventbridge',
        alarmName: 'ServerCpuTooHigh',
        kind: 'metric',
        state: 'ALARM',
        previousState: 'OK',
        stateChangedAt: '2019-10-02T17:04:40.989Z',
        region: 'us-east-1',
        actionsSuppressedBy: undefined,
      },
    ],
    [
      'cloudwatch-alarm-state-change-eventbridge-metric-math-ALARM.awsdocs.json',
      {
        envelope: 'eventbridge',
        alarmName: 'TotalNetworkTrafficTooHigh',
        kind: 'metric-math',
        state: 'ALARM',
        previousState: 'INSUFFICIENT_DATA',
        stateChangedAt: '2019-10-02T17:20:48.554Z',
        region: 'us-east-1',
        actionsSuppressedBy: undefined,
      },
    ],
    [
      'cloudwatch-alarm-state-change-eventbridge-anomaly-detection-ALARM.awsdocs.json',
      {
        envelope: 'eventbridge',
        alarmName: 'EC2 CPU Utilization Anomaly',
        kind: 'anomaly-detection',
        state: 'ALARM',
        previousState: 'OK',
        stateChangedAt: '2019-10-03T16:00:04.653Z',
        region: 'us-east-1',
        actionsSuppressedBy: undefined,
      },
    ],
    [
      'cloudwatch-alarm-state-change-eventbridge-composite-with-suppressor.awsdocs.json',
      {
        envelope: 'eventbridge',
        alarmName: 'ServiceAggregatedAlarm',
        kind: 'composite',
        state: 'ALARM',
        previousState: 'OK',
        stateChangedAt: '2022-07-22T15:57:45.394Z',
        region: 'us-east-1',
        actionsSuppressedBy: 'WaitPeriod',
      },
    ],
    [
      'cloudwatch-alarm-lambda-action-single-metric-ALARM.powertools-python.json',
      {
        envelope: 'lambda-action',
        alarmName: 'Test alert',
        kind: 'metric',
        state: 'ALARM',
        previousState: 'OK',
        stateChangedAt: '2024-02-17T11:53:08.431Z',
        region: 'eu-west-1',
        actionsSuppressedBy: undefined,
      },
    ],
    [
      'cloudwatch-alarm-lambda-action-metric-math-ALARM.powertools-python.json',
      {
        envelope: 'lambda-action',
        alarmName: 'Test alert',
        kind: 'metric-math',
        state: 'ALARM',
        previousState: 'OK',
        stateChangedAt: '2024-02-17T11:53:08.431Z',
        region: 'eu-west-1',
        actionsSuppressedBy: undefined,
      },
    ],
    [
      // The previous state was suppressed, the new one is not: actions run.
      'cloudwatch-alarm-lambda-action-composite-ALARM.powertools-python.json',
      {
        envelope: 'lambda-action',
        alarmName: 'CompositeDemo.Main',
        kind: 'composite',
        state: 'ALARM',
        previousState: 'ALARM',
        stateChangedAt: '2023-08-04T12:56:46.138Z',
        region: 'us-east-1',
        actionsSuppressedBy: undefined,
      },
    ],
    [
      'sns-cloudwatch-alarm-single-metric-ALARM.rust-runtime.json',
      {
        envelope: 'sns',
        alarmName: 'EXAMPLE',
        kind: 'metric',
        state: 'ALARM',
        previousState: 'INSUFFICIENT_DATA',
        stateChangedAt: '2015-06-03T17:43:27.123Z',
        region: undefined,
        actionsSuppressedBy: undefined,
      },
    ],
  ])('normalises %s', (file, expected) => {
    // Act
    const changes = parseAlarmPayloadText(readFileSync(fixturePath(file), 'utf8'));

    // Assess
    expect(changes).toHaveLength(1);
    expect(pick(changes[0])).toEqual(expected);
  });

  it('keeps the EventBridge event id and the SNS MessageId as delivery ids only', () => {
    // Act
    const [eventBridge] = parseAlarmPayload(
      readFixture('cloudwatch-alarm-state-change-eventbridge-single-metric-ALARM.awsdocs.json'),
    );
    const [sns] = parseAlarmPayload(readFixture('sns-cloudwatch-alarm-single-metric-ALARM.rust-runtime.json'));

    // Assess
    expect(eventBridge?.deliveryId).toBe('c4c1c1c9-6542-e61b-6ef0-8c4d36933a92');
    expect(eventBridge?.alarmArn).toBe('arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh');
    expect(sns?.deliveryId).toBe('95df01b4-ee98-5cb9-9903-4c221d41eb5e');
  });

  it('returns every record of an SNS notification, the repeated ones with the same dedupe key', () => {
    // Act
    const changes = parseAlarmPayload(readFixture('sns-cloudwatch-alarm-metric-math-two-records.rust-runtime.json'));

    // Assess
    expect(changes.map((change) => change.kind)).toEqual(['metric-math', 'metric-math']);
    expect(new Set(changes.map((change) => dedupeKey(change))).size).toBe(1);
  });

  it('reads the region of an SNS message from its display name when the ARN does not say it', () => {
    // Prepare
    const base = snsMessage('sns-cloudwatch-alarm-single-metric-ALARM.rust-runtime.json');
    const { AlarmArn: _arn, ...withoutArn } = base;

    // Act
    const virginia = parseAlarmPayload(snsEvent({ ...withoutArn, Region: 'US East (N. Virginia)' }))[0];
    const ireland = parseAlarmPayload(snsEvent({ ...withoutArn, Region: 'EU - Ireland' }))[0];
    const fromArn = parseAlarmPayload(
      snsEvent({
        ...base,
        Region: 'US East (N. Virginia)',
        AlarmArn: 'arn:aws:cloudwatch:us-east-2:123456789012:alarm:x',
      }),
    )[0];

    // Assess
    expect(virginia?.region).toBe('us-east-1');
    expect(ireland?.region).toBe('eu-west-1');
    expect(fromArn?.region).toBe('us-east-2');
  });

  it('recognises a composite alarm in an SNS message by its AlarmRule', () => {
    // Prepare
    const { Trigger: _trigger, ...message } = snsMessage('sns-cloudwatch-alarm-single-metric-ALARM.rust-runtime.json');

    // Act
    const [change] = parseAlarmPayload(snsEvent({ ...message, AlarmRule: 'ALARM(a) OR ALARM(b)' }));

    // Assess
    expect(change?.kind).toBe('composite');
  });

  it('reads an OK state change (AWS publishes none: derived from the single-metric event)', () => {
    // Prepare
    const event = readFixture<Json & { detail: Json }>(
      'cloudwatch-alarm-state-change-eventbridge-single-metric-ALARM.awsdocs.json',
    );
    const detail = event.detail as { state: Json; previousState: Json };
    const ok = { ...event, detail: { ...event.detail, state: detail.previousState, previousState: detail.state } };

    // Act
    const [change] = parseAlarmPayload(ok);

    // Assess
    expect([change?.state, change?.previousState, change?.stateChangedAt]).toEqual([
      'OK',
      'ALARM',
      '2019-10-01T13:56:40.987Z',
    ]);
  });
});

describe('parseAlarmPayload rejects', () => {
  it('a configuration-change event, naming its detail-type', () => {
    expect(
      rejection(readFixture('cloudwatch-alarm-configuration-change-eventbridge-update-metric-alarm.awsdocs.json')),
    ).toBe(
      'malformed alarm payload: EventBridge event with detail-type "CloudWatch Alarm Configuration Change" from source "aws.cloudwatch": only \'CloudWatch Alarm State Change\' events start remediation',
    );
  });

  it('an event of another service', () => {
    expect(rejection(readFixture('eventbridge-scheduled-event.rust-runtime.json'))).toContain(
      'detail-type "Scheduled Event" from source "aws.events"',
    );
  });

  it('an EventBridge envelope around alarmData (a mixed shape)', () => {
    expect(rejection(readFixture('HYBRID-eventbridge-envelope-with-alarmData-composite.rust-runtime.json'))).toContain(
      "EventBridge event without 'detail' but with 'alarmData'",
    );
  });

  it('the published sample with broken timestamps and a space in its ARN, naming each field', () => {
    // Act
    const message = rejection(
      readFixture(
        'cloudwatch-alarm-lambda-action-metric-INSUFFICIENT_DATA-to-ALARM-malformed-timestamps.rust-runtime.json',
      ),
    );

    // Assess
    expect(message).toMatch(/^malformed alarm payload \(Lambda alarm action\): /);
    for (const field of [
      'alarmArn: must be a CloudWatch alarm ARN',
      'time: must be a timestamp',
      'alarmData.state.timestamp: must be a timestamp',
      'alarmData.previousState.timestamp',
    ]) {
      expect(message).toContain(field);
    }
  });

  it('a state change missing its timestamp and state value', () => {
    // Prepare
    const event = readFixture<Json & { detail: { state: Json } }>(
      'cloudwatch-alarm-state-change-eventbridge-single-metric-ALARM.awsdocs.json',
    );
    const { timestamp: _t, value: _v, ...state } = event.detail.state;

    // Act
    const message = rejection({ ...event, detail: { ...event.detail, state } });

    // Assess
    expect(message).toContain('detail.state.value: must be one of OK, ALARM, INSUFFICIENT_DATA');
    expect(message).toContain('detail.state.timestamp:');
  });

  it('a state-change time that does not exist (30 February)', () => {
    // Prepare
    const message = snsMessage('sns-cloudwatch-alarm-single-metric-ALARM.rust-runtime.json');

    // Act, Assess
    expect(rejection(snsEvent({ ...message, StateChangeTime: '2015-02-30T17:43:27.123+0000' }))).toContain(
      'Records[0].Sns.Message.StateChangeTime: must be a timestamp',
    );
  });

  it('an SNS record whose message is not JSON', () => {
    expect(rejection(snsEvent('ALARM: "x" in US East (N. Virginia)'))).toMatch(
      /Records\[0\]\.Sns\.Message is not JSON/,
    );
  });

  it('an SNS message that is not an alarm', () => {
    expect(rejection(snsEvent({ hello: 'world' }))).toContain('Records[0].Sns.Message.AlarmName');
  });

  it('an SNS notification without records, and a record of another source', () => {
    expect(rejection({ Records: [] })).toContain('Records: must hold at least one record');
    expect(rejection({ Records: [{ EventSource: 'aws:sqs', body: '{}' }] })).toContain('Records[0].EventSource');
  });

  it('a metric alarm configuration with neither metrics nor alarmRule', () => {
    // Prepare
    const event = readFixture<Json & { alarmData: Json }>(
      'cloudwatch-alarm-lambda-action-single-metric-ALARM.powertools-python.json',
    );

    // Act, Assess
    expect(rejection({ ...event, alarmData: { ...event.alarmData, configuration: {} } })).toContain(
      'alarmData.configuration: must have metrics (a metric alarm) or alarmRule (a composite alarm)',
    );
  });

  it('text that is not JSON, JSON that is not an object, and an object of unknown shape', () => {
    expect(() => parseAlarmPayloadText('{"detail-type":')).toThrow(/^malformed alarm payload: not JSON: /);
    expect(rejection([1, 2])).toBe('malformed alarm payload: expected a JSON object, got an array');
    expect(rejection(null)).toBe('malformed alarm payload: expected a JSON object, got null');
    expect(rejection({ DeploymentId: 'd-1' })).toContain("unknown payload shape with keys 'DeploymentId'");
  });

  it('a binary file, without its control bytes in the one-line error (they would reach the terminal)', () => {
    // Prepare
    const binary = '\u001b]0;owned\u0007\u0000\u0001{\u001b[2J';

    // Act
    const error = (() => {
      try {
        parseAlarmPayloadText(binary);
      } catch (thrown) {
        return (thrown as Error).message;
      }
      return '';
    })();

    // Assess
    expect(error).toMatch(/^malformed alarm payload: not JSON: /);
    expect(error).not.toMatch(/\p{Cc}/u);
  });
});

describe('parseAlarmTimestamp', () => {
  it.each([
    ['2019-10-02T17:04:40.989+0000', Date.UTC(2019, 9, 2, 17, 4, 40, 989)],
    ['2019-10-02T17:04:40Z', Date.UTC(2019, 9, 2, 17, 4, 40)],
    ['2019-10-02T19:04:40.989+02:00', Date.UTC(2019, 9, 2, 17, 4, 40, 989)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, expected) => {
    expect(parseAlarmTimestamp(text)).toBe(expected);
  });

  it.each([
    '2023-08-04T12: 36: 15.490+0000',
    '2023-02-29T00:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-01-01T24:00:00Z',
    '2023-01-01 00:00:00Z',
    '2023-01-01T00:00:00',
  ])('refuses %s', (text) => {
    expect(parseAlarmTimestamp(text)).toBeUndefined();
  });
});
