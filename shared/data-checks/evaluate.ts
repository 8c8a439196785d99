/**
 * Judging what a data check's query returned, and the RPO. Pure: `run.ts` does the I/O. A check
 * passes or fails with a finding that says what was found against what was expected, so the drill
 * report reads without the SQL at hand.
 */
import { checkKind, type DataCheck, type ExpectedValue } from './checks.js';

/** pass | fail, as reports and the contract spell them. */
export type CheckStatus = 'pass' | 'fail';

/** A value as reported: JSON-safe (timestamps as ISO strings, numeric text as numbers). */
export type ReportedValue = string | number | boolean | null;

/** One check's outcome. */
export interface DataCheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly value: ReportedValue;
  /** What was found, in words (also when it passed). */
  readonly finding: string;
  readonly durationMs: number;
}

/** What a freshness check needs to judge the RPO. */
export interface FreshnessContext {
  /** The point in time the database was restored to. @default no RPO computed (the check reports the newest data) */
  readonly restorePoint?: Date;
  /** The environment's RPO objective. @default no objective (any RPO passes) */
  readonly rpoObjectiveSeconds?: number;
}

/** A freshness check's extra outcome: the newest data and, given a restore point, the RPO. */
export interface Freshness {
  readonly newestDataAt: Date;
  readonly rpoSeconds?: number;
}

/** A judged value: the result without its duration, plus the freshness when it was a freshness check. */
export interface Judgement {
  readonly status: CheckStatus;
  readonly value: ReportedValue;
  readonly finding: string;
  readonly freshness?: Freshness;
}

const NUMERIC_TEXT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * A database value as reported: Date -> ISO string; numeric text (pg returns bigint `count(*)` and
 * numeric as text) -> number when that loses nothing; other scalars as they are; anything else as JSON text.
 */
export function reportedValue(value: unknown): ReportedValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'string') {
    if (NUMERIC_TEXT.test(value)) {
      const number = Number(value);
      if (Number.isFinite(number) && (!/^-?\d+$/.test(value) || Number.isSafeInteger(number))) return number;
    }
    return value;
  }
  return JSON.stringify(value);
}

function asNumber(value: ReportedValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return Number(value);
  return undefined;
}

function matches(value: ReportedValue, expected: ExpectedValue): boolean {
  if (typeof expected === 'number') return asNumber(value) === expected;
  if (typeof expected === 'boolean') return value === expected || value === String(expected);
  return value !== null && String(value) === expected;
}

/** `1d 2h`, `3h 4m`, `5m 6s`, `7s`: the two largest units. */
export function formatSeconds(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

function asTimestamp(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/**
 * RPO = restore point minus the newest data, in whole seconds. Data newer than the restore point
 * (clocks of writer and RDS disagree) counts as no loss: 0.
 */
export function rpoSeconds(restorePoint: Date, newestDataAt: Date): number {
  return Math.max(0, Math.round((restorePoint.getTime() - newestDataAt.getTime()) / 1000));
}

function judgeFreshness(raw: unknown, value: ReportedValue, context: FreshnessContext): Judgement {
  const newest = asTimestamp(raw);
  if (raw === null || raw === undefined) {
    return { status: 'fail', value, finding: 'no newest data timestamp: the query returned NULL (no rows?)' };
  }
  if (newest === undefined) {
    return { status: 'fail', value, finding: `the value ${JSON.stringify(value)} is not a timestamp` };
  }
  const at = newest.toISOString();
  if (context.restorePoint === undefined) {
    return {
      status: 'pass',
      value,
      finding: `newest data at ${at} (no restore point given: RPO not measured)`,
      freshness: { newestDataAt: newest },
    };
  }
  const rpo = rpoSeconds(context.restorePoint, newest);
  const freshness = { newestDataAt: newest, rpoSeconds: rpo };
  const measured = `newest data at ${at}, restore point ${context.restorePoint.toISOString()}: RPO ${formatSeconds(rpo)}`;
  const objective = context.rpoObjectiveSeconds;
  if (objective === undefined) return { status: 'pass', value, finding: measured, freshness };
  if (rpo > objective) {
    return {
      status: 'fail',
      value,
      finding: `${measured} exceeds the objective of ${formatSeconds(objective)}`,
      freshness,
    };
  }
  return {
    status: 'pass',
    value,
    finding: `${measured}, within the objective of ${formatSeconds(objective)}`,
    freshness,
  };
}

/**
 * Judges the rows a check's query returned: exactly one row with exactly one column, then the
 * check's expectation (min, equals or freshness).
 */
export function judgeRows(
  check: DataCheck,
  rows: readonly (readonly unknown[])[],
  context: FreshnessContext,
): Judgement {
  if (rows.length !== 1) {
    return {
      status: 'fail',
      value: null,
      finding: `the query returned ${rows.length} rows: a check returns exactly one row with one column`,
    };
  }
  const row = rows[0] ?? [];
  if (row.length !== 1) {
    return {
      status: 'fail',
      value: null,
      finding: `the query returned ${row.length} columns: a check returns exactly one row with one column`,
    };
  }
  const raw = row[0];
  const value = reportedValue(raw);
  switch (checkKind(check)) {
    case 'min': {
      const min = check.min as number;
      const number = asNumber(value);
      if (number === undefined) return { status: 'fail', value, finding: `${JSON.stringify(value)} is not a number` };
      return number >= min
        ? { status: 'pass', value, finding: `${number} is at least ${min}` }
        : { status: 'fail', value, finding: `${number} is below the minimum of ${min}` };
    }
    case 'equals': {
      const expected = check.equals as ExpectedValue;
      return matches(value, expected)
        ? { status: 'pass', value, finding: `equals ${JSON.stringify(expected)}` }
        : { status: 'fail', value, finding: `found ${JSON.stringify(value)}, expected ${JSON.stringify(expected)}` };
    }
    case 'freshness':
      return judgeFreshness(raw, value, context);
  }
}
