/**
 * The test PostgreSQL server itself (tests/support/services/postgres.ts): other tests rely on it
 * starting fast, authenticating by password, enforcing TLS when asked, going down and coming back,
 * and leaving nothing behind.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { clientConfig } from '../../shared/probes/postgres.js';
import { startPostgres, usePostgres } from '../support/services/postgres.js';

async function selectOne(config: pg.ClientConfig): Promise<number> {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return result.rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

describe('test PostgreSQL server without TLS', () => {
  const db = usePostgres();

  it('accepts the application user with its password and refuses a wrong one', async () => {
    // Act
    const good = await selectOne(clientConfig(db().target()));
    const bad = selectOne(clientConfig(db().target({ password: 'wrong' })));

    // Assess
    expect(good).toBe(1);
    await expect(bad).rejects.toThrow(/password authentication failed/);
  });

  it('runs superuser SQL in the test database and resets it', async () => {
    // Prepare
    await db().sql('CREATE TABLE things (id int); INSERT INTO things VALUES (1), (2);');

    // Act
    const before = await db().query<{ n: string }>('SELECT count(*) AS n FROM things');
    await db().resetDatabase();
    const after = await db().query<{ n: string }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'things'",
    );

    // Assess
    expect(before).toEqual([{ n: '2' }]);
    expect(after).toEqual([{ n: '0' }]);
  });

  it('goes down on kill() and comes back on start() with its data, on the same port', async () => {
    // Prepare
    await db().sql('CREATE TABLE survivor (id int); INSERT INTO survivor VALUES (7);');
    const port = db().port;

    // Act
    await db().kill();
    const whileDown = selectOne(clientConfig(db().target(), { connectTimeoutMs: 1000 }));
    await expect(whileDown).rejects.toThrow(/ECONNREFUSED/);
    await db().start();

    // Assess
    expect(db().port).toBe(port);
    expect(db().running).toBe(true);
    expect(await db().query('SELECT id FROM survivor')).toEqual([{ id: 7 }]);
  });
});

describe('test PostgreSQL server with TLS required', () => {
  const db = usePostgres({ tls: 'required' });

  it('accepts a verified TLS connection with its CA', async () => {
    expect(await selectOne(clientConfig(db().target({ sslMode: 'verify-full' })))).toBe(1);
  });

  it('refuses a plain TCP connection', async () => {
    await expect(selectOne(clientConfig(db().target({ sslMode: 'disable' })))).rejects.toThrow(
      /no pg_hba.conf entry.*no encryption/,
    );
  });
});

describe('test PostgreSQL server lifecycle', () => {
  it('removes its directory on stop() and tolerates a second stop()', async () => {
    // Prepare
    const server = await startPostgres();
    const directory = dirname(server.logFile);

    // Act
    await server.stop();
    await server.stop();

    // Assess
    expect(existsSync(directory)).toBe(false);
  });
});

describe('test PostgreSQL server on a machine without PostgreSQL 15', () => {
  it('fails (never skips) with a message naming scripts/install-services.sh', async () => {
    // Prepare
    const previous = process.env.POSTGRES_BIN_DIR;
    process.env.POSTGRES_BIN_DIR = '/nonexistent/postgresql/15/bin';

    // Act
    let started: Promise<unknown> = Promise.resolve();
    jest.isolateModules(() => {
      const fresh = require('../support/services/postgres.js') as typeof import('../support/services/postgres.js');
      started = fresh.startPostgres();
    });
    if (previous === undefined) delete process.env.POSTGRES_BIN_DIR;
    else process.env.POSTGRES_BIN_DIR = previous;

    // Assess
    await expect(started).rejects.toThrow(
      /PostgreSQL 15 is not installed \(\/nonexistent\/postgresql\/15\/bin\/initdb is missing\): run `bash scripts\/install-services.sh`/,
    );
  });
});
