/**
 * The recovery drill's data checks and RPO (shared/data-checks) against a real PostgreSQL 15 over
 * verified TLS: data loaded passes; a missing table, missing rows, stale data, a slow query and a
 * write attempt each fail with a finding that says so, and nothing is changed.
 */
import { prod } from '../../infra/config/prod.js';
import type { DataCheck } from '../../shared/data-checks/checks.js';
import { verifyData } from '../../shared/data-checks/run.js';
import { usePostgres } from '../support/services/postgres.js';
import { interactionsFingerprint, loadSeedData } from '../support/services/seed-data.js';

const db = usePostgres({ tls: 'required' });

const NEWEST = new Date('2025-06-01T09:58:00Z');
const RESTORE_POINT = new Date('2025-06-01T10:00:00Z');
/** Prod's objective: 5 minutes. */
const RPO_OBJECTIVE_SECONDS = prod.drills.objectives.rpoMinutes * 60;
const checks = prod.drills.dataChecks;

beforeEach(async () => {
  await db().resetDatabase();
});

function run(list: readonly DataCheck[] = checks, statementTimeoutMs = 5000) {
  return verifyData(db().target(), list, {
    restorePoint: RESTORE_POINT,
    rpoObjectiveSeconds: RPO_OBJECTIVE_SECONDS,
    statementTimeoutMs,
  });
}

function result(report: Awaited<ReturnType<typeof run>>, name: string) {
  const found = report.checks.find((check) => check.name === name);
  if (!found) throw new Error(`no result for check '${name}'`);
  return found;
}

it('passes every default check on a restored database with its data, and measures the RPO', async () => {
  // Prepare
  await loadSeedData(db(), { newestAt: NEWEST });

  // Act
  const report = await run();

  // Assess
  expect(report.checks.map(({ name, status, value }) => ({ name, status, value }))).toEqual([
    { name: 'alembic_version has a row', status: 'pass', value: 1 },
    { name: 'public schema has tables', status: 'pass', value: 2 },
    { name: 'interactions has rows', status: 'pass', value: 1 },
    { name: 'newest interactions.created_at', status: 'pass', value: '2025-06-01T09:58:00.000Z' },
  ]);
  expect(report).toMatchObject({ passed: true, newestDataAt: '2025-06-01T09:58:00.000Z', rpoSeconds: 120 });
  expect(result(report, 'newest interactions.created_at').finding).toBe(
    'newest data at 2025-06-01T09:58:00.000Z, restore point 2025-06-01T10:00:00.000Z: RPO 2m 0s, within the objective of 5m 0s',
  );
  for (const check of report.checks) expect(check.durationMs).toBeGreaterThanOrEqual(0);
});

it('fails the table checks with "a table is missing" when a table was not restored', async () => {
  // Prepare
  await loadSeedData(db(), { newestAt: NEWEST });
  await db().sql('DROP TABLE interactions');

  // Act
  const report = await run();

  // Assess
  expect(report.passed).toBe(false);
  expect(result(report, 'interactions has rows')).toMatchObject({
    status: 'fail',
    value: null,
    finding: 'a table is missing: relation "interactions" does not exist',
  });
  expect(result(report, 'newest interactions.created_at').status).toBe('fail');
  expect(result(report, 'alembic_version has a row').status).toBe('pass');
  expect(report.rpoSeconds).toBeUndefined();
});

it('fails when a table has no rows, and the freshness check finds no timestamp', async () => {
  // Prepare
  await loadSeedData(db(), { newestAt: NEWEST });
  await db().sql('TRUNCATE interactions; TRUNCATE alembic_version');

  // Act
  const report = await run();

  // Assess
  expect(result(report, 'interactions has rows')).toMatchObject({
    status: 'fail',
    value: 0,
    finding: '0 is below the minimum of 1',
  });
  expect(result(report, 'alembic_version has a row')).toMatchObject({ status: 'fail', value: 0 });
  expect(result(report, 'newest interactions.created_at')).toMatchObject({
    status: 'fail',
    value: null,
    finding: 'no newest data timestamp: the query returned NULL (no rows?)',
  });
});

it('fails the freshness check when the RPO exceeds the objective (stale data)', async () => {
  // Prepare: newest row 12 minutes before the restore point; prod allows 5.
  await loadSeedData(db(), { newestAt: new Date('2025-06-01T09:48:00Z') });

  // Act
  const report = await run();

  // Assess
  expect(report).toMatchObject({ passed: false, rpoSeconds: 720, newestDataAt: '2025-06-01T09:48:00.000Z' });
  expect(result(report, 'newest interactions.created_at')).toMatchObject({
    status: 'fail',
    finding:
      'newest data at 2025-06-01T09:48:00.000Z, restore point 2025-06-01T10:00:00.000Z: RPO 12m 0s exceeds the objective of 5m 0s',
  });
  expect(report.checks.filter((check) => check.status === 'fail')).toHaveLength(1);
});

it('cancels a check slower than the statement timeout and still runs the next one', async () => {
  // Prepare
  await loadSeedData(db(), { newestAt: NEWEST });
  const started = Date.now();

  // Act
  const report = await run(
    [
      { name: 'slow', sql: 'SELECT count(*) FROM pg_sleep(5)', min: 0 },
      { name: 'after the slow one', sql: 'SELECT count(*) FROM interactions', min: 3 },
    ],
    300,
  );

  // Assess
  expect(Date.now() - started).toBeLessThan(3000);
  expect(result(report, 'slow')).toMatchObject({
    status: 'fail',
    value: null,
    finding: 'the query ran longer than the statement timeout of 300 ms and was cancelled',
  });
  expect(result(report, 'after the slow one')).toMatchObject({ status: 'pass', value: 3 });
});

describe('a check that tries to write', () => {
  it.each([
    [
      'DELETE',
      'DELETE FROM interactions RETURNING 1',
      /the check tried to write and was refused .*cannot execute DELETE in a read-only transaction/,
    ],
    [
      'a writing CTE',
      'WITH gone AS (DELETE FROM interactions RETURNING id) SELECT count(*) FROM gone',
      /the check tried to write and was refused/,
    ],
    ['UPDATE', "UPDATE interactions SET channel = 'x' RETURNING 1", /tried to write and was refused/],
    ['DDL', 'DROP TABLE interactions', /tried to write and was refused/],
    ['COMMIT then DELETE', 'COMMIT; DELETE FROM interactions', /a check is one SQL statement/],
    [
      'switching the transaction to read-write',
      'SET TRANSACTION READ WRITE',
      /returned 0 rows|transaction read-write mode must be set before any query/,
    ],
  ])('(%s) fails with a clear finding and changes nothing', async (_, sql, finding) => {
    // Prepare
    await loadSeedData(db(), { newestAt: NEWEST });
    const before = await interactionsFingerprint(db());

    // Act
    const report = await run([
      { name: 'writer', sql, min: 0 },
      { name: 'write after it', sql: 'DELETE FROM interactions RETURNING 1', min: 0 },
    ]);

    // Assess
    expect(result(report, 'writer')).toMatchObject({ status: 'fail', finding: expect.stringMatching(finding) });
    expect(result(report, 'write after it').status).toBe('fail');
    expect(await interactionsFingerprint(db())).toBe(before);
    expect(before).toMatch(/^3:/);
  });
});

it('fails a query that does not return exactly one row with one column', async () => {
  // Prepare
  await loadSeedData(db(), { newestAt: NEWEST });

  // Act
  const report = await run([
    { name: 'many rows', sql: 'SELECT id FROM interactions', min: 0 },
    { name: 'two columns', sql: 'SELECT 1, 2', min: 0 },
    { name: 'no row', sql: 'SELECT 1 WHERE false', min: 0 },
  ]);

  // Assess
  expect(report.checks.map((check) => check.finding)).toEqual([
    'the query returned 3 rows: a check returns exactly one row with one column',
    'the query returned 2 columns: a check returns exactly one row with one column',
    'the query returned 0 rows: a check returns exactly one row with one column',
  ]);
});

it('compares equals checks by value', async () => {
  // Prepare
  await loadSeedData(db(), { newestAt: NEWEST });

  // Act
  const report = await run([
    { name: 'migration head', sql: 'SELECT version_num FROM alembic_version', equals: '4f2a9c1b7d3e' },
    { name: 'count as number', sql: 'SELECT count(*) FROM interactions', equals: 3 },
    { name: 'wrong head', sql: 'SELECT version_num FROM alembic_version', equals: 'ffffffffffff' },
  ]);

  // Assess
  expect(report.checks.map(({ status, finding }) => ({ status, finding }))).toEqual([
    { status: 'pass', finding: 'equals "4f2a9c1b7d3e"' },
    { status: 'pass', finding: 'equals 3' },
    { status: 'fail', finding: 'found "4f2a9c1b7d3e", expected "ffffffffffff"' },
  ]);
});
