/**
 * The one way the automation talks to PostgreSQL, shared by the Lambdas (drill data checks,
 * deployment verification, failover prober) and the operator CLI, so both run the same code with
 * the same timeouts: parse a `postgres://` URL into a `PostgresTarget`, connect with a bounded
 * connect timeout, run statements in READ ONLY transactions with a statement timeout, and always
 * close the connection.
 *
 * Safety: a check's SQL runs with the extended query protocol (one statement per query: a
 * `COMMIT; DELETE ...` is refused by the server), inside `BEGIN READ ONLY` and always rolled back,
 * so nothing a probe runs can change the database.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** How the connection uses TLS, as libpq's `sslmode` (the subset the automation accepts). */
export const SSL_MODES = ['disable', 'require', 'verify-full'] as const;
/**
 * `disable`: plain TCP; `require`: TLS, certificate not verified; `verify-full`: TLS, certificate
 * chain and host name verified (against `ca`, or the runtime's trust store, which on Lambda includes
 * the RDS certificate authorities).
 */
export type SslMode = (typeof SSL_MODES)[number];

/** A database to connect to. Never logged as a whole: `describeTarget` leaves the password out. */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  readonly sslMode: SslMode;
  /** PEM certificate(s) to trust for `verify-full`. @default the runtime's trust store */
  readonly ca?: string;
}

/** Timeouts and identification of one connection. */
export interface ConnectionOptions {
  /** Longest wait for TCP, TLS and authentication together. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** `statement_timeout` of each read-only transaction: the server cancels a longer statement. @default 5000 */
  readonly statementTimeoutMs?: number;
  /** `application_name`, shown in `pg_stat_activity`. @default 'interactions-automation' */
  readonly applicationName?: string;
}

/** Default connect timeout (ms): long enough for a TLS handshake across AZs, short enough for a CLI. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Default statement timeout (ms) of a read-only transaction. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;

/** Why a connection failed, for messages and retry decisions. */
export type ConnectionFailureKind =
  | 'unreachable'
  | 'timeout'
  | 'authentication'
  | 'tls'
  | 'database-missing'
  | 'rejected'
  | 'other';

/** The database could not be connected to; the message names the target (never the password) and why. */
export class DatabaseConnectionError extends Error {
  override readonly name = 'DatabaseConnectionError';
  /** Network and timeouts may pass; wrong credentials or TLS setup will not. */
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly kind: ConnectionFailureKind,
    options: ErrorOptions = {},
  ) {
    super(message, options);
    this.retryable = kind === 'unreachable' || kind === 'timeout';
  }
}

/** A `postgres://` URL that cannot be used; the message says which part is wrong. */
export class PostgresUrlError extends Error {
  override readonly name = 'PostgresUrlError';
}

/**
 * Parses `postgres://user:password@host:port/database?sslmode=...` (or `postgresql://`).
 * Percent-encoded user and password are decoded. `sslmode` defaults to `verify-full`: an operator
 * who wants less says so. Throws PostgresUrlError naming the part that is wrong; the message never
 * repeats the password.
 */
export function parsePostgresUrl(text: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PostgresUrlError('not a URL: expected postgres://user:password@host:port/database?sslmode=require');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new PostgresUrlError(`scheme '${url.protocol.replace(/:$/, '')}' is not postgres or postgresql`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new PostgresUrlError('the URL has no host');
  const port = url.port === '' ? 5432 : Number(url.port);
  const database = percentDecoded(url.pathname.replace(/^\//, ''), 'database name');
  if (database === '' || database.includes('/')) {
    throw new PostgresUrlError('the URL must name one database as its path: postgres://user@host:5432/<database>');
  }
  const user = percentDecoded(url.username, 'user');
  if (user === '') throw new PostgresUrlError('the URL has no user: postgres://<user>:<password>@host/database');
  const known = new Set(['sslmode']);
  const unknown = [...url.searchParams.keys()].filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new PostgresUrlError(`unsupported URL parameter(s): ${unknown.join(', ')} (only sslmode is read)`);
  }
  const sslMode = url.searchParams.get('sslmode') ?? 'verify-full';
  if (!(SSL_MODES as readonly string[]).includes(sslMode)) {
    throw new PostgresUrlError(`sslmode '${sslMode}' is not one of ${SSL_MODES.join(', ')}`);
  }
  return {
    host,
    port,
    database,
    user,
    password: percentDecoded(url.password, 'password'),
    sslMode: sslMode as SslMode,
  };
}

/**
 * `value` with its %XX escapes decoded; a malformed escape (`%zz`, half a UTF-8 sequence) is a
 * PostgresUrlError naming the part, never its value (the part may be the password).
 */
function percentDecoded(value: string, part: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new PostgresUrlError(`the ${part} holds a malformed percent-escape: encode '%' as %25`);
  }
}

/** `user@host:port/database (sslmode=...)`: the target for messages and logs, without the password. */
export function describeTarget(target: PostgresTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:${target.port}/${target.database} (sslmode=${target.sslMode})`;
}

/** The `ssl` option of a pg client for `target`'s mode. */
export function tlsOptions(target: PostgresTarget): pg.ClientConfig['ssl'] {
  switch (target.sslMode) {
    case 'disable':
      return false;
    case 'require':
      // libpq's `require`: encrypted, but any certificate is accepted.
      return { rejectUnauthorized: false };
    case 'verify-full':
      return target.ca === undefined ? { rejectUnauthorized: true } : { rejectUnauthorized: true, ca: target.ca };
  }
}

/**
 * How much longer than the statement timeout the client waits for an answer: the server's
 * statement_timeout cannot fire when the server is unreachable mid-query (a failover moving its
 * address, a black-holed route, a stopped process), so the client gives up a little after it would have.
 */
const CLIENT_TIMEOUT_MARGIN_MS = 2000;

const TIMESTAMP_WITHOUT_TIME_ZONE_OID = 1114;

/**
 * Type parsers of the automation's connections: `timestamp without time zone` is read as UTC
 * (RDS runs in UTC), not in the local time zone of whoever runs the CLI; everything else as pg does.
 */
const automationTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMP_WITHOUT_TIME_ZONE_OID && format !== 'binary') {
      return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    }
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** The pg client configuration for `target` (exported for tests and the prober's own loop). */
export function clientConfig(target: PostgresTarget, options: ConnectionOptions = {}): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    ssl: tlsOptions(target),
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'interactions-automation',
    types: automationTypes,
  };
}

const AUTHENTICATION_CODES = new Set(['28P01', '28000']);

/** Turns a pg/socket connect error into a DatabaseConnectionError that says what went wrong where. */
export function connectionError(error: unknown, target: PostgresTarget, timeoutMs: number): DatabaseConnectionError {
  const where = describeTarget(target);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  // Duck-typed: socket errors come from Node's own realm, where `instanceof Error` may not hold (jest's vm).
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  const fail = (kind: ConnectionFailureKind, text: string) =>
    new DatabaseConnectionError(`${text} (${where})`, kind, { cause: error });
  if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) {
    return fail('timeout', `no answer from the database within ${timeoutMs} ms`);
  }
  if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(code)) {
    return fail('unreachable', `cannot reach the database: ${message.includes(code) ? message : `${code} ${message}`}`);
  }
  if (AUTHENTICATION_CODES.has(code)) return fail('authentication', `the database refused the credentials: ${message}`);
  if (code === '3D000') return fail('database-missing', `the database does not exist: ${message}`);
  if (/SSL|TLS|certificate|self[- ]signed|altname|ERR_TLS/i.test(`${code} ${message}`)) {
    return fail('tls', `TLS to the database failed: ${message}`);
  }
  // pg_hba "no entry" (28000 is handled above) and "too many clients" (53300) land here.
  if (/^(08|53|57)/.test(code)) return fail('rejected', `the database refused the connection: ${message}`);
  return fail('other', `cannot connect to the database: ${message}`);
}

/** Opens a connection to `target`; throws DatabaseConnectionError within the connect timeout. */
export async function connect(target: PostgresTarget, options: ConnectionOptions = {}): Promise<pg.Client> {
  const config = clientConfig(target, options);
  const client = new pg.Client(config);
  // An error after connect (server shut down) must not crash the process: the running query rejects instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, target, config.connectionTimeoutMillis ?? DEFAULT_CONNECT_TIMEOUT_MS);
  }
}

/** Statements inside one read-only transaction. */
export interface ReadOnlySession {
  /** Runs ONE statement (extended protocol) and returns its rows as objects keyed by column name. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** Runs ONE statement and returns its rows as arrays of column values (for checks that read "the first column"). */
  queryValues(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
}

/** An open connection; `readOnly` runs a function in a fresh read-only transaction each time. */
export interface PostgresConnection {
  /**
   * Runs `fn` in `BEGIN READ ONLY` with `SET LOCAL statement_timeout`, then rolls back whatever
   * happened, so each call starts clean (a statement that changed session settings is undone).
   */
  readOnly<T>(
    fn: (session: ReadOnlySession) => Promise<T>,
    options?: { readonly statementTimeoutMs?: number },
  ): Promise<T>;
}

/**
 * `queryMode: 'extended'` (pg 8.12+, missing from @types/pg) sends one Parse/Bind/Execute even
 * without parameters: the server then refuses more than one statement. `query_timeout` is the
 * client's own limit for an answer (see CLIENT_TIMEOUT_MARGIN_MS).
 */
type ExtendedQuery = pg.QueryConfig & { readonly queryMode: 'extended'; readonly query_timeout: number };
type ExtendedArrayQuery = pg.QueryArrayConfig & { readonly queryMode: 'extended'; readonly query_timeout: number };

/** The client's state across transactions: once a query went unanswered, the connection is abandoned. */
interface ClientState {
  broken: boolean;
}

/** pg's error when `query_timeout` passed without an answer. */
function isClientTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'message' in error && error.message === 'Query read timeout';
}

async function tracked<T>(state: ClientState, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isClientTimeout(error)) state.broken = true;
    throw error;
  }
}

function session(client: pg.Client, state: ClientState, clientTimeoutMs: number): ReadOnlySession {
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      const query: ExtendedQuery = {
        text: sql,
        values: [...params],
        queryMode: 'extended',
        query_timeout: clientTimeoutMs,
      };
      return (await tracked(state, () => client.query<Row>(query))).rows;
    },
    async queryValues(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
      const query: ExtendedArrayQuery = {
        text: sql,
        values: [...params],
        queryMode: 'extended',
        rowMode: 'array',
        query_timeout: clientTimeoutMs,
      };
      return (await tracked(state, () => client.query<unknown[]>(query))).rows;
    },
  };
}

function postgresConnection(
  client: pg.Client,
  state: ClientState,
  defaultStatementTimeoutMs: number,
): PostgresConnection {
  return {
    async readOnly(fn, options = {}) {
      if (state.broken) throw new Error('the connection is abandoned: an earlier query got no answer');
      const timeoutMs = Math.max(1, Math.round(options.statementTimeoutMs ?? defaultStatementTimeoutMs));
      const clientTimeoutMs = timeoutMs + CLIENT_TIMEOUT_MARGIN_MS;
      await tracked(state, () =>
        client.query({
          text: `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}`,
          query_timeout: clientTimeoutMs,
        } as pg.QueryConfig),
      );
      try {
        return await fn(session(client, state, clientTimeoutMs));
      } finally {
        // Never COMMIT: even a statement that ended the transaction itself leaves nothing behind here.
        if (!state.broken) {
          await tracked(state, () =>
            client.query({ text: 'ROLLBACK', query_timeout: CLIENT_TIMEOUT_MARGIN_MS } as pg.QueryConfig),
          ).catch(() => undefined);
        }
      }
    },
  };
}

/** Longest wait for a polite close (Terminate, then the server closes); then the socket is dropped. */
const CLOSE_TIMEOUT_MS = 1000;

/** Closes the client; a server that does not answer (stopped, unreachable) gets its socket destroyed. */
async function close(client: pg.Client, state: ClientState): Promise<void> {
  // pg keeps its socket on the undocumented `connection.stream`; without destroying it, a process
  // would wait on a dead server's socket before it could exit.
  const destroy = () =>
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  if (state.broken) {
    destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    client.end().then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!closed) destroy();
}

/** Opens a connection, runs `fn` with it and always closes it (also when `fn` throws). */
export async function withConnection<T>(
  target: PostgresTarget,
  options: ConnectionOptions,
  fn: (connection: PostgresConnection) => Promise<T>,
): Promise<T> {
  const client = await connect(target, options);
  const state: ClientState = { broken: false };
  try {
    return await fn(postgresConnection(client, state, options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS));
  } finally {
    await close(client, state);
  }
}

/** Connects, runs `fn` in one read-only transaction with the statement timeout, rolls back and closes. */
export async function withReadOnlyTransaction<T>(
  target: PostgresTarget,
  options: ConnectionOptions,
  fn: (session: ReadOnlySession) => Promise<T>,
): Promise<T> {
  return withConnection(target, options, (connection) => connection.readOnly(fn));
}

/** SQLSTATE of a failed statement (`42P01` undefined table, `57014` statement timeout, ...), or ''. */
export function sqlState(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : '';
}

/** One round trip's outcome (`pingDatabase`). */
export type PingResult =
  | { readonly ok: true; readonly latencyMs: number }
  | {
      readonly ok: false;
      readonly latencyMs: number;
      /** What failed, without the password. */
      readonly error: string;
      /** How the connection failed; `query` when connected but `SELECT 1` did not answer. */
      readonly kind: ConnectionFailureKind | 'query';
    };

/**
 * One full round trip: connect, `SELECT 1` in a read-only transaction, close; never throws. For
 * probes that ask "does the database answer now?" (deployment verification, the failover prober),
 * where a failure is a data point, not an error.
 */
export async function pingDatabase(
  target: PostgresTarget,
  options: ConnectionOptions = {},
  monotonicMs: () => number = () => performance.now(),
): Promise<PingResult> {
  const started = monotonicMs();
  try {
    await withReadOnlyTransaction(target, options, (session) => session.query('SELECT 1'));
    return { ok: true, latencyMs: Math.round(monotonicMs() - started) };
  } catch (error) {
    const latencyMs = Math.round(monotonicMs() - started);
    if (error instanceof DatabaseConnectionError)
      return { ok: false, latencyMs, error: error.message, kind: error.kind };
    const message =
      typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
    return { ok: false, latencyMs, error: `SELECT 1 failed: ${message} (${describeTarget(target)})`, kind: 'query' };
  }
}
