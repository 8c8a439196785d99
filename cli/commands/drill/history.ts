/**
 * `drill history <env>`: the recent drills of all three kinds (point-in-time recovery, full restore,
 * Multi-AZ failover) with their outcome, RTO, RPO and user-visible downtime, read from the JSON
 * reports the drills filed in the reports bucket (they outlive the executions' 90-day history, and a
 * failed drill's report carries whatever it measured before failing). history-entry.ts reads a report.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { names } from '../../../shared/naming.js';
import { DEPENDENCIES } from '../../../workflows/failover-drill/contract.js';
import type { Command } from '../../command.js';
import { EXIT, UsageError } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { parseEnvironment, resolveRegion } from '../../inputs.js';
import { DRILLS, type DrillHistoryEntry, type DrillKind, historyEntry, REPORT_PREFIXES } from './history-entry.js';

/** Drills listed unless `--limit` says otherwise: a year of monthly drills. */
const DEFAULT_LIMIT = 12;

/** How the downtime column names each dependency. */
const SHORT_NAMES = { database: 'db', cache: 'cache', application: 'app' } as const;

/** `--limit`: 1-100 drills. */
function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > 100) throw new UsageError('must be a whole number from 1 to 100');
  return limit;
}

/** `--drill`: one of the drill kinds. */
function parseDrill(value: string): DrillKind {
  const drill = DRILLS.find((d) => d === value);
  if (drill === undefined) throw new UsageError(`must be one of ${DRILLS.join(', ')}`);
  return drill;
}

/** A report found in the bucket: its key, the drill that filed it and when it was written. */
interface FoundReport {
  readonly drill: DrillKind;
  readonly key: string;
  readonly modified: number;
}

/** Every JSON report under one drill's prefix. */
async function reportsOf(s3: S3Client, bucket: string, drill: DrillKind): Promise<FoundReport[]> {
  const found: FoundReport[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: REPORT_PREFIXES[drill], ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key?.endsWith('.json')) {
        found.push({ drill, key: object.Key, modified: object.LastModified?.getTime() ?? 0 });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return found;
}

/** The newest `limit` reports of the given drills, newest first. */
async function newestReports(
  s3: S3Client,
  bucket: string,
  drills: readonly DrillKind[],
  limit: number,
): Promise<FoundReport[]> {
  const all = (await Promise.all(drills.map((drill) => reportsOf(s3, bucket, drill)))).flat();
  return all.sort((a, b) => b.modified - a.modified).slice(0, limit);
}

/** One report read and turned into its entry; a report that is not JSON still gets a row. */
async function readEntry(s3: S3Client, bucket: string, found: FoundReport): Promise<DrillHistoryEntry> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: found.key }));
  const body = (await object.Body?.transformToString('utf-8')) ?? '';
  let report: unknown;
  try {
    report = JSON.parse(body);
  } catch {
    report = { status: 'UNREADABLE' };
  }
  return historyEntry(found.drill, report, found.key);
}

/** `2100 s`, marked when the objective was missed; `-` when not measured. */
function seconds(value: number | null, met: boolean | null): string {
  if (value === null) return '-';
  return met === false ? `${value} s (missed)` : `${value} s`;
}

/** `db 62 s, cache 14 s, app 0 s`, or `-`. */
function downtime(entry: DrillHistoryEntry): string {
  const measured = entry.downtimeSeconds;
  if (measured === null) return '-';
  return DEPENDENCIES.map((d) => `${SHORT_NAMES[d]} ${Math.round(measured[d])} s`).join(', ');
}

/** `FAILED (ErrorName)` for a failed drill, else the outcome. */
function outcome(entry: DrillHistoryEntry): string {
  if (entry.outcome !== 'failed') return entry.outcome;
  return `FAILED${entry.failure === null ? '' : ` (${entry.failure.split(':')[0]})`}`;
}

export const history: Command = {
  name: 'history',
  summary: 'List recent drills (PITR, full restore, failover): outcome, RTO, RPO and downtime',
  description:
    'Reads the JSON reports the drills filed in interactions-<env>-automation-reports (the point-in-time ' +
    'recovery test, the full restore test and the Multi-AZ failover drill) and lists them newest first: when ' +
    'each started, which drill, its outcome, the measured RTO and RPO in seconds (marked when an objective was ' +
    'missed), the user-visible downtime per dependency of a failover drill, and why a failed drill failed. ' +
    '"-" marks what a drill does not measure or never got to.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  options: [
    { flags: '--limit <n>', description: `drills to list, 1-100 (default ${DEFAULT_LIMIT})`, parse: parseLimit },
    { flags: '--drill <kind>', description: `only this drill: ${DRILLS.join(', ')} (default all)`, parse: parseDrill },
  ],
  examples: ['drill history prod', 'drill history prod --drill failover', 'drill history staging --limit 3 --json'],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    const limit = typeof options.limit === 'number' ? options.limit : DEFAULT_LIMIT;
    const drills: readonly DrillKind[] = typeof options.drill === 'string' ? [options.drill as DrillKind] : DRILLS;
    const region = resolveRegion(environment, global, deps);
    const { s3 } = deps.clients(region, { profile: global.profile });
    const bucket = names.reportsBucket(environment);
    const found = await newestReports(s3, bucket, drills, limit);
    const entries = await Promise.all(found.map((report) => readEntry(s3, bucket, report)));
    if (global.json) {
      deps.stdout(toJson({ environment, bucket, drills: entries }));
      return EXIT.ok;
    }
    if (entries.length === 0) {
      const where = drills.map((d) => `s3://${bucket}/${REPORT_PREFIXES[d]}`).join(', ');
      deps.stdout(`No drill has filed a report in ${where} yet.\n`);
      return EXIT.ok;
    }
    deps.stdout(
      formatTable(
        ['started', 'drill', 'outcome', 'RTO', 'RPO', 'downtime', 'execution'],
        entries.map((entry) => [
          entry.startedAt ?? '-',
          entry.drill,
          outcome(entry),
          seconds(entry.rtoSeconds, entry.objectivesMet.rto),
          seconds(entry.rpoSeconds, entry.objectivesMet.rpo),
          downtime(entry),
          entry.execution,
        ]),
      ),
    );
    for (const entry of entries.filter((e) => e.failure !== null)) {
      deps.stderr(`${entry.execution}: ${entry.failure}\n`);
    }
    return EXIT.ok;
  },
};
