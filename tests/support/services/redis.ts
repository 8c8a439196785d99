/**
 * A real Redis 7 on loopback for the cache probes: `redis-server` daemonized on a free port, no
 * persistence, a password (AUTH) and optionally TLS (tls.ts: a throwaway CA and a server certificate). It can be stopped,
 * killed and restarted on the same port, so a prober can watch it go down and come back.
 * Every server still running when the process exits is killed (a failed test never leaves one behind).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, INSTALL_HINT } from './postgres.js';
import { createTlsMaterial, type TlsMaterial } from './tls.js';

/** How long a start or a stop may take before it is an error. */
const READY_TIMEOUT_MS = 5000;
const LOOPBACK = '127.0.0.1';

/** How to start the server. */
export interface RedisServerOptions {
  /** The AUTH password. @default a fixed test password (`redis-test-password`) */
  readonly password?: string;
  /** Serve TLS only (no plain port), with a certificate for 127.0.0.1 from a throwaway CA. @default plain TCP */
  readonly tls?: boolean;
}

/** A running (or stopped) test Redis. */
export interface LocalRedis {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  readonly tls: boolean;
  /** `redis://` or `rediss://` with the password in it: what `--redis-url` takes. */
  readonly url: string;
  /** The URL without credentials. */
  readonly urlWithoutPassword: string;
  /** The CA certificate (PEM) to trust when `tls` is on. @default undefined for plain servers */
  readonly caPem: string | undefined;
  /** Whether the server currently accepts connections. */
  isRunning(): Promise<boolean>;
  /** Graceful shutdown (SIGTERM; nothing is saved); resolves once the port is closed. */
  stop(): Promise<void>;
  /** SIGKILL: the server vanishes mid-flight, as a crashed node would; resolves once the port is closed. */
  kill(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a hung node) until `resume()`. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Starts it again on the same port with the same settings (the data is gone). */
  restart(): Promise<void>;
  /** Stops it if running and deletes its directory (certificates included). Safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * The path of `redis-server`, or an error saying how to install it. `REDIS_SERVER` names another
 * binary, as for scripts/install-services.sh.
 */
export function requireRedisServer(binary = process.env.REDIS_SERVER ?? 'redis-server'): string {
  const found = spawnSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', binary], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${binary} is not installed, so the Redis tests cannot start one: ${INSTALL_HINT}`);
  }
  return path;
}

/** Whether something accepts TCP connections on the port. */
export async function portAccepts(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitForPort(port: number, open: boolean, what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await portAccepts(port)) === open) return;
    await delay(25);
  }
  throw new Error(`${what}: port ${port} still ${open ? 'closed' : 'open'} after ${READY_TIMEOUT_MS} ms`);
}

/** The daemon's pid: redis writes its pidfile shortly after it starts listening. */
async function readPid(pidFile: string): Promise<number> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '';
    if (/^\d+$/.test(text)) return Number(text);
    await delay(10);
  }
  throw new Error(`redis-server wrote no pid to ${pidFile} within ${READY_TIMEOUT_MS} ms`);
}

// Daemonized servers are not our children: without this, a crashed test run would leave them running.
const runningPids = new Set<number>();
process.once('exit', () => {
  for (const pid of runningPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Starts redis-server on a free loopback port; call `cleanup()` in afterAll. */
export async function startRedis(options: RedisServerOptions = {}): Promise<LocalRedis> {
  const binary = requireRedisServer();
  const password = options.password ?? 'redis-test-password';
  const tls = options.tls === true;
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'redis-test-'));
  const pidFile = join(directory, 'redis.pid');
  const logFile = join(directory, 'redis.log');
  let certificate: TlsMaterial | undefined;
  try {
    certificate = tls ? createTlsMaterial(directory) : undefined;
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const listen = certificate
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        certificate.certFile,
        '--tls-key-file',
        certificate.keyFile,
        '--tls-ca-cert-file',
        certificate.caFile,
        // ElastiCache in-transit encryption does not ask clients for certificates either.
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const args = [
    ...listen,
    '--bind',
    LOOPBACK,
    '--daemonize',
    'yes',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    directory,
    '--pidfile',
    pidFile,
    '--logfile',
    logFile,
    '--requirepass',
    password,
  ];
  let pid: number | undefined;

  const logTail = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n') : '');
  const launch = async (): Promise<void> => {
    // A killed server leaves its pidfile: the new one must not be mistaken for it.
    rmSync(pidFile, { force: true });
    const result = spawnSync(binary, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`redis-server did not start (exit ${result.status}): ${result.stderr}${result.stdout}`);
    }
    try {
      await waitForPort(port, true, 'redis-server did not start');
      pid = await readPid(pidFile);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logTail()}`);
    }
    runningPids.add(pid);
  };
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (pid === undefined) return;
    try {
      process.kill(pid, name);
      // A paused server only acts on SIGTERM once it runs again.
      process.kill(pid, 'SIGCONT');
    } catch {
      // Already gone.
    }
    runningPids.delete(pid);
    pid = undefined;
    // The port closing is the signal: the daemon is not our child, so its exit status is not ours to see.
    await waitForPort(port, false, `redis-server did not stop on ${name}`);
  };

  await launch().catch((error: unknown) => {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  });
  const scheme = tls ? 'rediss' : 'redis';
  let cleaned = false;
  return {
    host: LOOPBACK,
    port,
    password,
    tls,
    url: `${scheme}://:${encodeURIComponent(password)}@${LOOPBACK}:${port}`,
    urlWithoutPassword: `${scheme}://${LOOPBACK}:${port}`,
    caPem: certificate?.ca,
    isRunning: () => portAccepts(port),
    stop: () => signal('SIGTERM'),
    pause: () => {
      if (pid !== undefined) process.kill(pid, 'SIGSTOP');
    },
    resume: () => {
      if (pid !== undefined) process.kill(pid, 'SIGCONT');
    },
    kill: () => signal('SIGKILL'),
    async restart() {
      if (pid !== undefined) await signal('SIGTERM');
      await launch();
    },
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await signal('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
