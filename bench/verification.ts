/**
 * Deployment verification bench: `verify-deployment run dev --local` against probes with simulated
 * latency (a fake application answering after 200 ms, a fake CDN after 150 ms, three HTTP checks, the
 * login's two requests, the frontend's two) plus a real Redis 7 and PostgreSQL 15 when installed. Its
 * wall time is compared with the slowest probe run alone (goal: at most 1.2x, the checks run in
 * parallel) and with the same probes run one after another. `npx tsx bench/verification.ts [runs]`
 * writes bench/results/verification.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliDeps } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { loadConfig } from '../infra/config/index.js';
import { runCheck } from '../shared/probes/check.js';
import { parsePostgresUrl } from '../shared/probes/postgres.js';
import { probeChecks } from '../shared/probes/suite.js';
import { FAKE_APP, startHttpServer } from '../tests/support/services/http.js';
import { type PostgresServer, startPostgres } from '../tests/support/services/postgres.js';
import { type LocalRedis, startRedis } from '../tests/support/services/redis.js';

/** Simulated latency of each fake server, per request. */
const APP_LATENCY_MS = 200;
const CDN_LATENCY_MS = 150;

/** Summary the bench writes. */
export interface VerificationBenchResult {
  readonly runs: number;
  /** Checks run per verification (skipped ones excluded), and the servers they ran against. */
  readonly checks: readonly string[];
  readonly realServers: readonly string[];
  /** Median wall time of the whole local verification (CLI included). */
  readonly parallelMs: number;
  /** Median duration of the slowest check run alone, and its name. */
  readonly slowestSingleMs: number;
  readonly slowestCheck: string;
  /** Median wall time of the same checks run one after another. */
  readonly sequentialMs: number;
  /** parallelMs / slowestSingleMs; goal at most 1.2. */
  readonly ratioToSlowest: number;
  readonly meetsGoal: boolean;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round = (n: number): number => Math.round(n * 100) / 100;

async function optional<T>(start: () => Promise<T>, what: string): Promise<T | undefined> {
  try {
    return await start();
  } catch (error) {
    console.error(`verification bench: ${what} not used (${error instanceof Error ? error.message : error})`);
    return undefined;
  }
}

/** Runs the local verification `runs` times (after one warm-up) against the simulated probes. */
export async function runVerificationBench(runs = 7): Promise<VerificationBenchResult> {
  const [app, cdn] = await Promise.all([startHttpServer(), startHttpServer()]);
  app.set({ delayMs: APP_LATENCY_MS });
  cdn.set({ delayMs: CDN_LATENCY_MS });
  const redis: LocalRedis | undefined = await optional(() => startRedis(), 'Redis');
  const postgres: PostgresServer | undefined = await optional(() => startPostgres(), 'PostgreSQL');
  await postgres?.sql(
    "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('bench'); GRANT SELECT ON alembic_version TO app;",
  );
  const directory = mkdtempSync(join(tmpdir(), 'verification-bench-'));
  const checksFile = join(directory, 'checks.json');
  const httpChecks = [
    { name: 'health', path: FAKE_APP.healthPath, jsonFields: [{ path: 'status' }] },
    { name: 'status', path: FAKE_APP.statusPath, jsonFields: [{ path: 'database', equals: 'ok' }] },
    { name: 'not-found', path: '/api/v1/nothing', expectedStatus: 404 },
  ];
  writeFileSync(checksFile, JSON.stringify({ httpChecks }));
  const env = {
    INTERACTIONS_VERIFY_USERNAME: FAKE_APP.credentials.username,
    INTERACTIONS_VERIFY_PASSWORD: FAKE_APP.credentials.password,
  };
  const argv = [
    'verify-deployment',
    'run',
    'dev',
    '--local',
    '--app-url',
    app.url,
    '--cdn-url',
    cdn.url,
    '--checks',
    checksFile,
    '--json',
    ...(redis ? ['--redis-url', redis.url] : []),
    ...(postgres ? ['--database-url', postgres.url()] : []),
  ];
  let output = '';
  const deps: CliDeps = {
    stdout: (text) => {
      output += text;
    },
    stderr: () => {},
    stdoutIsTty: false,
    stderrIsTty: false,
    env,
    now: () => new Date(),
    sleep: async () => {},
    pollIntervalMs: 0,
    username: () => 'bench',
    clients: () => {
      throw new Error('the local verification must not create AWS clients');
    },
    interrupt: new AbortController().signal,
  };
  // The same checks the CLI builds, to time each alone and all in a row.
  const config = { ...loadConfig('dev').verification, httpChecks };
  const checks = probeChecks(config, {
    app: { baseUrl: app.url },
    cdn: { baseUrl: cdn.url },
    credentials: FAKE_APP.credentials,
    redis: redis ? { url: redis.url } : { skipReason: 'no Redis' },
    database: postgres ? parsePostgresUrl(postgres.url()) : { skipReason: 'no PostgreSQL' },
  }).filter((check) => check.timeoutMs > 0);

  try {
    const parallel: number[] = [];
    const sequential: number[] = [];
    const singles = new Map<string, number[]>(checks.map((check) => [check.name, []]));
    for (let run = 0; run <= runs; run++) {
      output = '';
      const started = performance.now();
      const code = await runCli(argv, deps);
      const wall = performance.now() - started;
      if (code !== 0) throw new Error(`the local verification failed (exit ${code}): ${output}`);
      const sequentialStart = performance.now();
      for (const check of checks) {
        const result = await runCheck(check);
        if (result.status !== 'pass') throw new Error(`${check.name} did not pass: ${result.finding}`);
        singles.get(check.name)?.push(result.durationMs);
      }
      const sequentialWall = performance.now() - sequentialStart;
      // Run 0 warms up connections, TLS and module loading.
      if (run === 0) {
        for (const durations of singles.values()) durations.length = 0;
        continue;
      }
      parallel.push(wall);
      sequential.push(sequentialWall);
    }
    const medians = [...singles].map(([name, durations]) => ({ name, ms: median(durations) }));
    const slowest = medians.reduce((a, b) => (b.ms > a.ms ? b : a));
    const parallelMs = median(parallel);
    const result: VerificationBenchResult = {
      runs,
      checks: checks.map((check) => check.name),
      realServers: [...(redis ? ['Redis 7'] : []), ...(postgres ? ['PostgreSQL 15'] : [])],
      parallelMs: round(parallelMs),
      slowestSingleMs: round(slowest.ms),
      slowestCheck: slowest.name,
      sequentialMs: round(median(sequential)),
      ratioToSlowest: round(parallelMs / slowest.ms),
      meetsGoal: parallelMs / slowest.ms <= 1.2,
    };
    console.log('\nDeployment verification, local probes with simulated latency (median of runs)');
    console.log(`  ${result.checks.length} checks: ${result.checks.join(', ')}`);
    console.log(`  all in parallel (CLI)  ${result.parallelMs.toFixed(0).padStart(6)} ms`);
    console.log(
      `  slowest alone          ${result.slowestSingleMs.toFixed(0).padStart(6)} ms (${result.slowestCheck})`,
    );
    console.log(`  one after another      ${result.sequentialMs.toFixed(0).padStart(6)} ms`);
    console.log(
      `  ratio to slowest       ${result.ratioToSlowest.toFixed(2)} (goal <= 1.2: ${result.meetsGoal ? 'met' : 'NOT met'})`,
    );
    return result;
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await Promise.all([app.close(), cdn.close(), redis?.cleanup(), postgres?.stop()]);
  }
}

/** The figures as Markdown lines for docs/benchmarks.md. */
export function verificationMarkdown(result: VerificationBenchResult): string[] {
  return [
    '## Deployment verification (local probes)',
    '',
    `\`verify-deployment run dev --local\` with ${result.checks.length} checks (${result.checks.join(', ')}): a fake`,
    `application answering after ${APP_LATENCY_MS} ms and a fake CDN after ${CDN_LATENCY_MS} ms per request` +
      `${result.realServers.length > 0 ? `, real ${result.realServers.join(' and ')} on loopback` : ''}; median of ${result.runs} runs.`,
    'Goal: the whole verification takes at most 1.2x its slowest check.',
    '',
    '| what | ms |',
    '| --- | ---: |',
    `| all checks in parallel (the CLI, end to end) | ${result.parallelMs.toFixed(0)} |`,
    `| slowest check alone (${result.slowestCheck}) | ${result.slowestSingleMs.toFixed(0)} |`,
    `| the same checks one after another | ${result.sequentialMs.toFixed(0)} |`,
    `| ratio parallel / slowest | ${result.ratioToSlowest.toFixed(2)} (${result.meetsGoal ? 'goal met' : 'goal NOT met'}) |`,
    '',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 7);
  const result = await runVerificationBench(runs);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'verification.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Wrote ${out}`);
}
