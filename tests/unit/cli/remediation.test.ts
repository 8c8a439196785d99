/**
 * `remediation plan` and `remediation replay`: exit codes, JSON output and errors (one line, no
 * stack trace), from payload files alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventBridgeAlarmEvent, snsAlarmEvent } from '../../support/alarm-events.js';
import { fixturePath } from '../../support/fixtures.js';
import { run } from './harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'remediation-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// Before the harness's fixed clock (2025-06-01): plan rejects a change dated after now.
const at = (minute: number) => new Date(Date.parse('2025-03-03T10:00:00Z') + minute * 60_000).toISOString();
const API = 'interactions-prod-api-error-rate';

describe('remediation plan', () => {
  it('prints the decision for a payload of the environment and exits 0', async () => {
    // Prepare
    const event = file(
      'ecs.json',
      JSON.stringify(
        eventBridgeAlarmEvent({ alarmName: 'interactions-prod-ecs-frontend-healthy-tasks', state: 'ALARM', at: at(0) }),
      ),
    );

    // Act
    const result = await run(['remediation', 'plan', 'prod', '--event', event]);

    // Assess
    expect([result.code, result.stderr]).toEqual([0, '']);
    const output = JSON.parse(result.stdout);
    expect(output.environment).toBe('prod');
    expect(output.guardrails).toMatchObject({ approvalRequired: true, dryRun: false, killSwitch: false });
    expect(output.decisions).toHaveLength(1);
    expect(output.decisions[0]).toMatchObject({
      decision: 'act',
      reason: 'needs-approval',
      playbook: 'ecs-service-health',
      cooldownSeconds: 1800,
      decidedAt: at(0),
    });
  });

  it('exits 0 when the decision is to do nothing (no playbook, OK state, suppressed actions)', async () => {
    // Prepare
    const foreign = fixturePath('cloudwatch-alarm-state-change-eventbridge-single-metric-ALARM.awsdocs.json');
    const ok = file('ok.json', JSON.stringify(eventBridgeAlarmEvent({ alarmName: API, state: 'OK', at: at(0) })));
    const suppressed = fixturePath('cloudwatch-alarm-state-change-eventbridge-composite-with-suppressor.awsdocs.json');

    // Act
    const results = await Promise.all(
      [foreign, ok, suppressed].map((path) => run(['remediation', 'plan', 'prod', '--event', path])),
    );

    // Assess
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(results.map((r) => JSON.parse(r.stdout).decisions[0].reason)).toEqual([
      'no-playbook',
      'not-in-alarm',
      'actions-suppressed',
    ]);
  });

  it('decides each record of an SNS notification, the repeated one as a duplicate', async () => {
    // Prepare
    const event = file('sns.json', JSON.stringify(snsAlarmEvent({ alarmName: API, state: 'ALARM', at: at(0) }, 2)));

    // Act
    const result = await run(['remediation', 'plan', 'prod', '--event', event]);

    // Assess
    expect(JSON.parse(result.stdout).decisions.map((d: { reason: string }) => d.reason)).toEqual([
      'needs-approval',
      'duplicate',
    ]);
  });

  it('exits 1 naming what is wrong with a foreign or malformed payload, without a stack trace', async () => {
    // Prepare
    const configChange = fixturePath(
      'cloudwatch-alarm-configuration-change-eventbridge-update-metric-alarm.awsdocs.json',
    );
    const brokenTimes = fixturePath(
      'cloudwatch-alarm-lambda-action-metric-INSUFFICIENT_DATA-to-ALARM-malformed-timestamps.rust-runtime.json',
    );
    const notJson = file('not.json', 'ALARM: "x" in US East (N. Virginia)');

    // Act
    const [change, times, text] = await Promise.all(
      [configChange, brokenTimes, notJson].map((path) => run(['remediation', 'plan', 'prod', '--event', path])),
    );

    // Assess
    expect([change?.code, times?.code, text?.code]).toEqual([1, 1, 1]);
    expect(change?.stderr).toBe(
      'error: malformed alarm payload: EventBridge event with detail-type "CloudWatch Alarm Configuration Change" from source "aws.cloudwatch": only \'CloudWatch Alarm State Change\' events start remediation\n',
    );
    expect(times?.stderr).toContain('alarmData.state.timestamp: must be a timestamp');
    expect(text?.stderr).toMatch(/^error: malformed alarm payload: not JSON: /);
    for (const result of [change, times, text]) {
      expect(result?.stdout).toBe('');
      expect(result?.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 2 when --event is missing or unreadable, or the environment unknown', async () => {
    // Act
    const missing = await run(['remediation', 'plan', 'prod']);
    const unreadable = await run(['remediation', 'plan', 'prod', '--event', join(dir, 'absent.json')]);
    const unknownEnv = await run(['remediation', 'plan', 'qa', '--event', join(dir, 'absent.json')]);

    // Assess
    expect([missing.code, unreadable.code, unknownEnv.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toContain('missing --event <file>');
    expect(unreadable.stderr).toContain("cannot read --event '");
    expect(unreadable.stderr).toContain("absent.json': no such file");
    expect(unknownEnv.stderr).toContain("unknown environment 'qa'");
  });
});

describe('remediation plan of a change dated in the future', () => {
  it('exits 1 naming the time, as the deployed intake rejects it', async () => {
    // Prepare
    const event = file(
      'future.json',
      JSON.stringify(eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: '2099-01-01T00:00:00.000Z' })),
    );

    // Act
    const result = await run(['remediation', 'plan', 'prod', '--event', event]);

    // Assess
    expect(result?.code).toBe(1);
    expect(result?.stdout).toBe('');
    expect(result?.stderr).toMatch(/^error: malformed alarm payload: .*2099-01-01T00:00:00\.000Z, in the future/);
  });
});

describe('remediation replay', () => {
  it('prints one line per input line with its decision, rejects a malformed line and goes on, then a summary', async () => {
    // Prepare
    const lines = [
      eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: at(0) }),
      snsAlarmEvent({ alarmName: API, state: 'ALARM', at: at(0) }),
      '{"not": "an alarm"',
      eventBridgeAlarmEvent({ alarmName: API, state: 'OK', at: at(5) }),
      eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: at(3) }),
      eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: at(10) }),
      eventBridgeAlarmEvent({ alarmName: 'interactions-prod-database-cpu', state: 'ALARM', at: at(11) }),
    ].map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
    const events = file('storm.ndjson', `${lines.join('\n')}\n\n`);

    // Act
    const result = await run(['remediation', 'replay', 'prod', '--events', events]);

    // Assess
    expect(result.code).toBe(0);
    const output = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(output.slice(0, -1).map((o) => [o.line, o.decision, o.reason])).toEqual([
      [1, 'act', 'needs-approval'],
      [2, 'ignore', 'duplicate'],
      [3, 'reject', 'malformed'],
      [4, 'ignore', 'not-in-alarm'],
      [5, 'ignore', 'stale'],
      [6, 'suppress', 'cooldown'],
      [7, 'act', 'execute'],
    ]);
    expect(Object.keys(output[0])).toEqual([
      'line',
      'alarm',
      'state',
      'decision',
      'reason',
      'playbook',
      'cooldownSeconds',
      'at',
      'detail',
    ]);
    expect(output[0]).toMatchObject({ alarm: API, state: 'ALARM', playbook: 'api-error-rate', cooldownSeconds: 1800 });
    expect(output[2]).toMatchObject({ alarm: null, playbook: null, cooldownSeconds: null });
    expect(output[2].detail).toMatch(/^malformed alarm payload: not JSON/);
    expect(output.at(-1).summary).toMatchObject({
      lines: 7,
      decisions: 7,
      byDecision: { act: 2, suppress: 1, ignore: 3, reject: 1 },
      actionsByPlaybook: { 'api-error-rate': 1, 'database-cpu': 1 },
    });
  });

  it('exits 1, pointing at one payload per line, when no line of the file is a payload (pretty-printed JSON)', async () => {
    // Prepare: one payload, pretty-printed over many lines
    const pretty = file(
      'pretty.json',
      JSON.stringify(eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: at(0) }), null, 2),
    );

    // Act
    const result = await run(['remediation', 'replay', 'prod', '--events', pretty]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--events needs one JSON payload per line (NDJSON)');
    expect(result.stdout).toContain('"summary"');
  });

  it('rejects a line dated in the future, as the deployed intake does, and the later lines of that alarm still count', async () => {
    // Prepare
    const DB = 'interactions-prod-database-cpu';
    const lines = [
      eventBridgeAlarmEvent({ alarmName: DB, state: 'ALARM', at: '2099-01-01T00:00:00.000Z' }),
      eventBridgeAlarmEvent({ alarmName: DB, state: 'ALARM', at: at(10) }),
    ].map((line) => JSON.stringify(line));
    const events = file('future.ndjson', `${lines.join('\n')}\n`);

    // Act
    const result = await run(['remediation', 'replay', 'prod', '--events', events]);

    // Assess
    const output = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(output.slice(0, -1).map((o) => [o.line, o.decision, o.reason])).toEqual([
      [1, 'reject', 'malformed'],
      [2, 'act', 'execute'],
    ]);
    expect(output[0].detail).toMatch(/in the future of/);
  });

  it('exits 2 when --events is missing', async () => {
    // Act
    const result = await run(['remediation', 'replay', 'prod']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing --events <file>');
  });
});
