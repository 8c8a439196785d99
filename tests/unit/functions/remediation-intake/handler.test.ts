/**
 * The remediation-intake function on a real DynamoDB-protocol server (dynalite): decisions out,
 * audit trail and dedupe keys in the table, a malformed payload a `reject` and not a failure.
 */
import type { Context } from 'aws-lambda';
import { createHandler } from '../../../../functions/remediation-intake/handler.js';
import type { RemediationDecision } from '../../../../shared/remediation/decision.js';
import { DynamoDbStateStore } from '../../../../shared/remediation/dynamodb-state-store.js';
import { eventBridgeAlarmEvent, snsAlarmEvent } from '../../../support/alarm-events.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../remediation/dynalite.js';

const TABLE = 'interactions-staging-remediation';
const NOW = new Date('2026-03-02T10:00:30.000Z');
const context = { functionName: 'interactions-staging-remediation-intake', awsRequestId: 'r1' } as Context;
const spec = {
  alarmName: 'interactions-staging-api-error-rate',
  state: 'ALARM',
  at: '2026-03-02T10:00:00.000Z',
} as const;

let dynamo: LocalDynamoDb;
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
  await dynamo.createTable(TABLE);
  handler = createHandler({
    env: { ENVIRONMENT: 'staging', AWS_REGION: 'us-east-1', REMEDIATION_TABLE: TABLE },
    clients: { dynamodb: () => dynamo.client },
    clock: () => NOW,
  });
});
afterAll(async () => {
  await dynamo.stop();
});

type Output = { decisions: RemediationDecision[]; actions: RemediationDecision[] };

describe('remediation-intake', () => {
  it('returns the action to run for a new alarm, and nothing to run for its SNS copy, at the wall clock', async () => {
    // Act
    const first = (await handler({ event: eventBridgeAlarmEvent(spec) }, context)) as Output;
    const copy = (await handler({ event: snsAlarmEvent(spec) }, context)) as Output;

    // Assess
    expect(first.actions).toHaveLength(1);
    expect(first.actions[0]).toMatchObject({
      reason: 'execute',
      playbook: 'api-error-rate',
      decidedAt: NOW.toISOString(),
    });
    expect(copy.actions).toEqual([]);
    expect(copy.decisions.map((d) => d.reason)).toEqual(['duplicate']);
    const audit = await new DynamoDbStateStore(dynamo.client, TABLE).listAudit();
    expect(audit.map((d) => d.reason)).toEqual(['duplicate', 'execute']);
  });

  it('answers a malformed payload with an audited reject instead of failing', async () => {
    // Act
    const output = (await handler(
      { event: { 'detail-type': 'Scheduled Event', source: 'aws.events' } },
      context,
    )) as Output;

    // Assess
    expect(output.actions).toEqual([]);
    expect(output.decisions[0]).toMatchObject({ decision: 'reject', reason: 'malformed' });
    expect(output.decisions[0]?.detail).toContain('detail-type "Scheduled Event"');
  });

  it('refuses to start without the table variable', () => {
    expect(() =>
      createHandler({
        env: { ENVIRONMENT: 'staging', AWS_REGION: 'us-east-1' },
        clients: { dynamodb: () => dynamo.client },
      }),
    ).toThrow('Invalid environment variables: REMEDIATION_TABLE: required');
  });
});
