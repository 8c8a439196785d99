/**
 * Runs data checks against a database: one connection, each check in its own read-only transaction
 * with the statement timeout (shared/probes/postgres.ts), one after another so a slow check cannot
 * starve the others of the connection. The drill's Lambda and `drill check-data` both call
 * `verifyData`; a check that fails (query error included) is a result, only an unreachable
 * database is an error (DatabaseConnectionError).
 */
import { performance } from 'node:perf_hooks';
import {
  type ConnectionOptions,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type PostgresConnection,
  type PostgresTarget,
  sqlState,
  withConnection,
} from '../probes/postgres.js';
import type { DataCheck } from './checks.js';
import { type DataCheckResult, type FreshnessContext, judgeRows } from './evaluate.js';

/** How the checks run. */
export interface DataCheckRunOptions extends FreshnessContext {
  /** Each check's statement timeout. @default DEFAULT_STATEMENT_TIMEOUT_MS (5 s) */
  readonly statementTimeoutMs?: number;
  /** Monotonic milliseconds for durations. @default performance.now */
  readonly monotonicMs?: () => number;
}

/** Every check's result, and the RPO when a freshness check ran. */
export interface DataCheckReport {
  /** Every check passed. */
  readonly passed: boolean;
  readonly checks: readonly DataCheckResult[];
  /** The freshness check's newest data timestamp (ISO). @default absent without a passing freshness query */
  readonly newestDataAt?: string;
  /** Restore point minus newest data. @default absent without a restore point or freshness value */
  readonly rpoSeconds?: number;
}

/** A finding for a query the server refused or cancelled, by SQLSTATE. */
export function queryFailureFinding(error: unknown, statementTimeoutMs: number): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  switch (sqlState(error)) {
    case '25006':
      return `the check tried to write and was refused (checks run read-only; nothing was changed): ${message}`;
    case '57014':
      return `the query ran longer than the statement timeout of ${statementTimeoutMs} ms and was cancelled`;
    case '42P01':
      return `a table is missing: ${message}`;
    case '42703':
      return `a column is missing: ${message}`;
    case '3F000':
      return `a schema is missing: ${message}`;
    case '42601':
      return /multiple commands/.test(message)
        ? `a check is one SQL statement: ${message}`
        : `the check's SQL is not valid: ${message}`;
    case '':
      return message === 'Query read timeout'
        ? `the database stopped answering: no reply within the statement timeout of ${statementTimeoutMs} ms and a margin`
        : `the query did not complete: ${message}`;
    default:
      return `the query failed (SQLSTATE ${sqlState(error)}): ${message}`;
  }
}

/** Runs `checks` on an open connection (see the module comment). */
export async function runDataChecks(
  connection: PostgresConnection,
  checks: readonly DataCheck[],
  options: DataCheckRunOptions = {},
): Promise<DataCheckReport> {
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const now = options.monotonicMs ?? (() => performance.now());
  const results: DataCheckResult[] = [];
  let newestDataAt: string | undefined;
  let rpo: number | undefined;
  for (const check of checks) {
    const started = now();
    let result: Omit<DataCheckResult, 'durationMs'>;
    try {
      const rows = await connection.readOnly((session) => session.queryValues(check.sql), { statementTimeoutMs });
      const judgement = judgeRows(check, rows, options);
      result = { name: check.name, status: judgement.status, value: judgement.value, finding: judgement.finding };
      if (judgement.freshness !== undefined) {
        newestDataAt = judgement.freshness.newestDataAt.toISOString();
        rpo = judgement.freshness.rpoSeconds;
      }
    } catch (error) {
      result = {
        name: check.name,
        status: 'fail',
        value: null,
        finding: queryFailureFinding(error, statementTimeoutMs),
      };
    }
    results.push({ ...result, durationMs: Math.round(now() - started) });
  }
  return {
    passed: results.every((result) => result.status === 'pass'),
    checks: results,
    ...(newestDataAt === undefined ? {} : { newestDataAt }),
    ...(rpo === undefined ? {} : { rpoSeconds: rpo }),
  };
}

/** Connects to `target`, runs `checks`, closes. Throws DatabaseConnectionError when it cannot connect. */
export async function verifyData(
  target: PostgresTarget,
  checks: readonly DataCheck[],
  options: DataCheckRunOptions & ConnectionOptions = {},
): Promise<DataCheckReport> {
  return withConnection(target, { applicationName: 'interactions-data-checks', ...options }, (connection) =>
    runDataChecks(connection, checks, options),
  );
}
