/**
 * A real PostgreSQL 15 server on loopback for one test file: a data directory copied from one
 * `initdb` per process into a temp directory, a free port, its socket in that directory, optional
 * TLS (a throwaway CA from `tls.ts`), and a password-authenticated application user
 * (scram-sha-256) owning the test database. Start takes about 0.6 s on an idle machine (no fsync;
 * the first server of a process adds the initdb). The server can be killed (immediate shutdown, as
 * a crash or a failover looks to clients) and started again on the same port with the same data.
 *
 * As root (CI, these machines) the server runs as the `postgres` user through `runuser`, since
 * `initdb` refuses root; as any other user it runs as that user. Servers are stopped and their
 * directories removed by `stop()` (`usePostgres` calls it in afterAll) and, as a last resort, by a
 * watchdog when the test process is gone (see serversDirectory). A machine without PostgreSQL 15 fails with a message naming
 * `scripts/install-services.sh`: the tests need the server, they never skip.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { PostgresTarget, SslMode } from '../../../shared/probes/postgres.js';
import { createTlsMaterial } from './tls.js';

const run = promisify(execFile);

/** Where the PostgreSQL 15 binaries are (Debian's layout); POSTGRES_BIN_DIR overrides it. */
const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/** The one command that installs the servers the tests need. */
export const INSTALL_HINT = 'run `bash scripts/install-services.sh` (installs PostgreSQL 15 and Redis 7)';

/** TLS of the test server: off, offered (clients choose), or required (plain TCP refused by pg_hba). */
export type PostgresTlsMode = 'off' | 'on' | 'required';

/** How the server is set up. */
export interface PostgresServerOptions {
  /** @default 'off' */
  readonly tls?: PostgresTlsMode;
  /** The application user (password-authenticated over TCP). @default 'app' */
  readonly user?: string;
  /** @default 'app-password' */
  readonly password?: string;
  /** A database owned by the user. @default 'interactions' */
  readonly database?: string;
  /** Extra `postgresql.conf` settings. @default none */
  readonly settings?: Readonly<Record<string, string | number>>;
}

/** Connection parameters a test varies when it asks for a URL or a target. */
export interface ConnectionOverrides {
  /** @default 'disable' when TLS is off, else 'verify-full' */
  readonly sslMode?: SslMode;
  /** @default the application user */
  readonly user?: string;
  /** @default the application user's password */
  readonly password?: string;
  /** @default the test database */
  readonly database?: string;
}

/** A running (or killed) test server and what a test needs to use it. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly tls: PostgresTlsMode;
  /** PEM of the CA that signed the server certificate (trust it for verify-full); undefined without TLS. */
  readonly caCertificate: string | undefined;
  /** The server's log file (read it when a test needs to know why the server refused something). */
  readonly logFile: string;
  /** `postgres://user:password@127.0.0.1:port/db?sslmode=...`. */
  url(overrides?: ConnectionOverrides): string;
  /** A `PostgresTarget` for shared/probes/postgres.ts (the CA included for verify-full). */
  target(overrides?: ConnectionOverrides): PostgresTarget;
  /** Runs SQL (several statements allowed) as the superuser in `database` (default: the test database). */
  sql(text: string, database?: string): Promise<void>;
  /** Runs one query as the superuser in the test database and returns its rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** Runs a SQL file as the superuser in the test database. */
  loadSqlFile(path: string): Promise<void>;
  /** Drops and recreates the test database (owned by the user), so a test starts from nothing. */
  resetDatabase(): Promise<void>;
  /** Immediate shutdown, as a crash looks to clients (connections reset); data and port are kept. */
  kill(): Promise<void>;
  /** Starts the server again after `kill()` (same port, same data, crash recovery included). */
  start(): Promise<void>;
  /** `kill()` then `start()`. */
  restart(): Promise<void>;
  /** Whether the server accepts connections now (it is up). */
  readonly running: boolean;
  /** Stops the server for good and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** PostgreSQL 15 is not installed (or cannot run here): the message says how to install it. */
export class PostgresUnavailableError extends Error {
  override readonly name = 'PostgresUnavailableError';
}

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/** The OS user that runs the server: `postgres` when we are root, else ourselves. */
function serverOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new PostgresUnavailableError(
      `PostgreSQL tests run the server as the OS user 'postgres', which does not exist here: ${INSTALL_HINT}`,
    );
  }
}

function requireBinaries(): void {
  for (const binary of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(POSTGRES_BIN_DIR, binary))) {
      throw new PostgresUnavailableError(
        `PostgreSQL 15 is not installed (${join(POSTGRES_BIN_DIR, binary)} is missing): ${INSTALL_HINT}`,
      );
    }
  }
}

/** A loopback port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs a PostgreSQL binary as the server's OS user. */
async function pgBinary(osUser: OsUser | undefined, binary: string, args: readonly string[]): Promise<void> {
  const path = join(POSTGRES_BIN_DIR, binary);
  const [command, commandArgs] = osUser ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, [...args]];
  try {
    await run(command, commandArgs, { cwd: tmpdir() });
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${stderr || stdout || String(error)}`);
  }
}

function conf(settings: Readonly<Record<string, string | number>>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key} = ${typeof value === 'number' ? value : `'${value.replace(/'/g, "''")}'`}`)
    .join('\n');
}

/** Servers of this process not stopped yet (`stop()` is then a no-op). */
const live = new Set<string>();

/** This process's directory: the template and every server's root live in it. */
let processDir: string | undefined;

/**
 * The directory of this process's servers, with a watchdog that outlives the process: when the
 * process is gone (finished, killed, crashed), it stops any server still running there and removes
 * the directory. A jest worker's `process` is a sandbox copy whose 'exit' never fires, and workers
 * may be killed, so an exit hook alone would leave servers running.
 */
function serversDirectory(osUser: OsUser | undefined): string {
  if (processDir !== undefined) return processDir;
  const dir = mkdtempSync(join(tmpdir(), `pg-tests-${process.pid}-`));
  // The server's OS user must traverse it to reach its own directories inside.
  chmodSync(dir, 0o711);
  const pgCtl = join(POSTGRES_BIN_DIR, 'pg_ctl');
  const stop = osUser ? `runuser -u postgres -- "${pgCtl}"` : `"${pgCtl}"`;
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `for data in "${dir}"/*/data; do [ -f "$data/postmaster.pid" ] && ${stop} -D "$data" -m immediate -w stop; done`,
    `rm -rf "${dir}"`,
  ].join('\n');
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  processDir = dir;
  return dir;
}

/** This process's initdb result, which every server copies (see templateDataDir). */
let template: Promise<string> | undefined;

/**
 * A freshly initialised data directory, made once per test file (jest gives each file its own
 * module registry) and copied for each server: initdb takes 0.4 s on an idle machine and several
 * seconds on a loaded one, a copy of its 40 MB a tenth of that. The watchdog removes it with the
 * process's directory. POSTGRES_TEMPLATE_DIR names one made once for the whole run instead (for a
 * jest global setup: `initdb -D <dir> -U postgres -A trust -E UTF8 --locale=C --no-sync`).
 */
function templateDataDir(osUser: OsUser | undefined): Promise<string> {
  const shared = process.env.POSTGRES_TEMPLATE_DIR;
  if (shared !== undefined && existsSync(join(shared, 'PG_VERSION'))) return Promise.resolve(shared);
  template ??= (async () => {
    const templateRoot = join(serversDirectory(osUser), 'template');
    mkdirSync(templateRoot);
    if (osUser) chownSync(templateRoot, osUser.uid, osUser.gid);
    const dataDir = join(templateRoot, 'data');
    await pgBinary(osUser, 'initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    return dataDir;
  })().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return template;
}

/** Starts a PostgreSQL 15 server on 127.0.0.1 (see the module comment). */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  requireBinaries();
  const osUser = serverOsUser();
  const tls = options.tls ?? 'off';
  const user = options.user ?? 'app';
  const password = options.password ?? 'app-password';
  const database = options.database ?? 'interactions';

  const root = mkdtempSync(join(serversDirectory(osUser), 'server-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  live.add(root);
  const own = (path: string) => {
    if (osUser) chownSync(path, osUser.uid, osUser.gid);
  };
  own(root);
  chmodSync(root, 0o700);

  try {
    await run('cp', ['-a', await templateDataDir(osUser), dataDir]);
    const tlsSettings: Record<string, string | number> = {};
    if (tls !== 'off') {
      const tlsDir = join(root, 'tls');
      mkdirSync(tlsDir);
      const material = createTlsMaterial(tlsDir);
      for (const file of [tlsDir, material.keyFile, material.certFile, material.caFile]) own(file);
      chmodSync(material.keyFile, 0o600);
      Object.assign(tlsSettings, { ssl: 'on', ssl_cert_file: material.certFile, ssl_key_file: material.keyFile });
    }
    writeFileSync(
      join(dataDir, 'postgresql.conf'),
      `${readFileSync(join(dataDir, 'postgresql.conf'), 'utf8')}\n${conf({
        listen_addresses: '127.0.0.1',
        unix_socket_directories: root,
        max_connections: 40,
        shared_buffers: '16MB',
        // The OS never crashes under a test, so writes need not reach the disk. Commits still write
        // the WAL (synchronous_commit stays on): kill() must not lose committed data.
        fsync: 'off',
        full_page_writes: 'off',
        password_encryption: 'scram-sha-256',
        ...tlsSettings,
        ...options.settings,
      })}\n`,
    );
    const tcp = tls === 'required' ? 'hostssl' : 'host';
    writeFileSync(
      join(dataDir, 'pg_hba.conf'),
      [
        '# The superuser connects through the socket in the test directory only.',
        'local all all trust',
        `${tcp} all all 127.0.0.1/32 scram-sha-256`,
        '',
      ].join('\n'),
    );
    own(join(dataDir, 'postgresql.conf'));
    own(join(dataDir, 'pg_hba.conf'));

    let running = false;
    const start = async () => {
      await pgBinary(osUser, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', `-p ${port}`, 'start']);
      running = true;
    };
    const kill = async () => {
      if (!running) return;
      await pgBinary(osUser, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      running = false;
    };
    // The free port can be taken between choosing it and binding it (tests run in parallel): choose again.
    let port = await freePort();
    for (let attempt = 1; ; attempt++) {
      try {
        await start();
        break;
      } catch (error) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        if (attempt >= 3 || !/could not (bind|create listen socket)/i.test(log)) throw error;
        port = await freePort();
      }
    }

    const superuser = async <T>(db: string, fn: (client: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ host: root, port, user: 'postgres', database: db });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    };
    const createDatabase = () =>
      superuser('postgres', async (client) => {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${pg.escapeIdentifier(user)}`);
      });
    await superuser('postgres', async (client) => {
      await client.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    });
    await createDatabase();

    const sslModeDefault: SslMode = tls === 'off' ? 'disable' : 'verify-full';
    const caCertificate = tls === 'off' ? undefined : readFileSync(join(root, 'tls', 'ca.crt'), 'utf8');
    const target = (overrides: ConnectionOverrides = {}): PostgresTarget => ({
      host: '127.0.0.1',
      port,
      database: overrides.database ?? database,
      user: overrides.user ?? user,
      password: overrides.password ?? password,
      sslMode: overrides.sslMode ?? sslModeDefault,
      ...(caCertificate === undefined ? {} : { ca: caCertificate }),
    });

    return {
      host: '127.0.0.1',
      get port() {
        return port;
      },
      user,
      password,
      database,
      tls,
      caCertificate,
      logFile,
      get running() {
        return running;
      },
      url(overrides = {}) {
        const t = target(overrides);
        const credentials = `${encodeURIComponent(t.user)}:${encodeURIComponent(t.password)}`;
        return `postgres://${credentials}@127.0.0.1:${port}/${encodeURIComponent(t.database)}?sslmode=${t.sslMode}`;
      },
      target,
      async sql(text, db = database) {
        await superuser(db, (client) => client.query(text));
      },
      async query<Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
        return superuser(database, async (client) => (await client.query<Row>(text, [...params])).rows);
      },
      async loadSqlFile(path) {
        const text = readFileSync(path, 'utf8');
        await superuser(database, (client) => client.query(text));
      },
      async resetDatabase() {
        await superuser('postgres', async (client) => {
          await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
        });
        await createDatabase();
      },
      kill,
      start,
      async restart() {
        await kill();
        await start();
      },
      async stop() {
        if (!live.has(root)) return;
        await kill();
        live.delete(root);
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    await pgBinary(osUser, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    live.delete(root);
    rmSync(root, { recursive: true, force: true });
    if (error instanceof PostgresUnavailableError) throw error;
    throw new Error(
      `Could not start the test PostgreSQL server: ${String(error)}${log ? `\nserver log:\n${log}` : ''}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Jest lifecycle for one test file: starts the server in beforeAll, stops it in afterAll, and
 * returns a getter for it (`const db = usePostgres(); ... db().url()`).
 */
export function usePostgres(options: PostgresServerOptions = {}): () => PostgresServer {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('the PostgreSQL server is not started: call db() inside a test or hook');
    return server;
  };
}
