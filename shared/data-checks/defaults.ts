/**
 * The data checks that fit the seed's backend (Python, Alembic migrations) without knowing its
 * schema in detail: migrations were applied (`alembic_version` has a row), the public schema has
 * tables, each named table has rows, and optionally the newest timestamp of one column (the RPO).
 */
import type { DataCheck } from './checks.js';

/** A table name as configured: `table` (in `public`) or `schema.table`, lower-case SQL identifiers. */
const TABLE_NAME_PATTERN = /^[a-z_][a-z0-9_$]{0,62}(\.[a-z_][a-z0-9_$]{0,62})?$/;

/** What the default checks look at. */
export interface DefaultDataCheckOptions {
  /** Tables that must have at least one row (`table` or `schema.table`). */
  readonly tables: readonly string[];
  /**
   * The column whose newest value is the newest data: a table written continuously (a heartbeat or
   * the busiest table's `created_at`), else a quiet hour reads as a large RPO.
   * @default no freshness check (no RPO measured)
   */
  readonly freshness?: { readonly table: string; readonly column: string };
}

/** `schema.table` or `table` quoted as SQL identifiers; throws on a name the pattern refuses. */
export function quoteTable(name: string): string {
  if (!TABLE_NAME_PATTERN.test(name)) {
    throw new Error(`table name '${name}' must be 'table' or 'schema.table' in lower-case SQL identifiers`);
  }
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

function quoteColumn(name: string): string {
  if (!/^[a-z_][a-z0-9_$]{0,62}$/.test(name)) {
    throw new Error(`column name '${name}' must be a lower-case SQL identifier`);
  }
  return `"${name}"`;
}

/** The default checks for `options` (see the module comment), in the order they run. */
export function defaultDataChecks(options: DefaultDataCheckOptions): DataCheck[] {
  const checks: DataCheck[] = [
    { name: 'alembic_version has a row', sql: 'SELECT count(*) FROM alembic_version', min: 1 },
    {
      name: 'public schema has tables',
      sql: "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      min: 1,
    },
    // LIMIT 1 reads one row, not the table: a restored instance loads its blocks from S3 lazily.
    ...options.tables.map((table) => ({
      name: `${table} has rows`,
      sql: `SELECT count(*) FROM (SELECT 1 FROM ${quoteTable(table)} LIMIT 1) AS sample`,
      min: 1,
    })),
  ];
  if (options.freshness !== undefined) {
    const { table, column } = options.freshness;
    checks.push({
      name: `newest ${table}.${column}`,
      sql: `SELECT max(${quoteColumn(column)}) FROM ${quoteTable(table)}`,
      freshness: true,
    });
  }
  return checks;
}
