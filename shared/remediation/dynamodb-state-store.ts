/**
 * The state store in DynamoDB, one table (`remediation.tableName`), conditional writes only.
 *
 * Why not @aws-lambda-powertools/idempotency: it is not available at the project's Powertools
 * version (2.36.0 pins every Powertools package together), and it would not be enough anyway: it
 * keys records on the function and a hash of the event, so the same state change delivered through
 * EventBridge and through SNS (different payloads) would pass twice, and it has no notion of
 * "older than the latest state seen" or of a cooldown shared by several alarms. Conditional writes
 * give each of those one atomic check-and-set, which is all intake needs.
 *
 * No TransactWriteItems either: a claim is a sequence of conditional writes with compensation (a
 * refused later step releases the earlier ones, each release conditional on its owner), which the
 * local DynamoDB-protocol server the tests use (dynalite, no transactions) runs as DynamoDB does.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RemediationDecision } from './decision.js';
import type { ActionClaim, ClaimResult, StateChangeOutcome, StateChangeRecord, StateStore } from './state-store.js';

/** The table's key schema and TTL attribute: the CDK table must be created with exactly these. */
export const REMEDIATION_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;

const AUDIT_PARTITION = 'audit';

/** This container's audit sequence (every store instance shares it: a handler may build one per invocation). */
let auditSequence = 0;

/** The next audit sequence number, zero-padded so it sorts as text. */
function nextSequence(): string {
  auditSequence += 1;
  return String(auditSequence).padStart(10, '0');
}
const ITEM = '-';

/** `StateStore` on a DynamoDB table with the `REMEDIATION_TABLE_SCHEMA` keys. */
export class DynamoDbStateStore implements StateStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async recordStateChange(change: StateChangeRecord): Promise<StateChangeOutcome> {
    const first = await this.conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `dedupe#${change.dedupeKey}`, sk: ITEM, attempt: change.attempt, expiresAt: change.expiresAt },
          // A retry of the attempt that wrote it goes on (see StateChangeRecord.attempt).
          ConditionExpression: 'attribute_not_exists(pk) OR attempt = :attempt',
          ExpressionAttributeValues: { ':attempt': change.attempt },
        }),
      ),
    );
    if (!first) return 'duplicate';
    const newest = await this.conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `alarm#${change.alarmName}`, sk: 'latest' },
          UpdateExpression: 'SET latestAt = :at, latestState = :state, latestAttempt = :attempt',
          ConditionExpression:
            'attribute_not_exists(latestAt) OR latestAt < :at OR (latestAt = :at AND latestAttempt = :attempt)',
          ExpressionAttributeValues: {
            ':at': change.stateChangedAt,
            ':state': change.state,
            ':attempt': change.attempt,
          },
        }),
      ),
    );
    return newest ? 'new' : 'stale';
  }

  async claimAction(claim: ActionClaim): Promise<ClaimResult> {
    const until = claim.now + claim.cooldownSeconds * 1000;
    const held: string[] = [];
    for (const key of claim.cooldownKeys) {
      const claimed = await this.conditional(() =>
        this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: key, sk: ITEM, until, owner: claim.owner, expiresAt: Math.ceil(until / 1000) },
            // The owner may claim again: a retry of the intake attempt that claimed it.
            ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now OR #owner = :owner',
            ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
            ExpressionAttributeValues: { ':now': claim.now, ':owner': claim.owner },
          }),
        ),
      );
      if (!claimed) {
        await this.release(held, claim.owner);
        const current = await this.documents.send(
          new GetCommand({ TableName: this.tableName, Key: { pk: key, sk: ITEM }, ConsistentRead: true }),
        );
        return { ok: false, reason: 'cooldown', key, until: Number(current.Item?.until ?? until) };
      }
      held.push(key);
    }
    const counted = await this.conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: claim.rateWindow.key, sk: ITEM },
          UpdateExpression: 'ADD actions :one SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(actions) OR actions < :max',
          ExpressionAttributeValues: {
            ':one': 1,
            ':max': claim.rateWindow.maxActions,
            ':expiresAt': claim.rateWindow.expiresAt,
          },
        }),
      ),
    );
    if (!counted) {
      await this.release(held, claim.owner);
      const current = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: claim.rateWindow.key, sk: ITEM },
          ConsistentRead: true,
        }),
      );
      return { ok: false, reason: 'rate-limit', count: Number(current.Item?.actions ?? claim.rateWindow.maxActions) };
    }
    return { ok: true };
  }

  async killSwitchEngaged(): Promise<boolean> {
    const found = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: 'control', sk: 'kill-switch' }, ConsistentRead: true }),
    );
    return found.Item?.engaged === true;
  }

  async setKillSwitch(engaged: boolean, by: string): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: 'control', sk: 'kill-switch', engaged, by, at: new Date().toISOString() },
      }),
    );
  }

  async appendAudit(decision: RemediationDecision, expiresAt: number): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        // The time first, so a query on the partition reads the trail in order; this container's
        // sequence orders its decisions of one millisecond, the uuid keeps containers apart.
        Item: {
          pk: AUDIT_PARTITION,
          sk: `${decision.decidedAt}#${nextSequence()}#${randomUUID()}`,
          decision,
          expiresAt,
        },
      }),
    );
  }

  async listAudit(limit = 50): Promise<RemediationDecision[]> {
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': AUDIT_PARTITION },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((item) => item.decision as RemediationDecision);
  }

  /** Runs a conditional write: true when written, false when its condition failed. */
  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        return false;
      }
      throw error;
    }
  }

  /** Releases cooldown claims this owner made (a claim someone else renewed since is left alone). */
  private async release(keys: readonly string[], owner: string): Promise<void> {
    for (const key of keys) {
      await this.conditional(() =>
        this.documents.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk: key, sk: ITEM },
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      );
    }
  }
}
