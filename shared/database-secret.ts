/**
 * Database credentials from Secrets Manager, in the JSON shape RDS-managed and CDK-generated
 * secrets share: `username` and `password`, plus `host`, `port`, `dbname` (and `engine`,
 * `dbInstanceIdentifier`) once the secret is attached to an instance. Read once per invocation;
 * nothing here logs or repeats the secret's values.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from './errors.js';
import type { PostgresTarget } from './probes/postgres.js';
import * as z from './zod.js';

/** The fields of a database secret the automation reads. */
export interface DatabaseSecret {
  readonly username: string;
  readonly password: string;
  /** The instance's endpoint, when the secret is attached to one. */
  readonly host?: string;
  readonly port?: number;
  readonly dbname?: string;
}

const nonEmpty = z.string().check(z.minLength(1, 'must be a non-empty string'));

// RDS writes `port` as a number; hand-made secrets often hold a string.
const portSchema = z.pipe(
  z.union([z.number(), z.string()]),
  z.transform((value) => Number(value)),
);

const databaseSecretSchema = z.looseObject({
  username: nonEmpty,
  password: nonEmpty,
  host: z.optional(nonEmpty),
  port: z.optional(
    portSchema.check(z.refine((port) => Number.isInteger(port) && port > 0 && port < 65536, 'must be a TCP port')),
  ),
  dbname: z.optional(nonEmpty),
});

/**
 * Reads and checks the secret `secretArn`. Throws ConfigurationError naming the secret and the
 * missing or malformed fields (never their values) when it is not a database secret.
 */
export async function readDatabaseSecret(client: SecretsManagerClient, secretArn: string): Promise<DatabaseSecret> {
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (response.SecretString === undefined) {
    throw new ConfigurationError(`Secret ${secretArn} has no SecretString: expected the database credentials as JSON`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.SecretString);
  } catch {
    throw new ConfigurationError(`Secret ${secretArn} is not JSON: expected {"username", "password", ...}`);
  }
  const result = z.safeParse(databaseSecretSchema, parsed);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => `${issue.path.join('.') || '(secret)'}: ${issue.message}`);
    throw new ConfigurationError(`Secret ${secretArn} is not a database secret: ${fields.join('; ')}`);
  }
  const { username, password, host, port, dbname } = result.data;
  return {
    username,
    password,
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    ...(dbname === undefined ? {} : { dbname }),
  };
}

/** Where to connect, besides the credentials: the caller's endpoint wins over the secret's own. */
export interface TargetEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly sslMode: PostgresTarget['sslMode'];
  /** @default the runtime's trust store */
  readonly ca?: string;
}

/** A PostgresTarget from the secret's credentials and an explicit endpoint (a restored instance has its own). */
export function targetFromSecret(secret: DatabaseSecret, endpoint: TargetEndpoint): PostgresTarget {
  return {
    host: endpoint.host,
    port: endpoint.port,
    database: endpoint.database,
    user: secret.username,
    password: secret.password,
    sslMode: endpoint.sslMode,
    ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
  };
}
