/**
 * Intake decisions with the in-memory store: deduplication, stale and flapping alarms, routing,
 * and each guardrail of the one policy (kill switch, change freeze, cooldown per alarm and per
 * resource, rate limit, dry-run, approval), every decision audited.
 */
import { loadConfig } from '../../../infra/config/index.js';
import type { AlarmStateChange } from '../../../shared/remediation/alarm-payload.js';
import type { RemediationDecision } from '../../../shared/remediation/decision.js';
import { intakePayload } from '../../../shared/remediation/intake.js';
import { MemoryStateStore } from '../../../shared/remediation/memory-state-store.js';
import { type GuardrailPolicy, inFreezeWindow, policyFromConfig } from '../../../shared/remediation/policy.js';
import { type AlarmEventSpec, eventBridgeAlarmEvent, snsAlarmEvent } from '../../support/alarm-events.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z'); // a Monday
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const API = 'interactions-staging-api-error-rate';
const ALB = 'interactions-staging-alb-5xx-rate';
const DB_CPU = 'interactions-staging-database-cpu';

function setup(overrides: Partial<GuardrailPolicy> = {}, env: 'staging' | 'prod' = 'staging') {
  const policy: GuardrailPolicy = { ...policyFromConfig(loadConfig(env)), ...overrides };
  const store = new MemoryStateStore();
  // The change's own time is the clock, as in replay.
  const deps = {
    policy,
    store,
    clock: (change: AlarmStateChange | undefined) => (change ? Date.parse(change.stateChangedAt) : T0),
  };
  const send = async (payload: unknown) => intakePayload(payload, deps);
  const alarm = async (spec: Partial<AlarmEventSpec> & { alarmName: string; minute: number }) =>
    (await send(eventBridgeAlarmEvent({ state: 'ALARM', at: at(spec.minute), ...spec })))[0] as RemediationDecision;
  return { policy, store, send, alarm };
}

const brief = (decision: RemediationDecision | undefined) => `${decision?.decision}/${decision?.reason}`;

describe('intake', () => {
  it('acts on an alarm of the environment, with its playbook, resource and cooldown', async () => {
    // Prepare
    const { alarm } = setup();

    // Act
    const decision = await alarm({ alarmName: API, minute: 0 });

    // Assess
    expect(decision).toMatchObject({
      decision: 'act',
      reason: 'execute',
      playbook: 'api-error-rate',
      resource: 'application/interactions-staging',
      disruptive: true,
      cooldownSeconds: 1800,
      decidedAt: at(0),
      change: { alarmName: API, state: 'ALARM', envelope: 'eventbridge', kind: 'metric' },
    });
  });

  it('starts one remediation for repeated deliveries, whatever their envelope or delivery id', async () => {
    // Prepare
    const { send } = setup();
    const spec: AlarmEventSpec = { alarmName: API, state: 'ALARM', at: at(0) };

    // Act
    const decisions = [
      ...(await send(eventBridgeAlarmEvent(spec))),
      ...(await send(eventBridgeAlarmEvent({ ...spec, deliveryId: 'retry-with-new-id' }))),
      ...(await send(snsAlarmEvent(spec, 2))),
    ];

    // Assess
    expect(decisions.map(brief)).toEqual(['act/execute', 'ignore/duplicate', 'ignore/duplicate', 'ignore/duplicate']);
  });

  it('drops a state change older than the latest one seen for the alarm', async () => {
    // Prepare
    const { alarm } = setup();
    await alarm({ alarmName: API, minute: 10, state: 'OK' });

    // Act
    const late = await alarm({ alarmName: API, minute: 5 });

    // Assess
    expect(brief(late)).toBe('ignore/stale');
    expect(late.detail).toContain('a newer state');
  });

  it('rejects a state change dated in the future of the clock, so it cannot mark later real changes stale', async () => {
    // Prepare: the deployed clock (wall time), not the change's own time.
    const { policy, store } = setup();
    const deps = { policy, store, clock: () => T0 };
    const future = eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: at(60 * 24 * 365) });
    const real = eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: at(-1) });

    // Act
    const [fromTheFuture] = await intakePayload(future, deps);
    const [current] = await intakePayload(real, deps);

    // Assess
    expect(brief(fromTheFuture)).toBe('reject/malformed');
    expect(fromTheFuture?.detail).toContain('in the future');
    expect(brief(current)).toBe('act/execute');
  });

  it('acts once per cooldown on a flapping alarm, and again once the cooldown is over', async () => {
    // Prepare
    const { alarm } = setup();
    const flaps = [0, 4, 8, 12, 16, 20, 24, 28, 31, 35];

    // Act
    const decisions: RemediationDecision[] = [];
    for (const minute of flaps) {
      decisions.push(await alarm({ alarmName: API, minute }));
      await alarm({ alarmName: API, minute: minute + 2, state: 'OK' });
    }

    // Assess: 30 minutes of cooldown from minute 0, so minute 31 acts again.
    expect(decisions.map((d) => `${d.change?.stateChangedAt.slice(14, 16)} ${brief(d)}`)).toEqual([
      '00 act/execute',
      '04 suppress/cooldown',
      '08 suppress/cooldown',
      '12 suppress/cooldown',
      '16 suppress/cooldown',
      '20 suppress/cooldown',
      '24 suppress/cooldown',
      '28 suppress/cooldown',
      '31 act/execute',
      '35 suppress/cooldown',
    ]);
    expect(decisions[1]?.detail).toBe(`this alarm acted less than 1800 s ago: cooling down until ${at(30)}`);
  });

  it('does nothing on OK and INSUFFICIENT_DATA, or while CloudWatch suppresses the actions', async () => {
    // Prepare
    const { alarm, send } = setup();
    const suppressed = eventBridgeAlarmEvent({ alarmName: API, state: 'ALARM', at: at(3) }) as {
      detail: { state: Record<string, unknown> };
    };
    suppressed.detail.state.actionsSuppressedBy = 'Alarm';

    // Act
    const ok = await alarm({ alarmName: API, minute: 1, state: 'OK' });
    const insufficient = await alarm({ alarmName: API, minute: 2, state: 'INSUFFICIENT_DATA' });
    const [whileSuppressed] = await send(suppressed);

    // Assess
    expect([ok, insufficient, whileSuppressed].map(brief)).toEqual([
      'ignore/not-in-alarm',
      'ignore/not-in-alarm',
      'ignore/actions-suppressed',
    ]);
  });

  it('ignores alarms with no playbook here (another environment, made by hand) and routes security alarms to notify', async () => {
    // Prepare
    const { alarm } = setup();

    // Act
    const prodAlarm = await alarm({ alarmName: 'interactions-prod-api-error-rate', minute: 0 });
    const handMade = await alarm({ alarmName: 'ServerCpuTooHigh', minute: 0 });
    const security = await alarm({ alarmName: 'interactions-staging-security-failed-logins', minute: 0 });

    // Assess
    expect([prodAlarm, handMade].map(brief)).toEqual(['ignore/no-playbook', 'ignore/no-playbook']);
    expect(prodAlarm.detail).toBe('interactions-prod-api-error-rate is not an alarm of staging with a playbook');
    expect(security).toMatchObject({ decision: 'act', playbook: 'security-notify', disruptive: false });
  });

  it('suppresses every action while the kill switch is engaged in the config or by an operator', async () => {
    // Prepare
    const configured = setup({ killSwitch: true });
    const operated = setup();
    await operated.store.setKillSwitch(true);

    // Act
    const fromConfig = await configured.alarm({ alarmName: DB_CPU, minute: 0 });
    const fromOperator = await operated.alarm({ alarmName: DB_CPU, minute: 0 });

    // Assess
    expect([fromConfig, fromOperator].map(brief)).toEqual(['suppress/kill-switch', 'suppress/kill-switch']);
    expect(fromConfig.detail).toBe('the kill switch is engaged in the config (remediation.killSwitch)');
    expect(fromOperator.detail).toBe('the kill switch is engaged by an operator');
  });

  it('suppresses disruptive playbooks in a change freeze and still runs diagnostics', async () => {
    // Prepare
    const { alarm } = setup({
      freezeWindows: [{ kind: 'once', start: at(-60), end: at(60), reason: 'release 2.0' }],
    });

    // Act
    const rollback = await alarm({ alarmName: API, minute: 0 });
    const diagnostics = await alarm({ alarmName: DB_CPU, minute: 0 });
    const afterFreeze = await alarm({ alarmName: ALB, minute: 60 });

    // Assess
    expect([rollback, diagnostics, afterFreeze].map(brief)).toEqual([
      'suppress/change-freeze',
      'act/execute',
      'act/execute',
    ]);
    expect(rollback.detail).toBe(`change freeze ${at(-60)} to ${at(60)} (release 2.0)`);
  });

  it('reads a weekly freeze window that wraps from Sunday into Monday', () => {
    // Prepare
    const window = { kind: 'weekly', window: 'fri:18:00-mon:06:00', reason: 'weekend' } as const;

    // Act, Assess
    expect(inFreezeWindow(window, Date.parse('2026-03-06T18:00:00Z'))).toBe(true); // Friday 18:00
    expect(inFreezeWindow(window, Date.parse('2026-03-09T05:59:00Z'))).toBe(true); // Monday 05:59
    expect(inFreezeWindow(window, Date.parse('2026-03-09T06:00:00Z'))).toBe(false); // Monday 06:00
    expect(inFreezeWindow(window, Date.parse('2026-03-04T12:00:00Z'))).toBe(false); // Wednesday
  });

  it('freezes from the first minute of a window to just before its end, weekly or once', () => {
    // Prepare
    const weekly = { kind: 'weekly', window: 'tue:09:00-tue:17:00', reason: 'office hours' } as const;
    const once = {
      kind: 'once',
      start: '2026-03-03T09:00:00Z',
      end: '2026-03-03T17:00:00Z',
      reason: 'release',
    } as const;
    const tuesday = (time: string) => Date.parse(`2026-03-03T${time}Z`);

    // Act, Assess
    for (const window of [weekly, once]) {
      expect(inFreezeWindow(window, tuesday('08:59:59.999'))).toBe(false);
      expect(inFreezeWindow(window, tuesday('09:00:00.000'))).toBe(true);
      expect(inFreezeWindow(window, tuesday('16:59:59.999'))).toBe(true);
      expect(inFreezeWindow(window, tuesday('17:00:00.000'))).toBe(false);
    }
  });

  it('shares the cooldown of one playbook on one resource between its alarms, not across resources', async () => {
    // Prepare
    const { alarm } = setup();

    // Act
    const warning = await alarm({ alarmName: 'interactions-staging-cache-memory-warning-001', minute: 0 });
    const critical = await alarm({ alarmName: 'interactions-staging-cache-memory-critical-001', minute: 5 });
    const otherNode = await alarm({ alarmName: 'interactions-staging-cache-memory-critical-002', minute: 5 });
    const alb = await alarm({ alarmName: ALB, minute: 6 });
    const api = await alarm({ alarmName: API, minute: 7 });

    // Assess
    expect([warning, critical, otherNode, alb, api].map(brief)).toEqual([
      'act/execute',
      'suppress/cooldown',
      'act/execute',
      'act/execute',
      'suppress/cooldown',
    ]);
    expect(critical.detail).toContain('cache-memory on cache-node/interactions-staging-001 acted less than 1800 s ago');
  });

  it('keeps RDS storage growth six hours apart (its own cooldown)', async () => {
    // Prepare
    const { alarm } = setup();
    const name = 'interactions-staging-rds-storage';
    await alarm({ alarmName: name, minute: 0 });
    await alarm({ alarmName: name, minute: 100, state: 'OK' });

    // Act
    const again = await alarm({ alarmName: name, minute: 200 });
    const later = await alarm({ alarmName: name, minute: 360, previousState: 'ALARM' });

    // Assess
    expect([brief(again), again.cooldownSeconds, brief(later)]).toEqual(['suppress/cooldown', 21600, 'act/execute']);
  });

  it('suppresses actions beyond the rate limit of the window, and acts again in the next window', async () => {
    // Prepare
    const { alarm } = setup({ rateLimit: { maxActions: 2, windowSeconds: 3600 } });

    // Act
    const decisions = [
      await alarm({ alarmName: API, minute: 0 }),
      await alarm({ alarmName: DB_CPU, minute: 1 }),
      await alarm({ alarmName: 'interactions-staging-rds-storage', minute: 2 }),
      await alarm({ alarmName: 'interactions-staging-rds-storage', minute: 61, previousState: 'ALARM' }),
    ];

    // Assess
    expect(decisions.map(brief)).toEqual(['act/execute', 'act/execute', 'suppress/rate-limit', 'act/execute']);
    expect(decisions[2]?.detail).toBe(`2 actions already started in the 3600 s window from ${at(0)} (maximum 2)`);
  });

  it('a rate-limited action holds no cooldown: the next change of that alarm may act', async () => {
    // Prepare
    const { alarm } = setup({ rateLimit: { maxActions: 1, windowSeconds: 3600 } });
    await alarm({ alarmName: API, minute: 0 });
    const limited = await alarm({ alarmName: DB_CPU, minute: 1 });

    // Act
    const nextWindow = await alarm({ alarmName: DB_CPU, minute: 61, previousState: 'ALARM' });

    // Assess
    expect([brief(limited), brief(nextWindow)]).toEqual(['suppress/rate-limit', 'act/execute']);
  });

  it('plans only in a dry-run environment', async () => {
    // Prepare
    const { alarm } = setup({ dryRun: true });

    // Act
    const decision = await alarm({ alarmName: API, minute: 0 });

    // Assess
    expect([brief(decision), decision.detail]).toEqual([
      'act/dry-run',
      'api-error-rate plans only: staging is in dry-run',
    ]);
  });

  it('in prod, sends disruptive playbooks for approval and runs the others directly', async () => {
    // Prepare
    const { alarm } = setup({}, 'prod');

    // Act
    const rollback = await alarm({ alarmName: 'interactions-prod-ecs-backend-healthy-tasks', minute: 0 });
    const diagnostics = await alarm({ alarmName: 'interactions-prod-database-cpu', minute: 0 });

    // Assess
    expect(rollback).toMatchObject({
      decision: 'act',
      reason: 'needs-approval',
      playbook: 'ecs-service-health',
      resource: 'ecs-service/interactions-prod/interactions-prod-backend',
      approvalTimeoutSeconds: 1800,
    });
    expect(brief(diagnostics)).toBe('act/execute');
  });

  it('rejects a malformed payload and audits every decision, the rejection included', async () => {
    // Prepare
    const { send, store } = setup();

    // Act
    const [rejected] = await send({ 'detail-type': 'CloudWatch Alarm Configuration Change', source: 'aws.cloudwatch' });
    await send(snsAlarmEvent({ alarmName: API, state: 'ALARM', at: at(0) }, 2));
    const audit = await store.listAudit();

    // Assess
    expect(rejected).toMatchObject({ decision: 'reject', reason: 'malformed' });
    expect(rejected?.detail).toContain('"CloudWatch Alarm Configuration Change"');
    expect(audit.map(brief)).toEqual(['ignore/duplicate', 'act/execute', 'reject/malformed']);
  });
});
