/**
 * The recovery test with its real verifier: the synthesized state machine runs locally, RDS answers
 * are mocked (the "restored" instance's endpoint is a real PostgreSQL 15 server on loopback, TLS
 * required), Secrets Manager is mocked with aws-sdk-client-mock, and "Verify restored data" runs
 * functions/verify-restored-data's handler, trusting the
 * test server's CA and with prod's drills config (as the bundle compiles it in). The evidence (checks, RPO, RTO) comes from real SQL.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../functions/verify-restored-data/handler.js';
import { loadConfig } from '../../infra/config/index.js';
import { TEMPORARY_DB_STATES as S } from '../../workflows/common/temporary-db-instance.js';
import { usePostgres } from '../support/services/postgres.js';
import { loadSeedData } from '../support/services/seed-data.js';
import { workflowTestbed } from '../support/workflow-testbed.js';
import { deletedInstances, drillWorld, ok, verifierName } from './recovery-test.fixtures.js';

const bed = workflowTestbed({ workflow: 'recovery-test', env: 'prod' });
const db = usePostgres({ tls: 'required' });
const secrets = mockClient(SecretsManagerClient);
const { drills } = loadConfig('prod');

afterAll(() => secrets.restore());

beforeEach(async () => {
  await db().resetDatabase();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({ username: db().user, password: db().password, engine: 'postgres' }),
  });
});

/**
 * A drill whose restored instance is the test server, its newest data `lagMinutes` before the
 * restore point, then `damage` (SQL) applied as a restore that lost something would look.
 */
async function drill(lagMinutes: number, damage?: string) {
  const world = drillWorld('prod', 'drill-real-verifier');
  const restorePoint = new Date(Date.now() - 5 * 60_000);
  await loadSeedData(db(), { newestAt: new Date(restorePoint.getTime() - lagMinutes * 60_000) });
  if (damage !== undefined) await db().sql(damage);
  const endpoint = { Endpoint: { Address: '127.0.0.1', Port: db().port } };
  const verifier = createHandler({
    env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', WORKFLOW: 'recovery-test' },
    clients: { secretsManager: () => new SecretsManagerClient({}), drills, databaseCa: db().caCertificate },
  });
  const source = { ...(world.base['Describe source database'] as { Return: { DbInstances: object[] } }).Return };
  const run = await bed.run({
    input: { requestedBy: 'alice@example.com' },
    executionName: world.execution,
    mocks: {
      ...world.base,
      'Describe source database': ok({
        DbInstances: [{ ...source.DbInstances[0], LatestRestorableTime: restorePoint.toISOString() }],
      }),
      [S.describe]: [world.restored('creating'), world.restored('available', endpoint)],
    },
    lambdas: { [verifierName('prod')]: verifier },
  });
  return { world, run, restorePoint };
}

describe('recovery test with the real verifier against PostgreSQL 15', () => {
  it('verifies the restored data over TLS with the secret, measures the RPO and files it', async () => {
    // Act
    const { world, run } = await drill(2);

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.output).toMatchObject({ rpoSeconds: 120, objectivesMet: { rto: true, rpo: true } });
    expect(run.output?.checks.map((c) => [c.name, c.status])).toEqual(
      drills.dataChecks.map((check) => [check.name, 'pass']),
    );
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: expect.stringContaining(':secret:/interactions/prod/db-credentials'),
    });
    expect(deletedInstances(run)).toEqual([world.instance]);
    expect(await bed.report(run)).toMatchObject({ details: { evaluation: { rpoSeconds: 120, passed: true } } });
  });

  it('fails the drill when the restored data is older than the RPO objective, after deleting the instance', async () => {
    // Act: prod's objective is 5 minutes; the newest row is 30 minutes before the restore point.
    const { world, run } = await drill(30);

    // Assess
    expect(run).toHaveFailedWith('RecoveryTestFailed', 'newest interactions.created_at');
    expect(deletedInstances(run)).toEqual([world.instance]);
    expect(await bed.report(run)).toMatchObject({
      status: 'FAILED',
      details: { evaluation: { passed: false, rpoSeconds: 1800, objectivesMet: { rpo: false } } },
    });
  });

  it('fails the drill naming the check when the restore lacks a table, after deleting the instance', async () => {
    // Act
    const { world, run } = await drill(1, 'DROP TABLE interactions');

    // Assess
    expect(run).toHaveFailedWith('RecoveryTestFailed', 'interactions has rows');
    expect(deletedInstances(run)).toEqual([world.instance]);
  });
});
