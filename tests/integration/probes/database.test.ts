/** The database check against a real PostgreSQL 15: SELECT 1 and the Alembic revision, healthy and broken. */
import { runDatabaseCheck } from '../../../shared/probes/database.js';
import { usePostgres } from '../../support/services/postgres.js';

const TIMEOUT_MS = 3000;

describe('database check', () => {
  const db = usePostgres({ tls: 'required' });

  beforeEach(async () => {
    await db().resetDatabase();
  });

  it('passes over verified TLS and reports the Alembic revision', async () => {
    // Prepare
    await db().sql(
      "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('4f2a9c1e7b3d'); GRANT SELECT ON alembic_version TO app;",
    );

    // Act
    const result = await runDatabaseCheck(db().target({ sslMode: 'verify-full' }), TIMEOUT_MS);

    // Assess
    expect(result.status).toBe('pass');
    expect(result.finding).toMatch(
      /^SELECT 1 ok on app@127\.0\.0\.1:\d+\/interactions \(sslmode=verify-full\); schema at Alembic revision 4f2a9c1e7b3d$/,
    );
  });

  it('fails saying migrations never ran when there is no alembic_version table', async () => {
    // Act
    const result = await runDatabaseCheck(db().target({ sslMode: 'verify-full' }), TIMEOUT_MS);

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/has no alembic_version table: migrations never ran$/);
  });

  it('fails when alembic_version is empty', async () => {
    // Prepare
    await db().sql(
      'CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); GRANT SELECT ON alembic_version TO app;',
    );

    // Act
    const result = await runDatabaseCheck(db().target({ sslMode: 'verify-full' }), TIMEOUT_MS);

    // Assess
    expect(result).toMatchObject({ status: 'fail' });
    expect(result.finding).toMatch(/alembic_version on .* is empty: no migration applied/);
  });

  it('fails naming the credentials when the password is wrong, without repeating it', async () => {
    // Act
    const result = await runDatabaseCheck(db().target({ sslMode: 'verify-full', password: 'wrong-pw' }), TIMEOUT_MS);

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^the database refused the credentials/);
    expect(result.finding).not.toContain('wrong-pw');
  });

  it('fails naming TLS when the server certificate is not trusted', async () => {
    // Prepare: verify-full against the system trust store only
    const { ca: _ca, ...untrusted } = db().target({ sslMode: 'verify-full' });

    // Act
    const result = await runDatabaseCheck(untrusted, TIMEOUT_MS);

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^TLS to the database failed/);
  });

  it('fails as unreachable while the server is down', async () => {
    // Prepare
    await db().kill();

    // Act
    const result = await runDatabaseCheck(db().target({ sslMode: 'verify-full' }), TIMEOUT_MS).finally(() =>
      db().start(),
    );

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^cannot reach the database: ECONNREFUSED/);
  });
});
