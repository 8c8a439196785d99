import { dataCheckProblems, dataChecksSchema, parseDataChecks } from '../../../shared/data-checks/checks.js';
import { defaultDataChecks, quoteTable } from '../../../shared/data-checks/defaults.js';
import { formatSeconds, judgeRows, reportedValue, rpoSeconds } from '../../../shared/data-checks/evaluate.js';
import { queryFailureFinding } from '../../../shared/data-checks/run.js';
import * as z from '../../../shared/zod.js';

describe('dataCheckProblems', () => {
  it('accepts a list with one check of each kind', () => {
    expect(
      dataCheckProblems([
        { name: 'a', sql: 'SELECT 1', min: 1 },
        { name: 'b', sql: 'SELECT 1', equals: 'x' },
        { name: 'c', sql: 'SELECT now()', freshness: true },
      ]),
    ).toEqual([]);
  });

  it.each([
    [{}, ['expected a list of checks: [{ "name", "sql", "min" | "equals" | "freshness" }]']],
    [[], ['the list of checks is empty: at least one check is needed']],
    [[{ name: 'n', sql: 'SELECT 1' }], ['[0] n: needs exactly one of min, equals or freshness, found none']],
    [
      [{ name: 'n', sql: 'SELECT 1', min: 1, freshness: true }],
      ['[0] n: needs exactly one of min, equals or freshness, found min and freshness'],
    ],
    [[{ name: 'n', sql: '  ', min: 1 }], ['[0] n: sql: must be a SQL statement']],
    [[{ name: '', sql: 'SELECT 1', min: 1 }], ['[0] : name: must not be empty']],
    [[{ name: 'n', sql: 'SELECT 1', min: Number.POSITIVE_INFINITY }], ['[0] n: min: must be a finite number']],
    [[{ name: 'n', sql: 'SELECT 1', equals: null }], ['[0] n: equals: must be a string, a number or a boolean']],
    [
      [{ name: 'n', sql: 'SELECT 1', min: 1, max: 3 }],
      ['[0] n: unknown field(s) max (a check has name, sql and one of min, equals, freshness)'],
    ],
    [
      [
        { name: 'n', sql: 'SELECT 1', min: 1 },
        { name: 'n', sql: 'SELECT 2', min: 1 },
      ],
      ["[1] n: the name 'n' is used by an earlier check"],
    ],
    [
      [
        { name: 'a', sql: 'SELECT now()', freshness: true },
        { name: 'b', sql: 'SELECT now()', freshness: true },
      ],
      ['2 checks are marked freshness: at most one may be (it measures the RPO)'],
    ],
    [['SELECT 1'], [expect.stringMatching(/^\[0\]: /)]],
  ])('names what is wrong in %j', (value, problems) => {
    expect(dataCheckProblems(value)).toEqual(problems);
  });

  it('parseDataChecks throws naming the source and every problem', () => {
    expect(() => parseDataChecks([{ name: 'n', sql: 'SELECT 1' }], 'checks.json')).toThrow(
      'Invalid data checks in checks.json: [0] n: needs exactly one of min, equals or freshness, found none',
    );
  });

  it('dataChecksSchema reports each problem as an issue', () => {
    const result = z.safeParse(dataChecksSchema, [{ name: 'n', sql: 'x', min: 1, equals: 1 }, 'y']);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      '[0] n: needs exactly one of min, equals or freshness, found min and equals',
      expect.stringMatching(/^\[1\]: /),
    ]);
  });
});

describe('judgeRows', () => {
  const none = {};

  it('passes min at the boundary and fails below it, reading numeric text as numbers', () => {
    const check = { name: 'n', sql: 's', min: 2 };
    expect(judgeRows(check, [['2']], none)).toEqual({ status: 'pass', value: 2, finding: '2 is at least 2' });
    expect(judgeRows(check, [['1']], none)).toEqual({
      status: 'fail',
      value: 1,
      finding: '1 is below the minimum of 2',
    });
    expect(judgeRows(check, [['abc']], none)).toMatchObject({ status: 'fail', finding: '"abc" is not a number' });
    expect(judgeRows(check, [[null]], none)).toMatchObject({ status: 'fail', finding: 'null is not a number' });
  });

  it('compares equals by type: numbers as numbers, booleans, strings exactly', () => {
    expect(judgeRows({ name: 'n', sql: 's', equals: 5 }, [['5']], none).status).toBe('pass');
    expect(judgeRows({ name: 'n', sql: 's', equals: true }, [[true]], none).status).toBe('pass');
    expect(judgeRows({ name: 'n', sql: 's', equals: true }, [[false]], none)).toMatchObject({
      status: 'fail',
      finding: 'found false, expected true',
    });
    expect(judgeRows({ name: 'n', sql: 's', equals: '5' }, [[5]], none).status).toBe('pass');
    expect(judgeRows({ name: 'n', sql: 's', equals: 'x' }, [[null]], none).status).toBe('fail');
  });

  describe('freshness', () => {
    const check = { name: 'f', sql: 's', freshness: true as const };
    const newest = new Date('2025-06-01T09:55:00Z');
    const restorePoint = new Date('2025-06-01T10:00:00Z');

    it('passes at exactly the objective and fails one second past it', () => {
      expect(judgeRows(check, [[newest]], { restorePoint, rpoObjectiveSeconds: 300 })).toMatchObject({
        status: 'pass',
        freshness: { newestDataAt: newest, rpoSeconds: 300 },
      });
      expect(judgeRows(check, [[newest]], { restorePoint, rpoObjectiveSeconds: 299 })).toMatchObject({
        status: 'fail',
        finding: expect.stringMatching(/RPO 5m 0s exceeds the objective of 4m 59s$/),
      });
    });

    it('reports the newest data without an RPO when no restore point is given', () => {
      expect(judgeRows(check, [[newest]], { rpoObjectiveSeconds: 1 })).toEqual({
        status: 'pass',
        value: '2025-06-01T09:55:00.000Z',
        finding: 'newest data at 2025-06-01T09:55:00.000Z (no restore point given: RPO not measured)',
        freshness: { newestDataAt: newest },
      });
    });

    it('reads an ISO string as a timestamp and refuses anything else', () => {
      expect(judgeRows(check, [['2025-06-01T09:59:00Z']], { restorePoint }).freshness?.rpoSeconds).toBe(60);
      expect(judgeRows(check, [[42]], { restorePoint })).toMatchObject({
        status: 'fail',
        finding: 'the value 42 is not a timestamp',
      });
    });
  });

  it('insists on exactly one row with one column', () => {
    const check = { name: 'n', sql: 's', min: 0 };
    expect(judgeRows(check, [], {}).finding).toMatch(/returned 0 rows/);
    expect(judgeRows(check, [[1], [2]], {}).finding).toMatch(/returned 2 rows/);
    expect(judgeRows(check, [[1, 2]], {}).finding).toMatch(/returned 2 columns/);
  });
});

describe('rpoSeconds', () => {
  it('is the restore point minus the newest data, never negative', () => {
    expect(rpoSeconds(new Date('2025-06-01T10:00:00Z'), new Date('2025-06-01T09:58:30Z'))).toBe(90);
    expect(rpoSeconds(new Date('2025-06-01T10:00:00Z'), new Date('2025-06-01T10:00:05Z'))).toBe(0);
  });
});

describe('reportedValue', () => {
  it.each([
    [null, null],
    [undefined, null],
    ['12', 12],
    ['1.50', 1.5],
    ['9007199254740993', '9007199254740993'],
    [BigInt(7), 7],
    ['abc', 'abc'],
    [new Date('2025-06-01T10:00:00Z'), '2025-06-01T10:00:00.000Z'],
    [{ a: 1 }, '{"a":1}'],
    [true, true],
  ])('%p -> %p', (input, expected) => {
    expect(reportedValue(input)).toEqual(expected);
  });
});

describe('formatSeconds', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [300, '5m 0s'],
    [3_700, '1h 1m'],
    [90_000, '1d 1h'],
  ])('%d -> %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

describe('queryFailureFinding', () => {
  const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it.each([
    [
      sqlError('25006', 'cannot execute DELETE in a read-only transaction'),
      /^the check tried to write and was refused/,
    ],
    [sqlError('57014', 'canceling statement'), /^the query ran longer than the statement timeout of 250 ms/],
    [sqlError('42P01', 'relation "x" does not exist'), /^a table is missing: relation "x" does not exist$/],
    [sqlError('42703', 'column "y" does not exist'), /^a column is missing/],
    [sqlError('42601', 'cannot insert multiple commands into a prepared statement'), /^a check is one SQL statement/],
    [sqlError('42601', 'syntax error at or near "SELEC"'), /^the check's SQL is not valid/],
    [sqlError('22012', 'division by zero'), /^the query failed \(SQLSTATE 22012\): division by zero$/],
    [new Error('Connection terminated unexpectedly'), /^the query did not complete: Connection terminated/],
    [
      new Error('Query read timeout'),
      /^the database stopped answering: no reply within the statement timeout of 250 ms/,
    ],
  ])('explains %s', (error, finding) => {
    expect(queryFailureFinding(error, 250)).toMatch(finding);
  });
});

describe('defaultDataChecks', () => {
  it('checks migrations, the public schema, each table and the freshness column', () => {
    expect(
      defaultDataChecks({ tables: ['users', 'audit.events'], freshness: { table: 'users', column: 'created_at' } }),
    ).toEqual([
      { name: 'alembic_version has a row', sql: 'SELECT count(*) FROM alembic_version', min: 1 },
      {
        name: 'public schema has tables',
        sql: "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        min: 1,
      },
      { name: 'users has rows', sql: 'SELECT count(*) FROM (SELECT 1 FROM "users" LIMIT 1) AS sample', min: 1 },
      {
        name: 'audit.events has rows',
        sql: 'SELECT count(*) FROM (SELECT 1 FROM "audit"."events" LIMIT 1) AS sample',
        min: 1,
      },
      { name: 'newest users.created_at', sql: 'SELECT max("created_at") FROM "users"', freshness: true },
    ]);
  });

  it('leaves the freshness check out unless configured, and the result is valid', () => {
    const checks = defaultDataChecks({ tables: [] });
    expect(checks.some((check) => check.freshness)).toBe(false);
    expect(dataCheckProblems(checks)).toEqual([]);
  });

  it('refuses table and column names that are not plain identifiers', () => {
    expect(() => quoteTable('users; DROP TABLE x')).toThrow(/must be 'table' or 'schema.table'/);
    expect(() => defaultDataChecks({ tables: [], freshness: { table: 'users', column: 'a"b' } })).toThrow(
      /column name 'a"b' must be a lower-case SQL identifier/,
    );
  });
});
