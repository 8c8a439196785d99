/** Where the probes connect: targets from secrets and the replication group, each problem a finding. */
import { probeChecks } from '../../../../functions/run-deployment-probes/checks.js';
import {
  cacheTarget,
  databaseTarget,
  loginTarget,
  type TargetSettings,
  type TargetSource,
} from '../../../../functions/run-deployment-probes/targets.js';
import { defaultVerification } from '../../../../infra/config/verification.js';
import { runChecks } from '../../../../shared/probes/check.js';

const settings: TargetSettings = {
  databaseSecretId: '/interactions/prod/db-credentials',
  loginSecretId: '/interactions/prod/verification-login',
  cache: { replicationGroupId: 'interactions-prod', tls: true, authSecretId: '/interactions/prod/redis-auth-token' },
};
const signal = new AbortController().signal;

function source(secrets: Record<string, string>): TargetSource {
  return {
    secretString: async (id) => secrets[id],
    cachePrimaryEndpoint: async () => ({ host: 'master.interactions-prod.cache.amazonaws.com', port: 6379 }),
  };
}
const databaseSecret = JSON.stringify({
  host: 'db.internal',
  port: 5432,
  username: 'dbadmin',
  password: 'pw',
  dbname: 'interactions',
});

describe('probe targets', () => {
  it('reads the database from the RDS secret, with TLS required', async () => {
    const target = await databaseTarget(source({ [settings.databaseSecretId]: databaseSecret }), settings, signal);
    expect(target).toEqual({
      host: 'db.internal',
      port: 5432,
      database: 'interactions',
      user: 'dbadmin',
      password: 'pw',
      sslMode: 'require',
    });
  });

  it.each([
    [{}, 'does not exist'],
    [{ '/interactions/prod/db-credentials': 'not json' }, 'is not a JSON object'],
    [{ '/interactions/prod/db-credentials': JSON.stringify({ host: 'h', port: 5432 }) }, 'has no "dbname"'],
  ])('refuses a database secret %j without echoing it', async (secrets, message) => {
    await expect(databaseTarget(source(secrets), settings, signal)).rejects.toThrow(message);
  });

  it('skips the login when its secret does not exist', async () => {
    expect(await loginTarget(source({}), settings, signal)).toEqual({
      skipReason: 'no synthetic login: secret /interactions/prod/verification-login does not exist',
    });
  });

  it('connects to the cache with TLS and the AUTH token, or skips without a cache', async () => {
    const target = await cacheTarget(source({ '/interactions/prod/redis-auth-token': 'token' }), settings, signal);
    expect(target).toEqual({
      url: 'rediss://master.interactions-prod.cache.amazonaws.com:6379',
      password: 'token',
      requireTls: true,
    });
    expect(await cacheTarget(source({}), { ...settings, cache: undefined }, signal)).toEqual({
      skipReason: 'no cache configured for this environment',
    });
    await expect(cacheTarget(source({}), settings, signal)).rejects.toThrow('the cache AUTH token) does not exist');
  });
});

describe('probeChecks', () => {
  it('skips the HTTP, auth and frontend probes without URLs, and fails a check whose secret is missing', async () => {
    // Act
    const results = await runChecks(
      probeChecks({
        verification: defaultVerification('/health', 31_536_000),
        targets: { ...settings, cache: undefined },
        source: source({}),
      }),
    );

    // Assess
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['http:health', 'skipped'],
      ['frontend-assets', 'skipped'],
      ['auth-flow', 'skipped'],
      ['cache', 'skipped'],
      ['database', 'fail'],
    ]);
    expect(results[4]?.finding).toContain('/interactions/prod/db-credentials does not exist');
  });

  it('skips the frontend check on blue/green test traffic, where the CDN still serves the production release', async () => {
    // Act
    const [, frontend] = await runChecks(
      probeChecks({
        verification: defaultVerification('/health', 31_536_000),
        cdnUrl: 'https://cdn.example.com',
        onTestTraffic: true,
        targets: { ...settings, cache: undefined },
        source: source({}),
      }),
    );

    // Assess
    expect(frontend).toMatchObject({ name: 'frontend-assets', status: 'skipped' });
    expect(frontend?.finding).toContain('the CDN still serves the production release');
  });
});
