/**
 * The StateStore contract, run against both implementations: DynamoDB (on dynalite, a real
 * DynamoDB-protocol server on loopback) and memory. Races are real concurrent requests to the
 * server: two intakes of the same event start exactly one remediation.
 */
import { loadConfig } from '../../../infra/config/index.js';
import type { RemediationDecision } from '../../../shared/remediation/decision.js';
import { DynamoDbStateStore } from '../../../shared/remediation/dynamodb-state-store.js';
import { intakePayload } from '../../../shared/remediation/intake.js';
import { MemoryStateStore } from '../../../shared/remediation/memory-state-store.js';
import { policyFromConfig } from '../../../shared/remediation/policy.js';
import type { ActionClaim, StateStore } from '../../../shared/remediation/state-store.js';
import { eventBridgeAlarmEvent, snsAlarmEvent } from '../../support/alarm-events.js';
import { type LocalDynamoDb, startLocalDynamoDb } from './dynalite.js';

let dynamo: LocalDynamoDb;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
});
afterAll(async () => {
  await dynamo.stop();
});

/** A fresh store of each kind (a new table per test keeps DynamoDB tests independent). */
const STORES: [string, () => Promise<StateStore>][] = [
  [
    'DynamoDB',
    async () => {
      tableCount += 1;
      const table = `remediation-test-${tableCount}`;
      await dynamo.createTable(table);
      return new DynamoDbStateStore(dynamo.client, table);
    },
  ],
  ['memory', async () => new MemoryStateStore()],
];

const NOW = Date.parse('2026-03-02T10:00:00Z');
let attempts = 0;
const change = (alarmName: string, minute: number, state: 'ALARM' | 'OK' = 'ALARM') => {
  attempts += 1;
  return {
    alarmName,
    state,
    stateChangedAt: NOW + minute * 60_000,
    dedupeKey: `${alarmName}|${state}|${minute}`,
    expiresAt: NOW / 1000 + 86_400,
    // Every delivery is its own intake run.
    attempt: `attempt-${attempts}`,
  };
};
const claim = (owner: string, keys: string[], minute: number, maxActions = 10): ActionClaim => ({
  owner,
  cooldownKeys: keys,
  now: NOW + minute * 60_000,
  cooldownSeconds: 600,
  rateWindow: { key: 'rate#w', maxActions, expiresAt: NOW / 1000 + 7200 },
});

describe.each(STORES)('%s state store', (_name, create) => {
  it('records a state change once: new, then duplicate', async () => {
    // Prepare
    const store = await create();

    // Act
    const outcomes = [await store.recordStateChange(change('a', 0)), await store.recordStateChange(change('a', 0))];

    // Assess
    expect(outcomes).toEqual(['new', 'duplicate']);
  });

  it('calls a change older than the latest state seen for its alarm stale, per alarm', async () => {
    // Prepare
    const store = await create();
    await store.recordStateChange(change('a', 10, 'OK'));

    // Act
    const older = await store.recordStateChange(change('a', 5));
    const otherAlarm = await store.recordStateChange(change('b', 5));
    const newer = await store.recordStateChange(change('a', 11));

    // Assess
    expect([older, otherAlarm, newer]).toEqual(['stale', 'new', 'new']);
  });

  it('grants a claim while every key is free and refuses it during the cooldown, saying until when', async () => {
    // Prepare
    const store = await create();

    // Act
    const first = await store.claimAction(claim('e1', ['alarm-a', 'resource-r'], 0));
    const sameResource = await store.claimAction(claim('e2', ['alarm-b', 'resource-r'], 5));
    const afterCooldown = await store.claimAction(claim('e3', ['alarm-b', 'resource-r'], 10));

    // Assess
    expect(first).toEqual({ ok: true });
    expect(sameResource).toEqual({ ok: false, reason: 'cooldown', key: 'resource-r', until: NOW + 10 * 60_000 });
    expect(afterCooldown).toEqual({ ok: true });
  });

  it('refuses a claim beyond the rate limit and keeps none of its cooldowns', async () => {
    // Prepare
    const store = await create();
    await store.claimAction(claim('e1', ['alarm-a'], 0, 1));

    // Act
    const limited = await store.claimAction(claim('e2', ['alarm-b'], 1, 1));
    const alarmBFree = await store.claimAction(claim('e3', ['alarm-b'], 2, 5));

    // Assess
    expect(limited).toEqual({ ok: false, reason: 'rate-limit', count: 1 });
    expect(alarmBFree).toEqual({ ok: true });
  });

  it('keeps the run-time kill switch and the audit trail, newest first', async () => {
    // Prepare
    const store = await create();
    const decision = (decidedAt: string): RemediationDecision => ({
      decision: 'ignore',
      reason: 'not-in-alarm',
      detail: 'x is OK',
      decidedAt,
    });

    // Act
    await store.setKillSwitch(true, 'alice');
    await store.appendAudit(decision('2026-03-02T10:00:00.000Z'), NOW / 1000);
    await store.appendAudit(decision('2026-03-02T10:05:00.000Z'), NOW / 1000);

    // Assess
    expect(await store.killSwitchEngaged()).toBe(true);
    expect((await store.listAudit()).map((d) => d.decidedAt)).toEqual([
      '2026-03-02T10:05:00.000Z',
      '2026-03-02T10:00:00.000Z',
    ]);
    expect(await store.listAudit(1)).toHaveLength(1);
  });

  it('starts exactly one remediation when two intakes of the same event race', async () => {
    // Prepare
    const store = await create();
    const deps = { policy: policyFromConfig(loadConfig('staging')), store, clock: () => NOW };
    const spec = {
      alarmName: 'interactions-staging-api-error-rate',
      state: 'ALARM',
      at: new Date(NOW).toISOString(),
    } as const;

    // Act: the EventBridge event, its retry and the SNS copy, all at once.
    const decisions = (
      await Promise.all([
        intakePayload(eventBridgeAlarmEvent(spec), deps),
        intakePayload(eventBridgeAlarmEvent({ ...spec, deliveryId: 'retry' }), deps),
        intakePayload(snsAlarmEvent(spec), deps),
      ])
    ).flat();

    // Assess
    expect(decisions.filter((d) => d.decision === 'act')).toHaveLength(1);
    expect(decisions.filter((d) => d.reason === 'duplicate')).toHaveLength(2);
    expect(await store.listAudit()).toHaveLength(3);
  });

  it('lets a retried intake of one execution decide again after a failure, and still refuses other deliveries', async () => {
    // Prepare: the first attempt records the change, then its claim fails (a throttled table).
    const store = await create();
    const claimAction = store.claimAction.bind(store);
    store.claimAction = () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const policy = policyFromConfig(loadConfig('staging'));
    const spec = {
      alarmName: 'interactions-staging-api-error-rate',
      state: 'ALARM',
      at: new Date(NOW).toISOString(),
    } as const;
    const deps = { policy, store, clock: () => NOW, attempt: 'execution-1' };
    await expect(intakePayload(snsAlarmEvent(spec, 2), deps)).rejects.toThrow('throttled');
    store.claimAction = claimAction;

    // Act: Step Functions retries the same execution; another delivery starts another one.
    const retried = await intakePayload(snsAlarmEvent(spec, 2), deps);
    const otherDelivery = await intakePayload(eventBridgeAlarmEvent(spec), { ...deps, attempt: 'execution-2' });

    // Assess
    expect(retried.map((d) => `${d.decision}/${d.reason}`)).toEqual(['act/execute', 'ignore/duplicate']);
    expect(otherDelivery.map((d) => `${d.decision}/${d.reason}`)).toEqual(['ignore/duplicate']);
  });

  it('grants one of five concurrent claims on the same cooldown key', async () => {
    // Prepare
    const store = await create();

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.claimAction(claim(`e${i}`, [`alarm-${i}`, 'resource-shared'], 0))),
    );

    // Assess
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });
});
