/**
 * shared/probes/postgres.ts against a real PostgreSQL 15: read-only transactions, statement
 * timeouts, TLS modes, connection failures, and the connection always closed.
 */
import {
  DatabaseConnectionError,
  pingDatabase,
  sqlState,
  withConnection,
  withReadOnlyTransaction,
} from '../../shared/probes/postgres.js';
import { freePort, usePostgres } from '../support/services/postgres.js';

const db = usePostgres({ tls: 'on' });

beforeAll(async () => {
  await db().sql(`
    CREATE TABLE events (id int PRIMARY KEY, happened_at timestamp NOT NULL);
    INSERT INTO events VALUES (1, '2025-06-01 09:00:00'), (2, '2025-06-01 10:00:00');
    GRANT SELECT, INSERT, UPDATE, DELETE ON events TO app;
  `);
});

async function sessionsOfApp(): Promise<number> {
  const rows = await db().query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'app' AND pid <> pg_backend_pid()",
  );
  return Number(rows[0]?.n);
}

describe('withReadOnlyTransaction', () => {
  it('runs queries over verified TLS and reads timestamps without a zone as UTC', async () => {
    // Act
    const rows = await withReadOnlyTransaction(db().target({ sslMode: 'verify-full' }), {}, (session) =>
      session.query<{ newest: Date; tls: boolean }>(
        'SELECT max(happened_at) AS newest, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls FROM events',
      ),
    );

    // Assess
    expect(rows).toEqual([{ newest: new Date('2025-06-01T10:00:00Z'), tls: true }]);
  });

  it('returns rows as arrays of values with queryValues', async () => {
    const values = await withReadOnlyTransaction(db().target(), {}, (session) =>
      session.queryValues('SELECT count(*), $1::text FROM events', ['x']),
    );
    expect(values).toEqual([['2', 'x']]);
  });

  it('refuses a write and leaves the data unchanged', async () => {
    // Act
    const write = withReadOnlyTransaction(db().target(), {}, (session) => session.query('DELETE FROM events'));

    // Assess
    await expect(write).rejects.toThrow(/cannot execute DELETE in a read-only transaction/);
    expect(await db().query('SELECT count(*)::int AS n FROM events')).toEqual([{ n: 2 }]);
  });

  it('refuses several statements in one query, so COMMIT cannot end the read-only transaction', async () => {
    // Act
    const smuggled = withReadOnlyTransaction(db().target(), {}, (session) =>
      session.query('COMMIT; DELETE FROM events'),
    );

    // Assess
    await expect(smuggled).rejects.toThrow(/cannot insert multiple commands into a prepared statement/);
    expect(await db().query('SELECT count(*)::int AS n FROM events')).toEqual([{ n: 2 }]);
  });

  it('undoes a session setting a statement changed, so the next transaction is read-only again', async () => {
    // Act
    const states = await withConnection(db().target(), {}, async (connection) => {
      await connection.readOnly((session) => session.query('SET default_transaction_read_only = off'));
      return connection.readOnly((session) => session.query<{ ro: string }>('SHOW transaction_read_only'));
    });

    // Assess
    expect(states).toEqual([{ transaction_read_only: 'on' }]);
  });

  it('cancels a statement slower than the statement timeout', async () => {
    // Prepare
    const started = Date.now();

    // Act
    const slow = withReadOnlyTransaction(db().target(), { statementTimeoutMs: 200 }, (session) =>
      session.query('SELECT pg_sleep(5)'),
    );

    // Assess
    const error = await slow.catch((e: unknown) => e);
    expect(sqlState(error)).toBe('57014');
    expect(String(error)).toMatch(/canceling statement due to statement timeout/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('closes its connection when the function succeeds and when it throws', async () => {
    // Act
    await withReadOnlyTransaction(db().target(), {}, (session) => session.query('SELECT 1'));
    await withReadOnlyTransaction(db().target(), {}, async () => {
      throw new Error('boom');
    }).catch(() => undefined);

    // Assess
    expect(await sessionsOfApp()).toBe(0);
  });
});

describe('connection failures', () => {
  it('reports a closed port as unreachable, quickly', async () => {
    // Prepare
    const port = await freePort();
    const started = Date.now();

    // Act
    const error = await withConnection({ ...db().target(), port }, { connectTimeoutMs: 2000 }, async () => 1).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error).toMatchObject({ kind: 'unreachable', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports wrong credentials without repeating the password', async () => {
    const error = await withConnection(db().target({ password: 'not-the-password' }), {}, async () => 1).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ kind: 'authentication', retryable: false });
    expect((error as Error).message).not.toContain('not-the-password');
  });

  it('reports a certificate it cannot verify as a TLS failure', async () => {
    // Prepare: the runtime's trust store does not know the test CA.
    const { ca: _ca, ...withoutCa } = db().target({ sslMode: 'verify-full' });

    // Act
    const error = await withConnection(withoutCa, {}, async () => 1).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ kind: 'tls', retryable: false });
  });

  it('reports a database that does not exist', async () => {
    const error = await withConnection(db().target({ database: 'nope' }), {}, async () => 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'database-missing' });
  });

  it('gives up within the connect timeout when the server never answers', async () => {
    // Prepare: a TCP listener that accepts and stays silent, as a black-holed security group looks.
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    const started = Date.now();

    // Act
    const error = await withConnection(
      { ...db().target({ sslMode: 'disable' }), port },
      { connectTimeoutMs: 300 },
      async () => 1,
    ).catch((e: unknown) => e);

    // Assess
    for (const socket of sockets) socket.destroy();
    silent.close();
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('pingDatabase', () => {
  it('reports a round trip, then the outage while the server is down, then the recovery', async () => {
    // Act
    const up = await pingDatabase(db().target(), { connectTimeoutMs: 1000 });
    await db().kill();
    const down = await pingDatabase(db().target(), { connectTimeoutMs: 1000 });
    await db().start();
    const back = await pingDatabase(db().target(), { connectTimeoutMs: 1000 });

    // Assess
    expect(up).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(down).toMatchObject({ ok: false, kind: 'unreachable', error: expect.stringMatching(/ECONNREFUSED/) });
    expect(back.ok).toBe(true);
  });

  it('fails a connection whose server dies mid-query instead of waiting for it', async () => {
    // Act: the server is shut down while the statement sleeps.
    const running = withReadOnlyTransaction(db().target(), { statementTimeoutMs: 10_000 }, (session) =>
      session.query('SELECT pg_sleep(5)'),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await db().kill();
    const error = await running.catch((e: unknown) => e);
    await db().start();

    // Assess
    expect(String(error)).toMatch(/terminat|Connection|shutdown/i);
  });

  it('gives up on a server that stops answering mid-connection, and closes without waiting for it', async () => {
    // Prepare: SIGSTOP freezes the backend serving this connection: the socket stays open, nothing answers.
    const started = { at: 0 };
    let backend = 0;

    // Act
    const error = await withConnection(db().target(), { statementTimeoutMs: 300 }, async (connection) => {
      const [row] = await connection.readOnly((session) =>
        session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'),
      );
      backend = row?.pid ?? 0;
      process.kill(backend, 'SIGSTOP');
      started.at = Date.now();
      return connection.readOnly((session) => session.query('SELECT 1'));
    }).catch((e: unknown) => e);
    const elapsed = Date.now() - started.at;
    process.kill(backend, 'SIGCONT');

    // Assess: statement timeout 300 ms + the client's 2 s margin, then the socket is dropped at once.
    expect(String(error)).toMatch(/Query read timeout/);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(4000);
  });
});
