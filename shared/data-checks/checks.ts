/**
 * The data checks of a recovery drill, as data: each is `{ name, sql }` and exactly one of `min`,
 * `equals` or `freshness: true`, where `sql` returns one row with one column. The same shape is an
 * environment's config (`infra/config/drills.ts`), the drill Lambda's input and the file
 * `drill check-data --checks` reads; `dataCheckProblems` is the one validation all of them use.
 */
import * as z from '../zod.js';

/** A value a check may expect to find. */
export type ExpectedValue = string | number | boolean;

/** One data check (see the module comment). */
export interface DataCheck {
  /** Unique within the list; names the check in reports and metrics. */
  readonly name: string;
  /** One read-only statement returning one row with one column. */
  readonly sql: string;
  /** Passes when the value is a number at least `min`. */
  readonly min?: number;
  /** Passes when the value equals this (numbers compare as numbers, `"5"` equals `5`). */
  readonly equals?: ExpectedValue;
  /** The value is the newest data timestamp: the RPO is measured from it (at most one such check). */
  readonly freshness?: true;
}

/** Longest check name: it appears in tables, reports and log lines. */
const MAX_NAME_LENGTH = 100;

const checkSchema = z.strictObject({
  name: z
    .string()
    .check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
    ),
  sql: z.string().check(z.refine((sql) => sql.trim() !== '', 'must be a SQL statement')),
  min: z.optional(z.number('must be a finite number')),
  equals: z.optional(z.union([z.string(), z.number(), z.boolean()], 'must be a string, a number or a boolean')),
  freshness: z.optional(z.literal(true, 'must be true when present (leave it out otherwise)')),
});

const KINDS = ['min', 'equals', 'freshness'] as const;

/** The check's expectation kind (exactly one is set in a valid check). */
export function checkKind(check: DataCheck): (typeof KINDS)[number] {
  return check.min !== undefined ? 'min' : check.equals !== undefined ? 'equals' : 'freshness';
}

/**
 * Every problem of `value` as a list of data checks, each naming the check (`[1] rows in users:
 * ...`); empty when it is sound: a non-empty array of valid checks with unique names and at most
 * one freshness check.
 */
export function dataCheckProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['expected a list of checks: [{ "name", "sql", "min" | "equals" | "freshness" }]'];
  if (value.length === 0) return ['the list of checks is empty: at least one check is needed'];
  const problems: string[] = [];
  const seen = new Set<string>();
  let freshness = 0;
  value.forEach((item, index) => {
    const label =
      typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string'
        ? `[${index}] ${(item as { name: string }).name}`
        : `[${index}]`;
    const result = z.safeParse(checkSchema, item);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown field(s) ${issue.keys.join(', ')} (a check has name, sql and one of min, equals, freshness)`
            : issue.message;
        problems.push(`${label}: ${field}${message}`);
      }
      return;
    }
    const check = result.data;
    const kinds = KINDS.filter((kind) => check[kind] !== undefined);
    if (kinds.length !== 1) {
      problems.push(
        `${label}: needs exactly one of min, equals or freshness, found ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
      );
    }
    if (seen.has(check.name)) problems.push(`${label}: the name '${check.name}' is used by an earlier check`);
    seen.add(check.name);
    if (check.freshness) freshness += 1;
  });
  if (freshness > 1)
    problems.push(`${freshness} checks are marked freshness: at most one may be (it measures the RPO)`);
  return problems;
}

/** Data checks that are not valid; `problems` lists each (see `dataCheckProblems`). */
export class DataChecksError extends Error {
  override readonly name = 'DataChecksError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid data checks in ${source}: ${problems.join('; ')}`);
  }
}

/** `value` as data checks, or DataChecksError naming `source` (a file, `input.checks`) and every problem. */
export function parseDataChecks(value: unknown, source: string): DataCheck[] {
  const problems = dataCheckProblems(value);
  if (problems.length > 0) throw new DataChecksError(source, problems);
  return (value as DataCheck[]).map((check) => z.parse(checkSchema, check) as DataCheck);
}

/**
 * A list of data checks as a zod schema (the drill Lambda's input, its DATA_CHECKS variable): each
 * problem of `dataCheckProblems` becomes one issue.
 */
export const dataChecksSchema = z.pipe(
  z.unknown(),
  z.transform((value, ctx) => {
    const problems = dataCheckProblems(value);
    for (const message of problems) ctx.issues.push({ code: 'custom', message, input: value });
    return problems.length === 0 ? (value as DataCheck[]) : z.NEVER;
  }),
);
