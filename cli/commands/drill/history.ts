/**
 * `drill history <env>`: the recent recovery drills with their outcome, restore point, RTO and RPO,
 * read from the JSON reports the drills filed in the reports bucket (they outlive the executions'
 * 90-day history, and a failed drill's report carries whatever it measured before failing).
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { names } from '../../../shared/naming.js';
import type { Command } from '../../command.js';
import { EXIT, UsageError } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { parseEnvironment, resolveRegion } from '../../inputs.js';

/** Where notify-outcome files the recovery test's reports (functions/notify-outcome/format-report.ts). */
const REPORTS_PREFIX = 'reports/recovery-test/';

/** Drills listed unless `--limit` says otherwise: a year of monthly drills. */
const DEFAULT_LIMIT = 12;

/** One drill as the history lists it. */
export interface DrillHistoryEntry {
  readonly execution: string;
  readonly startedAt: string | null;
  readonly status: string;
  readonly restorePoint: string | null;
  readonly restorePointMode: string | null;
  readonly rtoSeconds: number | null;
  readonly rpoSeconds: number | null;
  readonly objectivesMet: { readonly rto: boolean | null; readonly rpo: boolean | null };
  /** The failure (error: cause), or null for a passed drill. */
  readonly failure: string | null;
  readonly report: string;
}

/** `--limit`: 1-100 drills. */
function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > 100) throw new UsageError('must be a whole number from 1 to 100');
  return limit;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

/** The history entry of one JSON report; fields a failed drill never reached are null. */
export function historyEntry(report: unknown, key: string): DrillHistoryEntry {
  const outcome = record(report);
  const details = record(outcome.details);
  const plan = record(details.plan);
  const evaluation = record(details.evaluation);
  const met = record(evaluation.objectivesMet);
  const error = text(outcome.error);
  return {
    execution:
      text(outcome.execution) ??
      key
        .split('/')
        .pop()
        ?.replace(/\.json$/, '') ??
      key,
    startedAt: text(outcome.startedAt),
    status: text(outcome.status) ?? 'UNKNOWN',
    restorePoint: text(plan.restorePoint),
    restorePointMode: text(plan.restorePointMode),
    rtoSeconds: number(evaluation.rtoSeconds),
    rpoSeconds: number(evaluation.rpoSeconds),
    objectivesMet: { rto: flag(met.rto), rpo: flag(met.rpo) },
    failure: error === null ? null : `${error}: ${text(outcome.causeMessage) ?? text(outcome.cause) ?? ''}`,
    report: key,
  };
}

/** The newest `limit` report keys (JSON) under the recovery test's prefix. */
async function newestReportKeys(s3: S3Client, bucket: string, limit: number): Promise<string[]> {
  const found: { key: string; modified: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: REPORTS_PREFIX, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key?.endsWith('.json')) {
        found.push({ key: object.Key, modified: object.LastModified?.getTime() ?? 0 });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return found
    .sort((a, b) => b.modified - a.modified)
    .slice(0, limit)
    .map((entry) => entry.key);
}

const seconds = (value: number | null) => (value === null ? '-' : String(value));
const met = (value: boolean | null) => (value === null ? '-' : value ? 'yes' : 'NO');

export const history: Command = {
  name: 'history',
  summary: 'List recent recovery drills: outcome, restore point, RTO and RPO',
  description:
    'Reads the JSON reports the point-in-time recovery drills filed in interactions-<env>-automation-reports ' +
    '(newest first) and lists each drill: when it started, its outcome, the restore point, the measured RTO and ' +
    'RPO in seconds and whether they met the objectives, and why a failed drill failed.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  options: [
    { flags: '--limit <n>', description: `drills to list, 1-100 (default ${DEFAULT_LIMIT})`, parse: parseLimit },
  ],
  examples: ['drill history prod', 'drill history staging --limit 3 --json'],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    const limit = typeof options.limit === 'number' ? options.limit : DEFAULT_LIMIT;
    const region = resolveRegion(environment, global, deps);
    const { s3 } = deps.clients(region, { profile: global.profile });
    const bucket = names.reportsBucket(environment);
    const keys = await newestReportKeys(s3, bucket, limit);
    const entries = await Promise.all(
      keys.map(async (key) => {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = (await object.Body?.transformToString('utf-8')) ?? '';
        let report: unknown;
        try {
          report = JSON.parse(body);
        } catch {
          report = { status: 'UNREADABLE' };
        }
        return historyEntry(report, key);
      }),
    );
    if (global.json) {
      deps.stdout(toJson({ environment, bucket, drills: entries }));
      return EXIT.ok;
    }
    if (entries.length === 0) {
      deps.stdout(`No recovery drill has filed a report in s3://${bucket}/${REPORTS_PREFIX} yet.\n`);
      return EXIT.ok;
    }
    deps.stdout(
      formatTable(
        ['started', 'outcome', 'restore point', 'RTO s', 'RTO met', 'RPO s', 'RPO met', 'execution'],
        entries.map((entry) => [
          entry.startedAt ?? '-',
          entry.status === 'SUCCEEDED'
            ? 'passed'
            : `FAILED${entry.failure === null ? '' : ` (${entry.failure.split(':')[0]})`}`,
          entry.restorePoint === null ? '-' : `${entry.restorePoint} (${entry.restorePointMode ?? '?'})`,
          seconds(entry.rtoSeconds),
          met(entry.objectivesMet.rto),
          seconds(entry.rpoSeconds),
          met(entry.objectivesMet.rpo),
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
