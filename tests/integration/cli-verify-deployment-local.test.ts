/**
 * `verify-deployment run <env> --local` end to end: the CLI against a real fake application/CDN,
 * Redis 7 and PostgreSQL 15 on loopback; exit codes, table, JSON and JUnit XML. No AWS client is
 * ever created.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerificationReport } from '../../cli/commands/verify-deployment/report.js';
import type { CliDeps } from '../../cli/context.js';
import { FAKE_APP, type LocalHttpServer, startHttpServer } from '../support/services/http.js';
import { usePostgres } from '../support/services/postgres.js';
import { type LocalRedis, startRedis } from '../support/services/redis.js';
import { run } from '../unit/cli/harness.js';

const CREDENTIALS = {
  INTERACTIONS_VERIFY_USERNAME: FAKE_APP.credentials.username,
  INTERACTIONS_VERIFY_PASSWORD: FAKE_APP.credentials.password,
};
const noAws: Partial<CliDeps> = {
  env: CREDENTIALS,
  clients: () => {
    throw new Error('verify-deployment --local created an AWS client');
  },
};

const db = usePostgres();
let app: LocalHttpServer;
let redis: LocalRedis;
let directory: string;
beforeAll(async () => {
  [app, redis] = await Promise.all([startHttpServer(), startRedis()]);
  directory = mkdtempSync(join(tmpdir(), 'verify-local-'));
  await db().sql(
    "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('ae1027a6acf'); GRANT SELECT ON alembic_version TO app;",
  );
});
afterEach(async () => {
  await app.reset();
});
afterAll(async () => {
  await Promise.all([app.close(), redis.cleanup()]);
  rmSync(directory, { recursive: true, force: true });
});

const everyTarget = () => [
  '--app-url',
  app.url,
  '--cdn-url',
  app.url,
  '--redis-url',
  redis.url,
  '--database-url',
  db().url(),
];

describe('verify-deployment --local', () => {
  it('passes with exit 0 when every probe passes, and skips the AWS checks', async () => {
    // Act
    const result = await run(['verify-deployment', 'run', 'staging', '--local', ...everyTarget(), '--json'], noAws);

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as VerificationReport;
    expect(report).toMatchObject({ environment: 'staging', mode: 'local', status: 'pass' });
    expect(report.checks.map((check) => [check.name, check.status])).toEqual([
      ['http:health', 'pass'],
      ['frontend-assets', 'pass'],
      ['auth-flow', 'pass'],
      ['cache', 'pass'],
      ['database', 'pass'],
      ['ecs-deployment', 'skipped'],
      ['alb-targets', 'skipped'],
      ['cloudwatch-alarms', 'skipped'],
      ['monitoring-metrics', 'skipped'],
    ]);
    expect(report.checks.find((check) => check.name === 'database')?.finding).toContain('ae1027a6acf');
    expect(result.stderr).toBe(
      `verification of staging passed: 5 passed, 0 failed, 4 skipped in ${(report.durationMs / 1000).toFixed(1)} s\n`,
    );
  });

  it('prints a table on a terminal, one row per check', async () => {
    // Act
    const result = await run(['verify-deployment', 'run', 'dev', '--local', '--app-url', app.url], noAws);

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CHECK\s+STATUS\s+TIME\s+FINDING$/);
    expect(lines[1]).toMatch(/^http:health\s+PASS\s+\d+ ms\s+GET \/health answered 200/);
    expect(lines.find((line) => line.startsWith('cache'))).toMatch(/^cache\s+SKIPPED\s+-\s+no --redis-url given$/);
    expect(lines).toHaveLength(10);
  });

  it('skips the authentication check without credentials', async () => {
    // Act
    const result = await run(['verify-deployment', 'run', 'dev', '--local', '--app-url', app.url, '--json'], {
      ...noAws,
      env: {},
    });

    // Assess
    const report = JSON.parse(result.stdout) as VerificationReport;
    expect(report.checks.find((check) => check.name === 'auth-flow')).toEqual({
      name: 'auth-flow',
      status: 'skipped',
      durationMs: 0,
      finding: 'no credentials: set INTERACTIONS_VERIFY_USERNAME and INTERACTIONS_VERIFY_PASSWORD',
    });
  });

  it('exits 1 naming the failed checks when the application answers 503 and Redis refuses the password', async () => {
    // Prepare
    app.set({ status: 503 });
    const wrongRedis = redis.url.replace(encodeURIComponent(redis.password), 'wrong');

    // Act
    const result = await run(
      ['verify-deployment', 'run', 'prod', '--local', '--app-url', app.url, '--redis-url', wrongRedis, '--json'],
      noAws,
    );

    // Assess
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as VerificationReport;
    expect(report.status).toBe('fail');
    expect(result.stderr).toMatch(/^verification of prod FAILED \(http:health, auth-flow, cache\): 0 passed, 3 failed/);
    expect(report.checks.find((check) => check.name === 'cache')?.finding).toMatch(/AUTH refused: wrong password/);
  });

  it('writes JUnit XML with one test case per check, failures carrying their finding', async () => {
    // Prepare
    app.set({ indexCacheControl: 'public, max-age=3600' });
    const junit = join(directory, 'reports', 'verification.xml');

    // Act
    const result = await run(
      ['verify-deployment', 'run', 'staging', '--local', ...everyTarget(), '--junit', junit],
      noAws,
    );

    // Assess
    expect(result.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="deployment-verification.staging"');
    expect(xml).toMatch(/<testsuites tests="9" failures="1" errors="0" skipped="4">/);
    expect(xml).toMatch(
      /<testcase classname="verify-deployment.staging" name="frontend-assets" time="[\d.]+">\s*<failure message="\/index.html is cacheable \(Cache-Control: public, max-age=3600\); it must carry no-cache, no-store or max-age=0" type="CheckFailed"\/>/,
    );
    expect(result.stderr).toContain(`JUnit report: ${junit}`);
  });

  it('runs the HTTP checks of a --checks file instead of the configured ones', async () => {
    // Prepare
    const file = join(directory, 'checks.json');
    writeFileSync(
      file,
      JSON.stringify({
        httpChecks: [
          { name: 'status', path: FAKE_APP.statusPath, jsonFields: [{ path: 'database', equals: 'ok' }] },
          { name: 'health', path: '/health', jsonFields: [{ path: 'status', equals: 'ok' }] },
        ],
      }),
    );

    // Act
    const result = await run(
      ['verify-deployment', 'run', 'dev', '--local', '--app-url', app.url, '--checks', file, '--json'],
      noAws,
    );

    // Assess
    const report = JSON.parse(result.stdout) as VerificationReport;
    expect(report.checks.slice(0, 2).map((check) => [check.name, check.status])).toEqual([
      ['http:status', 'pass'],
      ['http:health', 'fail'],
    ]);
    expect(result.code).toBe(1);
  });
});

describe('verify-deployment usage errors (exit 2, nothing run)', () => {
  it.each([
    [['dev', '--local'], "error: --local needs --app-url <url>: the environment's application URL."],
    [['qa', '--local', '--app-url', 'http://x'], 'error: unknown environment'],
    [['dev', '--local', '--app-url', 'ftp://x'], 'expected an http:// or https:// URL, got ftp://'],
    [['dev', '--local', '--app-url', 'http://u:secret@x'], 'must not carry credentials'],
    [['dev', '--local', '--app-url', 'http://x', '--redis-url', 'http://x'], 'expected redis:// or rediss://'],
    [
      ['dev', '--local', '--app-url', 'http://x', '--database-url', 'mysql://u:p@h/db'],
      'is not postgres or postgresql',
    ],
    [['dev', '--local', '--app-url', 'http://x', '--checks', '/nonexistent/checks.json'], 'no such file'],
    [['dev', '--app-url', 'http://x'], 'the deployment-verification workflow is not available yet'],
    [
      ['dev', '--local', '--app-url', 'http://x', '--database-url', 'postgres://app:secret@db/app?sslmode=prefer'],
      "--database-url: sslmode 'prefer' is not one of disable, require, verify-full",
    ],
  ])('%j', async (args, message) => {
    // Act
    const result = await run(['verify-deployment', 'run', ...args], noAws);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('secret');
    expect(result.stdout).toBe('');
  });

  it('rejects a checks file naming every problem', async () => {
    // Prepare
    const file = join(directory, 'bad-checks.json');
    writeFileSync(file, JSON.stringify({ httpChecks: [{ name: 'Health', path: 'health', expectedStatus: 1000 }] }));

    // Act
    const result = await run(
      ['verify-deployment', 'run', 'dev', '--local', '--app-url', app.url, '--checks', file],
      noAws,
    );

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "httpChecks[0].name: 'Health' must be lowercase letters, digits and hyphens (1-63); httpChecks[0].path: 'health' is not a path starting with /; httpChecks[0].expectedStatus: 1000 is not an HTTP status (100-599)",
    );
  });

  it('rejects one credential variable without the other', async () => {
    // Act
    const result = await run(['verify-deployment', 'run', 'dev', '--local', '--app-url', app.url], {
      ...noAws,
      env: { INTERACTIONS_VERIFY_USERNAME: 'bot' },
    });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('INTERACTIONS_VERIFY_PASSWORD is not set');
  });
});
