/**
 * The database connectivity check (seed: "Verify database connectivity"): connect as the
 * application does (TLS, credentials from Secrets Manager in the Lambda, from the URL locally),
 * `SELECT 1`, and read the schema migration version from Alembic's `alembic_version` table, in a
 * read-only transaction (shared/probes/postgres.ts), so the check can never change the database.
 */
import { type CheckOutcome, fail, pass } from './check.js';
import {
  DatabaseConnectionError,
  describeTarget,
  type PostgresTarget,
  sqlState,
  withReadOnlyTransaction,
} from './postgres.js';

const UNDEFINED_TABLE = '42P01';
const QUERY_CANCELED = '57014';

/** Runs the database check: connect within `timeoutMs`, `SELECT 1`, read `alembic_version`. */
export async function runDatabaseCheck(target: PostgresTarget, timeoutMs: number): Promise<CheckOutcome> {
  const where = describeTarget(target);
  try {
    return await withReadOnlyTransaction(
      target,
      {
        connectTimeoutMs: timeoutMs,
        statementTimeoutMs: timeoutMs,
        applicationName: 'interactions-deployment-verification',
      },
      async (session) => {
        const [one] = await session.queryValues('SELECT 1');
        if (one?.[0] !== 1) return fail(`SELECT 1 answered ${JSON.stringify(one)} on ${where}`);
        let versions: unknown[][];
        try {
          versions = await session.queryValues('SELECT version_num FROM alembic_version ORDER BY version_num');
        } catch (error) {
          if (sqlState(error) === UNDEFINED_TABLE) {
            return fail(`connected and SELECT 1 ok, but ${where} has no alembic_version table: migrations never ran`);
          }
          throw error;
        }
        const heads = versions.map((row) => String(row[0]));
        if (heads.length === 0) return fail(`alembic_version on ${where} is empty: no migration applied`);
        return pass(`SELECT 1 ok on ${where}; schema at Alembic revision ${heads.join(', ')}`);
      },
    );
  } catch (error) {
    if (error instanceof DatabaseConnectionError) return fail(error.message);
    if (sqlState(error) === QUERY_CANCELED)
      return fail(`a query on ${where} ran past ${timeoutMs} ms and was cancelled`);
    return fail(`query on ${where} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
