/**
 * `remediation history`: the audit trail read from a real DynamoDB-protocol server (dynalite on
 * loopback, reached through AWS_ENDPOINT_URL_DYNAMODB), with decisions written by intake's store and
 * outcome records written as the workflow's "Record outcome" and "Record failure" states write them.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { historyEntry } from '../../../cli/commands/remediation/history.js';
import type { RemediationDecision } from '../../../shared/remediation/decision.js';
import { DynamoDbStateStore } from '../../../shared/remediation/dynamodb-state-store.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../remediation/dynalite.js';
import { run } from './harness.js';

const TABLE = 'interactions-prod-remediation';
const ALARM = 'interactions-prod-rds-storage';
let dynamo: LocalDynamoDb;
let previousEndpoint: string | undefined;

const decision = (
  at: string,
  alarmName: string,
  kind: RemediationDecision['decision'],
  reason: string,
): RemediationDecision =>
  ({
    decision: kind,
    reason,
    detail: `${reason} detail`,
    decidedAt: at,
    change: {
      alarmName,
      state: 'ALARM',
      previousState: 'OK',
      stateChangedAt: at,
      kind: 'metric',
      envelope: 'eventbridge',
      deliveryId: 'd',
      dedupeKey: 'k',
    },
    playbook: 'rds-storage',
  }) as RemediationDecision;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
  await dynamo.createTable(TABLE);
  const endpoint = await dynamo.client.config.endpoint?.();
  previousEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://${endpoint?.hostname}:${endpoint?.port}`;
  const store = new DynamoDbStateStore(dynamo.client, TABLE);
  await store.appendAudit(decision('2026-03-02T10:00:00.000Z', ALARM, 'act', 'execute'), 2_000_000_000);
  await store.appendAudit(decision('2026-03-02T10:05:00.000Z', ALARM, 'suppress', 'cooldown'), 2_000_000_000);
  await store.appendAudit(
    decision('2026-03-02T10:06:00.000Z', 'interactions-prod-database-cpu', 'ignore', 'duplicate'),
    2_000_000_000,
  );
  await dynamo.client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        pk: { S: 'audit' },
        sk: { S: '2026-03-02T10:00:00.000Z#alarm-1#recovered' },
        outcome: {
          S: JSON.stringify({
            outcome: 'recovered',
            summary: `${ALARM} remediated and recovered: Growing to 110 GiB`,
            playbook: { playbook: 'rds-storage' },
          }),
        },
        expiresAt: { N: '2000000000' },
      },
    }),
  );
  await dynamo.client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        pk: { S: 'audit' },
        sk: { S: '2026-03-02T11:00:00.000Z#alarm-2#failed' },
        outcome: { S: JSON.stringify({ Error: 'StateChangeFailed', Cause: 'InvalidParameterException: draining' }) },
        expiresAt: { N: '2000000000' },
      },
    }),
  );
});

afterAll(async () => {
  if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  else process.env.AWS_ENDPOINT_URL_DYNAMODB = previousEndpoint;
  await dynamo.stop();
});

describe('remediation history', () => {
  it('lists decisions and outcomes newest first as JSON', async () => {
    // Act
    const result = await run(['remediation', 'history', 'prod', '--json']);

    // Assess
    expect(result.code).toBe(0);
    const { table, entries } = JSON.parse(result.stdout) as { table: string; entries: Record<string, unknown>[] };
    expect(table).toBe(TABLE);
    expect(entries.map((e) => [e.kind, e.result, e.reason])).toEqual([
      ['failure', 'failed', null],
      ['decision', 'ignore', 'duplicate'],
      ['decision', 'suppress', 'cooldown'],
      ['outcome', 'recovered', null],
      ['decision', 'act', 'execute'],
    ]);
    expect(entries[3]).toMatchObject({
      alarm: ALARM,
      playbook: 'rds-storage',
      detail: expect.stringMatching(/110 GiB/),
    });
    expect(entries[0]).toMatchObject({ detail: 'StateChangeFailed: InvalidParameterException: draining' });
  });

  it('keeps one alarm and prints a table', async () => {
    const result = await run(['remediation', 'history', 'prod', '--alarm', ALARM]);

    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+KIND\s+ALARM\s+RESULT\s+REASON\s+PLAYBOOK\s+DETAIL/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[3])).toEqual(['suppress', 'recovered', 'act']);
  });

  it('reads at most --limit entries', async () => {
    const result = await run(['remediation', 'history', 'prod', '--limit', '2', '--json']);

    expect((JSON.parse(result.stdout) as { entries: unknown[] }).entries).toHaveLength(2);
  });

  it('refuses a bad --limit with a usage error', async () => {
    const result = await run(['remediation', 'history', 'prod', '--limit', '0']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--limit must be a whole number from 1 to 1000 \(got "0"\)/);
  });

  it('fails with one line naming the problem when the table does not exist', async () => {
    const result = await run(['remediation', 'history', 'dev']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*(ResourceNotFound|non-existent table|Cannot do operations)/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists an outcome record it cannot read instead of hiding it', () => {
    expect(historyEntry({ sk: '2026-03-02T10:00:00.000Z#x#planned', outcome: '{oops' })).toMatchObject({
      kind: 'outcome',
      result: 'unknown',
      detail: 'unreadable outcome record: {oops',
    });
  });
});
