/**
 * `drill check-data <env> --database-url <url>`: runs the environment's data checks (or a file's)
 * against any PostgreSQL database from this machine, with the code and timeouts the recovery
 * drill's Lambda uses (shared/data-checks) and no AWS call. Read-only: each check runs in a
 * read-only transaction that is rolled back.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../../infra/config/index.js';
import { type DataCheck, DataChecksError, parseDataChecks } from '../../../shared/data-checks/checks.js';
import { formatSeconds } from '../../../shared/data-checks/evaluate.js';
import { verifyData } from '../../../shared/data-checks/run.js';
import {
  DatabaseConnectionError,
  describeTarget,
  type PostgresTarget,
  PostgresUrlError,
  parsePostgresUrl,
} from '../../../shared/probes/postgres.js';
import { isoTimeSchema } from '../../../shared/schemas.js';
import * as z from '../../../shared/zod.js';
import type { Command } from '../../command.js';
import { CommandFailedError, EXIT, UsageError } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { parseEnvironment, shown } from '../../inputs.js';

/** `--restore-point`: an ISO 8601 timestamp with its offset. */
function parseRestorePoint(value: string): Date {
  if (!z.safeParse(isoTimeSchema, value).success) {
    throw new UsageError(`'${shown(value)}' is not an ISO 8601 timestamp with an offset (2025-06-01T10:00:00Z)`);
  }
  return new Date(value);
}

/**
 * `--database-url`: a postgres:// URL. Checked in `run`, not as an option parser: commander repeats
 * a rejected option's value in its message, and this one holds a password.
 */
function parseDatabaseUrl(value: unknown): PostgresTarget {
  if (typeof value !== 'string') throw new UsageError('missing --database-url <postgres-url>');
  try {
    return parsePostgresUrl(value);
  } catch (error) {
    if (error instanceof PostgresUrlError) throw new UsageError(`invalid --database-url: ${error.message}`);
    throw error;
  }
}

/** The checks in `path`: a JSON list in the config's shape. */
function readChecksFile(path: string): DataCheck[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --checks file '${shown(path)}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--checks file '${shown(path)}' is not JSON: ${(error as Error).message}`);
  }
  try {
    return parseDataChecks(value, `--checks file '${shown(path)}'`);
  } catch (error) {
    if (error instanceof DataChecksError) throw new UsageError(error.message);
    throw error;
  }
}

export const checkData: Command = {
  name: 'check-data',
  summary: "Run the drill's data checks against a PostgreSQL database (no AWS call)",
  description:
    "Connects to the database of --database-url (TLS as its sslmode says: disable, require or verify-full, the default) and runs the environment's data checks (config drills.dataChecks), or those of --checks <file.json> (a JSON list in the same shape: " +
    '{ "name", "sql", "min" | "equals" | "freshness": true }), each in a read-only transaction with the ' +
    "environment's statement timeout: the same code the recovery drill's Lambda runs. Prints each check with its value " +
    'and finding; with --restore-point, the RPO (restore point minus the newest data), which fails the freshness check ' +
    "when it exceeds the environment's objective. Exit 0 when every check passes, 1 when one fails or the database " +
    'cannot be reached (within the connect timeout), 2 for usage errors.',
  arguments: [
    { name: 'env', description: 'environment whose checks, timeouts and RPO objective apply: dev, staging or prod' },
  ],
  options: [
    {
      flags: '--database-url <postgres-url>',
      description: 'postgres://user:password@host:port/database?sslmode=disable|require|verify-full (required)',
    },
    {
      flags: '--checks <file.json>',
      description: "checks to run instead of the environment's (same shape as the config)",
    },
    {
      flags: '--restore-point <iso>',
      description: 'the point in time the database was restored to: measures the RPO against the objective',
      parse: parseRestorePoint,
    },
  ],
  examples: [
    'drill check-data staging --database-url "postgres://dbadmin:$PGPASSWORD@localhost:5432/interactions?sslmode=require"',
    'drill check-data prod --database-url "$URL" --restore-point 2025-06-01T10:00:00Z --json',
    'drill check-data dev --database-url "$URL" --checks my-checks.json',
  ],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    const target = parseDatabaseUrl(options.databaseUrl);
    const restorePoint = options.restorePoint as Date | undefined;
    const { drills } = loadConfig(environment);
    const checks = typeof options.checks === 'string' ? readChecksFile(options.checks) : [...drills.dataChecks];
    const rpoObjectiveSeconds = drills.objectives.rpoMinutes * 60;
    const connectTimeoutMs = drills.dataCheckTimeouts.connectSeconds * 1000;

    let report: Awaited<ReturnType<typeof verifyData>>;
    try {
      report = await verifyData(target, checks, {
        ...(restorePoint === undefined ? {} : { restorePoint }),
        rpoObjectiveSeconds,
        connectTimeoutMs,
        statementTimeoutMs: drills.dataCheckTimeouts.statementSeconds * 1000,
        applicationName: 'interactions-ops-check-data',
      });
    } catch (error) {
      if (error instanceof DatabaseConnectionError) throw new CommandFailedError(error.message, { cause: error });
      throw error;
    }

    if (global.json) {
      deps.stdout(
        toJson({
          environment,
          database: describeTarget(target),
          passed: report.passed,
          checks: report.checks,
          restorePoint: restorePoint?.toISOString() ?? null,
          newestDataAt: report.newestDataAt ?? null,
          rpoSeconds: report.rpoSeconds ?? null,
          rpoObjectiveSeconds,
        }),
      );
      return report.passed ? EXIT.ok : EXIT.failed;
    }
    deps.stdout(`Data checks of ${environment} on ${describeTarget(target)}\n\n`);
    deps.stdout(
      formatTable(
        ['STATUS', 'CHECK', 'VALUE', 'TIME', 'FINDING'],
        report.checks.map((check) => [
          check.status.toUpperCase(),
          check.name,
          check.value === null ? 'null' : String(check.value),
          `${check.durationMs} ms`,
          check.finding,
        ]),
      ),
    );
    if (report.rpoSeconds !== undefined) {
      const met = report.rpoSeconds <= rpoObjectiveSeconds;
      deps.stdout(
        `\nRPO: ${formatSeconds(report.rpoSeconds)} (newest data ${report.newestDataAt}, restore point ${restorePoint?.toISOString()}); objective ${formatSeconds(rpoObjectiveSeconds)}: ${met ? 'met' : 'MISSED'}\n`,
      );
    } else if (restorePoint !== undefined) {
      deps.stdout('\nRPO: not measured (no freshness check produced a timestamp)\n');
    }
    const failed = report.checks.filter((check) => check.status === 'fail').length;
    deps.stdout(
      `\n${failed === 0 ? 'PASSED' : 'FAILED'}: ${report.checks.length - failed} of ${report.checks.length} checks passed\n`,
    );
    return report.passed ? EXIT.ok : EXIT.failed;
  },
};
