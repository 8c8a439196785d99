/**
 * Where the probes of a deployment verification connect, resolved inside each check (so the secret
 * reads count against the check's own timeout, and one unreadable secret fails one check only):
 * the database from its Secrets Manager secret (RDS's JSON: host, port, username, password, dbname),
 * the cache from its replication group's primary endpoint and AUTH token secret, the synthetic login
 * from its secret (`{ username, password }`). A target that is not configured is `skipped`, with why.
 */
import {
  DescribeReplicationGroupsCommand,
  type DescribeReplicationGroupsCommandOutput,
  type ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { LoginCredentials } from '../../shared/probes/auth.js';
import { ProbeFailure } from '../../shared/probes/check.js';
import type { PostgresTarget } from '../../shared/probes/postgres.js';
import type { RedisTarget } from '../../shared/probes/redis.js';
import type { TargetOrSkip } from '../../shared/probes/suite.js';

/** The AWS reads behind the targets; tests pass plain functions. */
export interface TargetSource {
  /** The secret's string, or undefined when the secret does not exist. */
  secretString(secretId: string, signal: AbortSignal): Promise<string | undefined>;
  /** `host:port` of the replication group's primary endpoint. */
  cachePrimaryEndpoint(replicationGroupId: string, signal: AbortSignal): Promise<{ host: string; port: number }>;
}

/** What the construct configured for this environment. */
export interface TargetSettings {
  readonly databaseSecretId: string;
  readonly loginSecretId: string;
  /** @default no cache in this environment: the cache check is skipped */
  readonly cache?: {
    readonly replicationGroupId: string;
    /** In-transit encryption on: connect with TLS (a plain URL is refused). */
    readonly tls: boolean;
    /** The AUTH token's secret. @default no AUTH */
    readonly authSecretId?: string;
  };
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below without echoing the secret.
  }
  throw new ProbeFailure(`${what} is not a JSON object`);
}

function field(record: Record<string, unknown>, key: string, what: string): string {
  const value = record[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new ProbeFailure(`${what} has no "${key}"`);
}

/** The database from its secret; TLS required (RDS enforces it with rds.force_ssl). */
export async function databaseTarget(
  source: TargetSource,
  settings: TargetSettings,
  signal: AbortSignal,
): Promise<PostgresTarget> {
  const what = `secret ${settings.databaseSecretId}`;
  const text = await source.secretString(settings.databaseSecretId, signal);
  if (text === undefined) throw new ProbeFailure(`${what} does not exist`);
  const secret = parseJsonObject(text, what);
  const port = Number(field(secret, 'port', what));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ProbeFailure(`${what} has no valid "port"`);
  return {
    host: field(secret, 'host', what),
    port,
    database: field(secret, 'dbname', what),
    user: field(secret, 'username', what),
    password: field(secret, 'password', what),
    sslMode: 'require',
  };
}

/** The synthetic user; skipped when the login secret was never created. */
export async function loginTarget(
  source: TargetSource,
  settings: TargetSettings,
  signal: AbortSignal,
): Promise<TargetOrSkip<LoginCredentials>> {
  const what = `secret ${settings.loginSecretId}`;
  const text = await source.secretString(settings.loginSecretId, signal);
  if (text === undefined) return { skipReason: `no synthetic login: ${what} does not exist` };
  const secret = parseJsonObject(text, what);
  return { username: field(secret, 'username', what), password: field(secret, 'password', what) };
}

/** The cache's primary endpoint, with TLS and the AUTH token where in-transit encryption is on. */
export async function cacheTarget(
  source: TargetSource,
  settings: TargetSettings,
  signal: AbortSignal,
): Promise<TargetOrSkip<RedisTarget>> {
  const cache = settings.cache;
  if (cache === undefined) return { skipReason: 'no cache configured for this environment' };
  const { host, port } = await source.cachePrimaryEndpoint(cache.replicationGroupId, signal);
  const password = cache.authSecretId === undefined ? undefined : await source.secretString(cache.authSecretId, signal);
  if (cache.authSecretId !== undefined && password === undefined) {
    throw new ProbeFailure(`secret ${cache.authSecretId} (the cache AUTH token) does not exist`);
  }
  return { url: `${cache.tls ? 'rediss' : 'redis'}://${host}:${port}`, password, requireTls: cache.tls };
}

function primaryEndpoint(out: DescribeReplicationGroupsCommandOutput, groupId: string): { host: string; port: number } {
  const endpoint = out.ReplicationGroups?.[0]?.NodeGroups?.[0]?.PrimaryEndpoint;
  if (endpoint?.Address === undefined || endpoint.Port === undefined) {
    throw new ProbeFailure(`replication group ${groupId} has no primary endpoint`);
  }
  return { host: endpoint.Address, port: endpoint.Port };
}

/** TargetSource over the SDK v3 clients. */
export function sdkTargetSource(secrets: SecretsManagerClient, elastiCache: ElastiCacheClient): TargetSource {
  return {
    async secretString(secretId, signal) {
      try {
        const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal: signal });
        return out.SecretString;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async cachePrimaryEndpoint(replicationGroupId, signal) {
      const out = await elastiCache.send(
        new DescribeReplicationGroupsCommand({ ReplicationGroupId: replicationGroupId }),
        {
          abortSignal: signal,
        },
      );
      return primaryEndpoint(out, replicationGroupId);
    },
  };
}
