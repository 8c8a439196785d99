/**
 * `drill check-data` through the CLI (tests/unit/cli/harness.ts) against a real PostgreSQL 15:
 * exit codes 0 / 1 / 2, the table and JSON output, and no AWS client ever built.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, usePostgres } from '../../support/services/postgres.js';
import { interactionsFingerprint, loadSeedData } from '../../support/services/seed-data.js';
import { run } from './harness.js';

const db = usePostgres({ tls: 'on' });
const dir = mkdtempSync(join(tmpdir(), 'check-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The test CA is not in the system's trust store, so the CLI is pointed at the server with sslmode=require. */
const url = () => db().url({ sslMode: 'require' });

function checksFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

beforeEach(async () => {
  await db().resetDatabase();
  await loadSeedData(db(), { newestAt: new Date('2025-06-01T09:58:00Z') });
});

describe('drill check-data', () => {
  it("exits 0 and prints each check with its value and finding and the RPO when the environment's checks pass", async () => {
    // Act
    const result = await run([
      'drill',
      'check-data',
      'prod',
      '--database-url',
      url(),
      '--restore-point',
      '2025-06-01T10:00:00Z',
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Data checks of prod on app@127.0.0.1:${db().port}/interactions (sslmode=require)`);
    expect(result.stdout).toMatch(/^STATUS +CHECK +VALUE +TIME +FINDING$/m);
    expect(result.stdout).toMatch(/^PASS +alembic_version has a row +1 +\d+ ms +1 is at least 1$/m);
    expect(result.stdout).toMatch(/^PASS +interactions has rows +1 +\d+ ms +1 is at least 1$/m);
    expect(result.stdout).toMatch(/^PASS +newest interactions\.created_at +2025-06-01T09:58:00\.000Z /m);
    expect(result.stdout).toContain(
      'RPO: 2m 0s (newest data 2025-06-01T09:58:00.000Z, restore point 2025-06-01T10:00:00.000Z); objective 5m 0s: met',
    );
    expect(result.stdout).toContain('PASSED: 4 of 4 checks passed');
    expect(result.regions).toEqual([]);
  });

  it('exits 1 and marks the RPO missed when the data is staler than the objective', async () => {
    // Act: 30 minutes after the newest data; prod allows 5, staging 60.
    const prod = await run([
      'drill',
      'check-data',
      'prod',
      '--database-url',
      url(),
      '--restore-point',
      '2025-06-01T10:28:00Z',
    ]);
    const staging = await run([
      'drill',
      'check-data',
      'staging',
      '--database-url',
      url(),
      '--restore-point',
      '2025-06-01T10:28:00Z',
    ]);

    // Assess
    expect(prod.code).toBe(1);
    expect(prod.stdout).toMatch(/^FAIL +newest interactions\.created_at .*RPO 30m 0s exceeds the objective of 5m 0s$/m);
    expect(prod.stdout).toContain('objective 5m 0s: MISSED');
    expect(prod.stdout).toContain('FAILED: 3 of 4 checks passed');
    expect(staging.code).toBe(0);
  });

  it('exits 1 when rows are missing, and prints no RPO line without a restore point', async () => {
    // Prepare
    await db().sql('TRUNCATE interactions');

    // Act
    const result = await run(['drill', 'check-data', 'dev', '--database-url', url()]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL +interactions has rows +0 +\d+ ms +0 is below the minimum of 1$/m);
    expect(result.stdout).not.toContain('RPO:');
  });

  it('prints the report as JSON with --json', async () => {
    // Act
    const result = await run([
      'drill',
      'check-data',
      'prod',
      '--database-url',
      url(),
      '--restore-point',
      '2025-06-01T10:00:00+00:00',
      '--json',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      environment: 'prod',
      database: `app@127.0.0.1:${db().port}/interactions (sslmode=require)`,
      passed: true,
      restorePoint: '2025-06-01T10:00:00.000Z',
      newestDataAt: '2025-06-01T09:58:00.000Z',
      rpoSeconds: 120,
      rpoObjectiveSeconds: 300,
    });
    expect(report.checks[0]).toEqual({
      name: 'alembic_version has a row',
      status: 'pass',
      value: 1,
      finding: '1 is at least 1',
      durationMs: expect.any(Number),
    });
    expect(result.stdout).not.toContain(db().password);
  });

  it('runs the checks of a --checks file; a write attempt fails and changes nothing', async () => {
    // Prepare
    const before = await interactionsFingerprint(db());
    const file = checksFile('custom.json', [
      { name: 'three interactions', sql: 'SELECT count(*) FROM interactions', equals: 3 },
      { name: 'wipe', sql: 'DELETE FROM interactions RETURNING 1', min: 0 },
    ]);

    // Act
    const result = await run(['drill', 'check-data', 'dev', '--database-url', url(), '--checks', file]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^PASS +three interactions +3 +\d+ ms +equals 3$/m);
    expect(result.stdout).toMatch(/^FAIL +wipe +null +\d+ ms +the check tried to write and was refused/m);
    expect(await interactionsFingerprint(db())).toBe(before);
  });

  it('exits 1 quickly with a message naming the database when it cannot be reached', async () => {
    // Prepare
    const port = await freePort();
    const started = Date.now();

    // Act
    const result = await run([
      'drill',
      'check-data',
      'dev',
      '--database-url',
      `postgres://app:secret-pw@127.0.0.1:${port}/interactions?sslmode=require`,
    ]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot reach the database: connect ECONNREFUSED 127.0.0.1:${port} (app@127.0.0.1:${port}/interactions (sslmode=require))\n`,
    );
    expect(result.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('exits 1 when TLS is required by the URL and the certificate cannot be verified', async () => {
    // Act: verify-full (the default sslmode) against the test CA, which this machine does not trust.
    const result = await run(['drill', 'check-data', 'dev', '--database-url', db().url({ sslMode: 'verify-full' })]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: TLS to the database failed: /);
  });

  describe('usage errors (exit 2, nothing connects)', () => {
    it.each([
      [['drill', 'check-data', 'prod'], 'missing --database-url <postgres-url>'],
      [['drill', 'check-data', 'qa', '--database-url', 'postgres://u:p@h/db'], "unknown environment 'qa'"],
      [
        ['drill', 'check-data', 'prod', '--database-url', 'postgres://u:hunter2@h/db?sslmode=allow'],
        "invalid --database-url: sslmode 'allow' is not one of disable, require, verify-full",
      ],
      [['drill', 'check-data', 'prod', '--database-url', 'http://h/db'], "scheme 'http' is not postgres"],
      [
        ['drill', 'check-data', 'prod', '--database-url', 'postgres://u:p@h/db', '--restore-point', 'yesterday'],
        "'yesterday' is not an ISO 8601 timestamp with an offset",
      ],
      [
        [
          'drill',
          'check-data',
          'prod',
          '--database-url',
          'postgres://u:p@h/db',
          '--checks',
          '/nonexistent/checks.json',
        ],
        "cannot read --checks file '/nonexistent/checks.json': ENOENT",
      ],
    ])('%j', async (argv, message) => {
      // Act
      const result = await run(argv);

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('hunter2');
      expect(result.stdout).toBe('');
    });

    it('names every problem of an invalid --checks file', async () => {
      // Prepare
      const file = checksFile('bad.json', [
        { name: 'both', sql: 'SELECT 1', min: 1, equals: 1 },
        { name: 'fresh', sql: 'SELECT now()', freshness: false },
        { sql: 'SELECT 1', min: 1 },
      ]);

      // Act
      const result = await run(['drill', 'check-data', 'prod', '--database-url', url(), '--checks', file]);

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('[0] both: needs exactly one of min, equals or freshness, found min and equals');
      expect(result.stderr).toContain('[1] fresh: freshness: must be true when present (leave it out otherwise)');
      expect(result.stderr).toMatch(/\[2\]: name: /);
    });

    it('refuses a --checks file that is not JSON', async () => {
      const result = await run([
        'drill',
        'check-data',
        'prod',
        '--database-url',
        url(),
        '--checks',
        checksFile('x.json', '{nope'),
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--checks file '.*x\.json' is not JSON/);
    });
  });

  it('is listed in the drill group help', async () => {
    const result = await run(['drill', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toContain('check-data');
  });
});
