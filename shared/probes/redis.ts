/**
 * The cache operation check (seed: "Check cache operation"): connect to Redis (TLS and AUTH as
 * ElastiCache requires them), PING, SET a probe key with a short TTL, read its TTL back, GET it,
 * DEL it. A failure names the step that failed, so "wrong password" and "cache full" read differently.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { createClient } from 'redis';
import type { CacheCheckConfig } from '../../infra/config/verification.js';
import { type CheckOutcome, describeError, fail, ProbeFailure, pass } from './check.js';

/** Where the cache check connects. */
export interface RedisTarget {
  /** `redis://[:password@]host:port` or `rediss://...` (TLS). */
  readonly url: string;
  /** The AUTH token. @default the password in `url`, else none */
  readonly password?: string;
  /** PEM certificate(s) to trust for TLS besides the system's. @default the system's trust store only */
  readonly ca?: string;
  /** Refuse a plain `redis://` URL (the Lambdas: ElastiCache has in-transit encryption). @default false */
  readonly requireTls?: boolean;
}

/** A finding for a Redis error: the step, and what the error means. */
export function describeRedisError(step: string, error: unknown): string {
  const message = describeError(error);
  const code = (error as { code?: string }).code;
  if (message.startsWith('WRONGPASS')) return `${step}: AUTH refused: wrong password (${message})`;
  if (message.startsWith('NOAUTH')) return `${step}: the server requires a password and none was given`;
  if (code === 'ECONNREFUSED' || message.includes('ECONNREFUSED')) {
    return `${step}: connection refused (nothing listening: is the cache up?)`;
  }
  if (message.includes('Socket closed unexpectedly')) {
    return `${step}: the server closed the connection (a TLS-only server reached without TLS?)`;
  }
  if (/certificate|SSL|TLS|EPROTO/i.test(message)) return `${step}: TLS failed: ${message}`;
  return `${step}: ${message}`;
}

function parseTarget(target: RedisTarget): URL {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new ProbeFailure('the Redis URL is not a URL (expected redis://host:port or rediss://host:port)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ProbeFailure(`the Redis URL must start with redis:// or rediss://, not ${url.protocol}//`);
  }
  if (target.requireTls === true && url.protocol !== 'rediss:') {
    throw new ProbeFailure(`TLS is required but the URL is plain redis://${url.host}; use rediss://`);
  }
  return url;
}

/** Runs the cache check: PING, SET with TTL, PTTL, GET, DEL, on one connection. */
export async function runCacheCheck(
  target: RedisTarget,
  config: CacheCheckConfig,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<CheckOutcome> {
  const url = parseTarget(target);
  const tls = url.protocol === 'rediss:';
  const password = target.password ?? (url.password === '' ? undefined : decodeURIComponent(url.password));
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const client = createClient({
    socket: {
      host: url.hostname,
      port: url.port === '' ? 6379 : Number(url.port),
      connectTimeout: timeoutMs,
      // One attempt: a check reports what it saw, the workflow decides about retries.
      reconnectStrategy: false,
      ...(tls
        ? {
            tls: true,
            // SNI carries host names only (RFC 6066); the certificate is still checked against the IP.
            ...(isIP(url.hostname) === 0 ? { servername: url.hostname } : {}),
            ...(target.ca ? { ca: target.ca } : {}),
          }
        : { tls: false }),
    },
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    // A command sent while disconnected fails at once instead of waiting for a reconnect that never comes.
    disableOfflineQueue: true,
  });
  // Errors also reach the awaiting command; without a listener they would crash the process.
  client.on('error', () => {});
  const onAbort = () => client.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  let step = `connect to ${url.host}${tls ? ' (TLS)' : ''}`;
  const started = performance.now();
  try {
    await client.connect();
    step = 'PING';
    const pong = await client.ping();
    if (pong !== 'PONG') return fail(`PING answered ${JSON.stringify(pong)}, expected PONG`);
    const key = `${config.keyPrefix}${randomUUID()}`;
    const value = `probe-${Date.now()}`;
    step = 'SET probe key';
    const set = await client.set(key, value, { expiration: { type: 'EX', value: config.keyTtlSeconds } });
    if (set !== 'OK') return fail(`SET of the probe key answered ${JSON.stringify(set)}, expected OK`);
    step = 'PTTL probe key';
    const ttlMs = await client.pTTL(key);
    if (ttlMs <= 0 || ttlMs > config.keyTtlSeconds * 1000) {
      return fail(`the probe key's TTL is ${ttlMs} ms, expected at most ${config.keyTtlSeconds} s`);
    }
    step = 'GET probe key';
    const read = await client.get(key);
    if (read !== value) return fail(`GET of the probe key answered ${JSON.stringify(read)}, not the value just set`);
    step = 'DEL probe key';
    const deleted = await client.del(key);
    if (deleted !== 1) return fail(`DEL of the probe key removed ${deleted} keys, expected 1`);
    const ms = Math.round(performance.now() - started);
    return pass(
      `PING, SET (TTL ${config.keyTtlSeconds} s), GET, DEL on ${url.host}${tls ? ' over TLS' : ''}${password ? ' with AUTH' : ''} in ${ms} ms`,
    );
  } catch (error) {
    if (signal.aborted) throw new ProbeFailure(`${step}: aborted`, { cause: error });
    return fail(describeRedisError(step, error));
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (client.isOpen) client.destroy();
  }
}
