import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { readDatabaseSecret, targetFromSecret } from '../../../shared/database-secret.js';

const secrets = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-east-1' });
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:/interactions/prod/db-credentials-AbCdEf';

beforeEach(() => secrets.reset());

describe('readDatabaseSecret', () => {
  it('reads an RDS-attached secret, port as a number', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: JSON.stringify({
        engine: 'postgres',
        username: 'dbadmin',
        password: 'pw',
        host: 'db.example',
        port: 5432,
        dbname: 'interactions',
        dbInstanceIdentifier: 'interactions-prod-postgres',
      }),
    });

    // Act
    const secret = await readDatabaseSecret(client, ARN);

    // Assess
    expect(secret).toEqual({
      username: 'dbadmin',
      password: 'pw',
      host: 'db.example',
      port: 5432,
      dbname: 'interactions',
    });
  });

  it('reads a generated secret with credentials only, and a port given as text', async () => {
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{"username":"u","password":"p"}' }).resolvesOnce({
      SecretString: '{"username":"u","password":"p","port":"6432"}',
    });
    expect(await readDatabaseSecret(client, ARN)).toEqual({ username: 'u', password: 'p' });
    expect((await readDatabaseSecret(client, ARN)).port).toBe(6432);
  });

  it.each([
    [{ SecretBinary: new Uint8Array([1]) }, /has no SecretString/],
    [{ SecretString: 'pw=1' }, /is not JSON/],
    [{ SecretString: '{"username":"u","password":"top-secret","port":99999}' }, /port: must be a TCP port/],
  ])('refuses %j with a ConfigurationError that never repeats the values', async (response, message) => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves(response);

    // Act
    const error: unknown = await readDatabaseSecret(client, ARN).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toMatchObject({ name: 'ConfigurationError', message: expect.stringMatching(message) });
    expect(String(error)).toContain(ARN);
    expect(String(error)).not.toContain('top-secret');
  });
});

describe('targetFromSecret', () => {
  it('takes the credentials from the secret and the endpoint from the caller', () => {
    expect(
      targetFromSecret(
        { username: 'u', password: 'p', host: 'source.example', port: 5432, dbname: 'other' },
        { host: 'restored.example', port: 5433, database: 'interactions', sslMode: 'verify-full', ca: 'PEM' },
      ),
    ).toEqual({
      host: 'restored.example',
      port: 5433,
      database: 'interactions',
      user: 'u',
      password: 'p',
      sslMode: 'verify-full',
      ca: 'PEM',
    });
  });
});
