/**
 * A real DynamoDB API on loopback (dynalite, in memory) with the remediation table created as
 * `REMEDIATION_TABLE_SCHEMA` says. Tables are ACTIVE at once (createTableMs 0).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
// dynalite ships no types; the part used here is small.
// @ts-expect-error -- untyped CommonJS module
import dynalite from 'dynalite';
import { REMEDIATION_TABLE_SCHEMA } from '../../../shared/remediation/dynamodb-state-store.js';

interface DynaliteServer {
  listen(port: number, host: string, callback: (error?: Error) => void): void;
  address(): AddressInfo;
  close(callback: () => void): void;
}

/** A running server and a client pointed at it. */
export interface LocalDynamoDb {
  readonly client: DynamoDBClient;
  /** Creates a remediation table named `name`. */
  createTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts dynalite on a free loopback port. */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as DynaliteServer;
  await new Promise<void>((resolve, reject) =>
    server.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
  );
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${server.address().port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    client,
    async createTable(name) {
      const { partitionKey, sortKey } = REMEDIATION_TABLE_SCHEMA;
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: partitionKey, AttributeType: 'S' },
            { AttributeName: sortKey, AttributeType: 'S' },
          ],
        }),
      );
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
