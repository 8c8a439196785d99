/** The prober's handler and its real probe set: input checked before any probe, credentials read once. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/downtime-prober/handler.js';
import { type ProberSettings, sdkProbeSet } from '../../../../functions/downtime-prober/probes.js';
import { emptySummary } from '../../../../functions/downtime-prober/timeline.js';

const env = {
  ENVIRONMENT: 'staging',
  WORKFLOW: 'failover-drill',
  AWS_REGION: 'us-east-1',
  DB_HOST: 'db.internal',
  DB_PORT: '5432',
  DB_NAME: 'interactions',
  DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db',
  REDIS_HOST: 'cache.internal',
  REDIS_PORT: '6379',
  REDIS_TLS: 'true',
  REDIS_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redis',
  HEALTH_URL: 'https://app.example.com/health',
};
const base = { workflow: 'failover-drill', execution: 'drill-1', startedAt: '2026-03-10T10:00:00Z' };

describe('downtime-prober handler', () => {
  it('rejects a malformed input before probing anything', async () => {
    // Prepare
    const probes = jest.fn();
    const handler = createHandler({ env, clients: { probes } });

    // Act / Assess
    await expect(handler({ ...base, windowSeconds: 0, summary: emptySummary() }, {} as never)).rejects.toThrow(
      /windowSeconds/,
    );
    expect(probes).not.toHaveBeenCalled();
  });

  it('folds one window of probes into the summary it was given', async () => {
    // Prepare
    const ok = async () => undefined;
    const handler = createHandler({
      env,
      clients: {
        probes: async () => ({ database: ok, cache: async () => Promise.reject(new Error('down')), application: ok }),
      },
    });

    // Act
    const summary = (await handler({ ...base, windowSeconds: 1, summary: emptySummary() }, {} as never)) as ReturnType<
      typeof emptySummary
    >;

    // Assess
    expect(summary.windows).toBe(1);
    expect(summary.dependencies.cache).toMatchObject({ samples: 1, failures: 1, openOutage: { error: 'down' } });
    expect(summary.dependencies.database).toMatchObject({ samples: 1, failures: 0, lastOk: true });
  });
});

describe('sdkProbeSet', () => {
  it('reads the database and Redis secrets once per container', async () => {
    // Prepare
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { SecretId: env.DB_SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ username: 'app', password: 'pw' }) })
      .on(GetSecretValueCommand, { SecretId: env.REDIS_AUTH_SECRET_ARN })
      .resolves({ SecretString: 'token' });
    const settings = { ...env, DB_PORT: 5432, REDIS_PORT: 6379 } as unknown as ProberSettings;
    const set = sdkProbeSet(settings, () => new SecretsManagerClient({}));

    // Act
    const first = await set.probes();
    await set.probes();

    // Assess
    expect(Object.keys(first).sort()).toEqual(['application', 'cache', 'database']);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    secrets.restore();
  });

  it('fails clearly when the Redis AUTH secret is empty', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { SecretId: env.DB_SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ username: 'app', password: 'pw' }) })
      .on(GetSecretValueCommand, { SecretId: env.REDIS_AUTH_SECRET_ARN })
      .resolves({});
    const settings = { ...env, DB_PORT: 5432, REDIS_PORT: 6379 } as unknown as ProberSettings;
    await expect(sdkProbeSet(settings, () => new SecretsManagerClient({})).probes()).rejects.toThrow(
      `Secret ${env.REDIS_AUTH_SECRET_ARN} has no SecretString: expected the Redis AUTH token`,
    );
    secrets.restore();
  });
});
