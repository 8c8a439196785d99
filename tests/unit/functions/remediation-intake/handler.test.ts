import '../../../support/lambda-env.js';
import type { Context } from 'aws-lambda';
import { createHandler } from '../../../../functions/remediation-intake/handler.js';
import { loadConfig } from '../../../../infra/config/index.js';
import { alarmRemediationConfig } from '../../../../infra/stacks/workflow-config.js';
import { DynamoDbStateStore } from '../../../../shared/remediation/dynamodb-state-store.js';
import { MemoryStateStore } from '../../../../shared/remediation/memory-state-store.js';
import { eventBridgeAlarmEvent, snsAlarmEvent } from '../../../support/alarm-events.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../remediation/dynalite.js';

const props = alarmRemediationConfig(loadConfig('prod'));
const now = new Date('2026-03-01T12:00:00.000Z');
const env = {
  ENVIRONMENT: 'prod',
  AWS_REGION: 'us-east-1',
  REMEDIATION_TABLE: props.tableName,
  REMEDIATION_POLICY: JSON.stringify(props.policy),
  ALARM_SEVERITIES: JSON.stringify(props.alarmSeverities),
};
const input = (event: unknown, execution = 'e-1') => ({
  workflow: 'alarm-remediation',
  execution,
  startedAt: now.toISOString(),
  event,
});
const at = new Date(now.getTime() - 60_000).toISOString();

describe('remediation-intake', () => {
  it('returns one decision per state change with the alarm, its severity, its console link and the audit expiry', async () => {
    // Prepare
    const store = new MemoryStateStore();
    const handler = createHandler({ env, clients: { store: () => store }, clock: () => now });
    const event = snsAlarmEvent({ alarmName: 'interactions-prod-api-error-rate', state: 'ALARM', at }, 2);

    // Act
    const { decisions } = await handler(input(event), {} as Context);

    // Assess
    expect(decisions.map((d) => [d.decision, d.reason])).toEqual([
      ['act', 'needs-approval'],
      ['ignore', 'duplicate'],
    ]);
    expect(decisions[0]).toMatchObject({
      alarm: { name: 'interactions-prod-api-error-rate', state: 'ALARM', changedAt: at },
      alarmName: 'interactions-prod-api-error-rate',
      playbook: 'api-error-rate',
      severity: 'high',
      alarmUrl:
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/interactions-prod-api-error-rate',
      auditExpiresAt: Math.ceil(now.getTime() / 1000) + 90 * 86_400,
    });
    expect(decisions[1]).toMatchObject({ alarm: null, playbook: 'api-error-rate' });
    expect(await store.listAudit()).toHaveLength(2);
  });

  it('turns a malformed payload into an audited low-severity reject, not an error', async () => {
    const store = new MemoryStateStore();
    const handler = createHandler({ env, clients: { store: () => store }, clock: () => now });

    const { decisions } = await handler(input({ hello: 'world' }), {} as Context);

    expect(decisions).toEqual([
      expect.objectContaining({
        decision: 'reject',
        reason: 'malformed',
        alarm: null,
        alarmName: null,
        playbook: null,
        severity: 'low',
        alarmUrl: null,
      }),
    ]);
  });

  it('rejects at low severity a state change dated a day after the wall clock, and acts on none', async () => {
    // Prepare
    const store = new MemoryStateStore();
    const handler = createHandler({ env, clients: { store: () => store }, clock: () => now });
    const tomorrow = new Date(now.getTime() + 86_400_000).toISOString();
    const event = eventBridgeAlarmEvent({
      alarmName: 'interactions-prod-api-error-rate',
      state: 'ALARM',
      at: tomorrow,
    });

    // Act
    const { decisions } = await handler(input(event), {} as Context);

    // Assess
    expect(decisions).toEqual([
      expect.objectContaining({ decision: 'reject', reason: 'malformed', alarm: null, severity: 'low' }),
    ]);
  });

  it('decides again when Step Functions retries the same execution after a failed claim', async () => {
    // Prepare
    const store = new MemoryStateStore();
    const claimAction = store.claimAction.bind(store);
    store.claimAction = () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const handler = createHandler({ env, clients: { store: () => store }, clock: () => now });
    const event = eventBridgeAlarmEvent({ alarmName: 'interactions-prod-database-cpu', state: 'ALARM', at });
    await expect(handler(input(event, 'e-7'), {} as Context)).rejects.toThrow();
    store.claimAction = claimAction;

    // Act
    const { decisions } = await handler(input(event, 'e-7'), {} as Context);

    // Assess
    expect(decisions.map((d) => `${d.decision}/${d.reason}`)).toEqual(['act/execute']);
  });

  it("refuses to run with another environment's policy", async () => {
    const handler = createHandler({
      env: { ...env, REMEDIATION_POLICY: JSON.stringify({ ...props.policy, env: 'dev' }) },
      clients: { store: () => new MemoryStateStore() },
      clock: () => now,
    });

    await expect(
      handler(
        input(eventBridgeAlarmEvent({ alarmName: 'interactions-prod-rds-storage', state: 'ALARM', at })),
        {} as Context,
      ),
    ).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(/REMEDIATION_POLICY is dev's, this function serves prod/),
    });
  });

  it('names a broken severity map', async () => {
    const handler = createHandler({
      env: { ...env, ALARM_SEVERITIES: '{"a":"urgent"}' },
      clients: { store: () => new MemoryStateStore() },
    });

    await expect(handler(input({}), {} as Context)).rejects.toThrow(
      /ALARM_SEVERITIES does not have the expected shape/,
    );
  });
});

describe('remediation-intake on a DynamoDB-protocol server (dynalite)', () => {
  const TABLE = 'interactions-prod-remediation';
  let dynamo: LocalDynamoDb;
  let store: DynamoDbStateStore;

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    await dynamo.createTable(TABLE);
    store = new DynamoDbStateStore(dynamo.client, TABLE);
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('acts once on a state change delivered by EventBridge and again by SNS, both audited in the table', async () => {
    // Prepare
    const handler = createHandler({ env, clients: { store: () => store }, clock: () => now });
    const spec = { alarmName: 'interactions-prod-database-cpu', state: 'ALARM', at } as const;

    // Act
    const first = await handler(input(eventBridgeAlarmEvent(spec)), {} as Context);
    const copy = await handler(input(snsAlarmEvent(spec), 'e-2'), {} as Context);

    // Assess
    expect(first.decisions.map((d) => d.reason)).toEqual(['execute']);
    expect(copy.decisions.map((d) => d.reason)).toEqual(['duplicate']);
    expect((await store.listAudit()).map((d) => d.reason)).toEqual(['duplicate', 'execute']);
  });
});
