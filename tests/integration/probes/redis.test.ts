/** The cache check against a real Redis 7 on loopback: AUTH, TLS, down, killed and restarted. */
import { defaultVerification } from '../../../infra/config/verification.js';
import { runCheck } from '../../../shared/probes/check.js';
import { type RedisTarget, runCacheCheck } from '../../../shared/probes/redis.js';
import { type LocalRedis, requireRedisServer, startRedis } from '../../support/services/redis.js';

const { cache } = defaultVerification('/health', 31_536_000);
const TIMEOUT_MS = 2000;

const cacheCheck = (target: RedisTarget, timeoutMs = TIMEOUT_MS) =>
  runCheck({ name: 'cache', timeoutMs, run: (signal) => runCacheCheck(target, cache, signal, timeoutMs) });

describe('cache check against a plain Redis with AUTH', () => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.cleanup();
  });

  it('passes with the right password: PING, SET with TTL, GET, DEL', async () => {
    // Act
    const result = await cacheCheck({ url: redis.url });

    // Assess
    expect(result).toMatchObject({ name: 'cache', status: 'pass' });
    expect(result.finding).toContain('with AUTH');
  });

  it('leaves no probe key behind', async () => {
    // Prepare
    const { createClient } = await import('redis');
    const client = createClient({ url: redis.url });
    await client.connect();

    // Act
    await cacheCheck({ url: redis.url });
    const left = await client.keys(`${cache.keyPrefix}*`);
    await client.close();

    // Assess
    expect(left).toEqual([]);
  });

  it('fails naming AUTH when the password is wrong', async () => {
    // Act
    const result = await cacheCheck({ url: redis.urlWithoutPassword, password: 'not-the-password' });

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/AUTH refused: wrong password/);
    expect(result.finding).not.toContain('not-the-password');
  });

  it('fails saying a password is required when none is given', async () => {
    // Act
    const result = await cacheCheck({ url: redis.urlWithoutPassword });

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/requires a password/);
  });

  it('refuses a plain URL when TLS is required, before connecting', async () => {
    // Act
    const result = await cacheCheck({ url: redis.url, requireTls: true });

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/TLS is required/);
  });

  it('fails as refused while the server is down and passes again after a restart', async () => {
    // Prepare
    await redis.kill();

    // Act
    const whileDown = await cacheCheck({ url: redis.url });
    await redis.restart();
    const afterRestart = await cacheCheck({ url: redis.url });

    // Assess
    expect(whileDown.status).toBe('fail');
    expect(whileDown.finding).toMatch(/connection refused/);
    expect(afterRestart.status).toBe('pass');
  });

  it('fails at its timeout when the server accepts but never answers (stopped process)', async () => {
    // Prepare: the port stays open, nothing answers.
    redis.pause();

    // Act
    const started = performance.now();
    const result = await cacheCheck({ url: redis.url }, 500).finally(() => redis.resume());
    const elapsed = performance.now() - started;

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/timed out after 500 ms/);
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('cache check against a TLS-only Redis', () => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await startRedis({ tls: true, password: 'tls-secret' });
  });
  afterAll(async () => {
    await redis.cleanup();
  });

  it('passes over TLS with the server certificate trusted and the right password', async () => {
    // Act
    const result = await cacheCheck({ url: redis.url, ca: redis.caPem, requireTls: true });

    // Assess
    expect(result.status).toBe('pass');
    expect(result.finding).toContain('over TLS');
  });

  it('fails naming TLS when the certificate is not trusted', async () => {
    // Act
    const result = await cacheCheck({ url: redis.url });

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/TLS failed: .*certificate/i);
  });

  it('fails when reached without TLS', async () => {
    // Act
    const result = await cacheCheck({ url: redis.url.replace('rediss://', 'redis://') });

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^connect to 127\.0\.0\.1:\d+: the server closed the connection/);
  });
});

describe('test Redis server', () => {
  it('fails with a message naming the install script when redis-server is missing', () => {
    expect(() => requireRedisServer('redis-server-not-installed')).toThrow(
      'redis-server-not-installed is not installed, so the Redis tests cannot start one: run `bash scripts/install-services.sh` (installs PostgreSQL 15 and Redis 7)',
    );
  });

  it('goes down on kill, comes back on restart, and stops the restarted server', async () => {
    // Prepare
    const server = await startRedis();

    // Act
    await server.kill();
    const afterKill = await server.isRunning();
    await server.restart();
    const afterRestart = await server.isRunning();
    await server.stop();
    const afterStop = await server.isRunning();
    await server.cleanup();

    // Assess
    expect([afterKill, afterRestart, afterStop]).toEqual([false, true, false]);
  });

  it('finds the installed redis-server', () => {
    expect(requireRedisServer()).toMatch(/redis-server$/);
  });
});
