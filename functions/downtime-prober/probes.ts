/**
 * The prober's three probes, built from its settings on the shared probe modules (shared/probes/):
 * a real query on PostgreSQL (connect, `SELECT 1` in a read-only transaction, close), a Redis round trip
 * (PING, SET with TTL, GET, DEL) and a GET of the health endpoint. Each probe opens its own
 * connection: what a new client sees during a failover (DNS moving to the new primary) is the
 * user-visible part. Credentials come from Secrets Manager once per container.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient } from '../../shared/clients/secrets-manager.js';
import { readDatabaseSecret, targetFromSecret } from '../../shared/database-secret.js';
import { ConfigurationError } from '../../shared/errors.js';
import type { CheckOutcome } from '../../shared/probes/check.js';
import { runHttpCheck } from '../../shared/probes/http.js';
import { type PostgresTarget, pingDatabase } from '../../shared/probes/postgres.js';
import { type RedisTarget, runCacheCheck } from '../../shared/probes/redis.js';
import * as z from '../../shared/zod.js';
import type { Dependency } from '../../workflows/failover-drill/contract.js';
import type { ProbeFn } from './probe-window.js';

/** The prober's variables (set by FailoverDrillWorkflow). */
export const proberSettingsShape = {
  DB_HOST: z.string().check(z.minLength(1)),
  DB_PORT: z.coerce.number().check(z.int(), z.gte(1), z.lte(65535)),
  DB_NAME: z.string().check(z.minLength(1)),
  DB_SECRET_ARN: z.string().check(z.minLength(1)),
  REDIS_HOST: z.string().check(z.minLength(1)),
  REDIS_PORT: z.coerce.number().check(z.int(), z.gte(1), z.lte(65535)),
  REDIS_TLS: z.enum(['true', 'false']),
  REDIS_AUTH_SECRET_ARN: z.optional(z.string()),
  HEALTH_URL: z.url(),
};

/** The prober's settings. */
export type ProberSettings = z.infer<z.ZodMiniObject<typeof proberSettingsShape>>;

/** How the handler gets its probes (tests inject theirs). */
export interface ProbeSet {
  readonly probes: () => Promise<Record<Dependency, ProbeFn>>;
}

/** Where the three probes go, credentials resolved. */
export interface ProbeEndpoints {
  readonly database: PostgresTarget;
  readonly cache: RedisTarget;
  /** The health endpoint, a full URL. */
  readonly healthUrl: string;
}

/** The Redis probe key's prefix and TTL: a probe interrupted before DEL leaves its key for a minute at most. */
const CACHE_PROBE = { keyPrefix: 'interactions:failover-drill:', keyTtlSeconds: 60 } as const;

/** Turns a check's outcome into a probe result: resolves on pass, rejects with the finding otherwise. */
async function passOrThrow(outcome: Promise<CheckOutcome>): Promise<void> {
  const result = await outcome;
  if (result.status !== 'pass') throw new Error(result.finding);
}

/** The three probes against `endpoints`, each bounded by `timeoutMs` (and the window's abort signal). */
export function endpointProbes(endpoints: ProbeEndpoints, timeoutMs: number): Record<Dependency, ProbeFn> {
  const health = new URL(endpoints.healthUrl);
  const http = { baseUrl: health.origin };
  const check = { name: 'health', path: `${health.pathname}${health.search}` };
  return {
    database: async () => {
      const ping = await pingDatabase(endpoints.database, {
        connectTimeoutMs: timeoutMs,
        statementTimeoutMs: timeoutMs,
        applicationName: 'interactions-failover-drill-prober',
      });
      if (!ping.ok) throw new Error(ping.error);
    },
    cache: (signal) => passOrThrow(runCacheCheck(endpoints.cache, CACHE_PROBE, signal, timeoutMs)),
    application: (signal) => passOrThrow(runHttpCheck(check, http, signal)),
  };
}

/** Per-probe timeout of the Lambda: under the once-a-second pace, so a hanging dependency shows every second. */
const PROBE_TIMEOUT_MS = 900;

/** The real probes: endpoints from the settings, credentials from Secrets Manager (read once). */
export function sdkProbeSet(
  settings: ProberSettings,
  client: () => SecretsManagerClient = secretsManagerClient,
): ProbeSet {
  let endpoints: Promise<ProbeEndpoints> | undefined;
  return {
    probes: async () => {
      endpoints ??= resolveEndpoints(settings, client());
      return endpointProbes(await endpoints, PROBE_TIMEOUT_MS);
    },
  };
}

async function resolveEndpoints(settings: ProberSettings, client: SecretsManagerClient): Promise<ProbeEndpoints> {
  const secret = await readDatabaseSecret(client, settings.DB_SECRET_ARN);
  const tls = settings.REDIS_TLS === 'true';
  const password =
    settings.REDIS_AUTH_SECRET_ARN === undefined
      ? undefined
      : await readPlainSecret(client, settings.REDIS_AUTH_SECRET_ARN);
  return {
    // The Lambda runtime trusts the RDS certificate authorities: the server's certificate is verified.
    database: targetFromSecret(secret, {
      host: settings.DB_HOST,
      port: settings.DB_PORT,
      database: settings.DB_NAME,
      sslMode: 'verify-full',
    }),
    cache: {
      url: `${tls ? 'rediss' : 'redis'}://${settings.REDIS_HOST}:${settings.REDIS_PORT}`,
      ...(password === undefined ? {} : { password }),
      requireTls: tls,
    },
    healthUrl: settings.HEALTH_URL,
  };
}

/** A secret holding a plain string (the Redis AUTH token). */
async function readPlainSecret(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (response.SecretString === undefined || response.SecretString === '') {
    throw new ConfigurationError(`Secret ${secretArn} has no SecretString: expected the Redis AUTH token`);
  }
  return response.SecretString;
}
