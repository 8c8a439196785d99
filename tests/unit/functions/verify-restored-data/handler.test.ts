/**
 * verify-restored-data: credentials from Secrets Manager (mocked), the SQL against a real
 * PostgreSQL 15 that requires TLS, the environment's checks from its variables.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/verify-restored-data/handler.js';
import { dev } from '../../../../infra/config/dev.js';
import { prod } from '../../../../infra/config/prod.js';
import { verifyRestoredDataOutput } from '../../../../workflows/recovery-test/contract.js';
import { freePort, usePostgres } from '../../../support/services/postgres.js';
import { interactionsFingerprint, loadSeedData } from '../../../support/services/seed-data.js';

const db = usePostgres({ tls: 'required' });
const secrets = mockClient(SecretsManagerClient);
const secretsClient = new SecretsManagerClient({ region: 'us-east-1' });
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:/interactions/prod/db-credentials-AbCdEf';
const VERIFIED_AT = new Date('2025-06-01T10:20:00Z');
const context = { functionName: 'interactions-prod-verify-restored-data', awsRequestId: 'r1' } as Context;
const env = { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', WORKFLOW: 'recovery-test' };

function handler(options: { ca?: string | undefined } = {}) {
  return createHandler({
    env,
    clients: {
      secretsManager: () => secretsClient,
      drills: prod.drills,
      ...('ca' in options
        ? options.ca === undefined
          ? {}
          : { databaseCa: options.ca }
        : { databaseCa: db().caCertificate }),
    },
    clock: () => VERIFIED_AT,
  });
}

function input(overrides: Record<string, unknown> = {}) {
  return {
    execution: 'recovery-test-2025-06',
    endpoint: { address: '127.0.0.1', port: db().port },
    databaseName: db().database,
    secretArn: SECRET_ARN,
    restorePoint: '2025-06-01T10:00:00Z',
    ...overrides,
  };
}

function secretHolds(value: Record<string, unknown>): void {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify(value) });
}

beforeAll(async () => {
  await loadSeedData(db(), { newestAt: new Date('2025-06-01T09:57:30Z') });
});

beforeEach(() => {
  secrets.reset();
  // An RDS-attached secret names the source instance's endpoint: the restored instance's (the input's) wins.
  secretHolds({
    username: db().user,
    password: db().password,
    host: 'interactions-prod-postgres.example',
    port: 5432,
    dbname: 'x',
  });
});

describe('verify-restored-data handler', () => {
  it("runs the environment's checks over verified TLS and returns each check and the RPO", async () => {
    // Act
    const output = await handler()(input(), context);

    // Assess
    expect(verifyRestoredDataOutput.parse(output)).toEqual(output);
    expect(output).toMatchObject({
      passed: true,
      newestDataAt: '2025-06-01T09:57:30.000Z',
      rpoSeconds: 150,
      verifiedAt: '2025-06-01T10:20:00.000Z',
    });
    expect(output.checks.map((check) => [check.name, check.status])).toEqual(
      prod.drills.dataChecks.map((check) => [check.name, 'pass']),
    );
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("runs the input's checks instead of the environment's", async () => {
    // Act
    const output = await handler()(
      input({ checks: [{ name: 'three interactions', sql: 'SELECT count(*) FROM interactions', equals: 3 }] }),
      context,
    );

    // Assess
    expect(output.checks).toEqual([
      expect.objectContaining({ name: 'three interactions', status: 'pass', value: 3, finding: 'equals 3' }),
    ]);
    expect(output.rpoSeconds).toBeUndefined();
  });

  it('returns passed: false (not an error) when a check fails, and a write attempt changes nothing', async () => {
    // Prepare
    const before = await interactionsFingerprint(db());

    // Act
    const output = await handler()(
      input({ checks: [{ name: 'wipe', sql: 'DELETE FROM interactions RETURNING 1', min: 0 }] }),
      context,
    );

    // Assess
    expect(output.passed).toBe(false);
    expect(output.checks[0]?.finding).toMatch(/tried to write and was refused/);
    expect(await interactionsFingerprint(db())).toBe(before);
  });

  it('fails the freshness check when the RPO exceeds the environment objective', async () => {
    // Act: the restore point is 20 minutes after the newest data; prod allows 5.
    const output = await handler()(input({ restorePoint: '2025-06-01T10:17:30Z' }), context);

    // Assess
    expect(output.passed).toBe(false);
    expect(output.rpoSeconds).toBe(1200);
    expect(output.checks.at(-1)).toMatchObject({
      status: 'fail',
      finding: expect.stringMatching(/exceeds the objective of 5m 0s/),
    });
  });

  it('refuses a certificate it cannot verify: TLS is always verified', async () => {
    // Act: without the test CA the server's certificate is unknown.
    const result = handler({ ca: undefined })(input(), context);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'VerificationFailedError',
      message: expect.stringMatching(/^Restored database: TLS to the database failed/),
    });
  });

  it('throws RetryableError naming the endpoint when the database cannot be reached', async () => {
    // Prepare
    const port = await freePort();

    // Act
    const result = handler()(input({ endpoint: { address: '127.0.0.1', port } }), context);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'RetryableError',
      message: expect.stringContaining(`cannot reach the database: connect ECONNREFUSED 127.0.0.1:${port}`),
    });
  });

  it('throws VerificationFailedError when the secret holds the wrong password, without repeating it', async () => {
    // Prepare
    secretHolds({ username: db().user, password: 'stale-password' });

    // Act
    const error: unknown = await handler()(input(), context).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toMatchObject({
      name: 'VerificationFailedError',
      message: expect.stringMatching(/refused the credentials/),
    });
    expect(String(error)).not.toContain('stale-password');
  });

  it('throws ConfigurationError when the secret is not a database secret, naming the fields', async () => {
    // Prepare
    secretHolds({ user: 'x', password: '' });

    // Act
    const result = handler()(input(), context);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: `Secret ${SECRET_ARN} is not a database secret: username: Invalid input: expected string, received undefined; password: must be a non-empty string`,
    });
  });

  it.each([
    [{ endpoint: { address: 'db', port: 0 } }, /endpoint.port/],
    [{ secretArn: 'not-an-arn' }, /secretArn: must be a Secrets Manager secret ARN/],
    [{ restorePoint: 'yesterday' }, /restorePoint: must be an ISO 8601 timestamp/],
    [{ databaseName: 'x; DROP' }, /databaseName: must be a PostgreSQL database name/],
    [
      { checks: [{ name: 'a', sql: 'SELECT 1', min: 1, equals: 1 }] },
      /checks: \[0\] a: needs exactly one of min, equals or freshness, found min and equals/,
    ],
  ])('rejects malformed input %j before reading any secret', async (overrides, message) => {
    // Act
    const result = handler()(input(overrides), context);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(message) });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it("judges the RPO against the environment's own objective (dev allows a day)", async () => {
    // Prepare
    const devHandler = createHandler({
      env: { ...env, ENVIRONMENT: 'dev' },
      clients: { secretsManager: () => secretsClient, drills: dev.drills, databaseCa: db().caCertificate },
    });

    // Act: the same 20 minutes that fail prod's 5-minute objective.
    const output = await devHandler(input({ restorePoint: '2025-06-01T10:17:30Z' }), context);

    // Assess
    expect(output).toMatchObject({ passed: true, rpoSeconds: 1200 });
  });
});
