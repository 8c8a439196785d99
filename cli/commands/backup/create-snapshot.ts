/**
 * `backup create-snapshot <env> <name>`: starts the on-demand snapshot workflow and follows it.
 * Replaces the seed's `./scripts/backup.sh create-snapshot prod interactions-pre-migration`.
 */
import { DescribeDBSnapshotsCommand, paginateDescribeDBSnapshots, type RDSClient } from '@aws-sdk/client-rds';
import { ENVIRONMENT_NAMES, loadConfig } from '../../../infra/config/index.js';
import { parseS3Uri, s3ObjectConsoleUrl } from '../../../shared/console-links.js';
import { MAX_RETENTION_DAYS } from '../../../shared/schemas.js';
import { validateSnapshotName } from '../../../shared/snapshot-naming.js';
import {
  type OnDemandSnapshotOutput,
  onDemandSnapshotInputSchema,
  onDemandSnapshotOutputSchema,
} from '../../../workflows/on-demand-snapshot/contract.js';
import type { Command } from '../../command.js';
import { UsageError } from '../../context.js';
import { yesNo } from '../../format.js';
import { parseEnvironment, shown } from '../../inputs.js';
import { runWorkflow, WORKFLOW_OPTIONS } from '../../workflow-run.js';

/** Fewest days `--retain-days` accepts (the contract's lower bound). */
const MIN_RETAIN_DAYS = 1;

/** `--retain-days`: a whole number of days, 1..3650. */
function parseRetainDays(value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < MIN_RETAIN_DAYS || days > MAX_RETENTION_DAYS) {
    throw new UsageError(`must be a whole number of days from ${MIN_RETAIN_DAYS} to ${MAX_RETENTION_DAYS}`);
  }
  return days;
}

function s3Row(label: string, uri: string, region: string): [string, string][] {
  const location = parseS3Uri(uri);
  return location ? [[label, s3ObjectConsoleUrl({ ...location, region })]] : [];
}

export const createSnapshot: Command = {
  name: 'create-snapshot',
  summary: 'Take a manual RDS snapshot through the on-demand snapshot workflow',
  description:
    'Starts the state machine interactions-<env>-on-demand-snapshot, which creates a tagged manual snapshot of ' +
    'interactions-<env>-postgres, waits until it is available, verifies it and writes a report. By default the ' +
    'command follows the execution and prints the snapshot; --no-wait prints the execution ARN and returns. ' +
    '--dry-run checks the name, the state machine, whether the snapshot id is taken and the manual snapshot ' +
    'quota, and prints the execution it would start.\n\n' +
    'Retention: the snapshot is tagged to expire, and the nightly snapshot housekeeping DELETES it, without ' +
    "notice, after --retain-days days (default: the environment's automation.manualSnapshotRetentionDays: " +
    `${ENVIRONMENT_NAMES.map((name) => `${name} ${loadConfig(name).automation.manualSnapshotRetentionDays}`).join(', ')}).`,
  arguments: [
    { name: 'env', description: 'environment: dev, staging or prod' },
    {
      name: 'name',
      description: 'snapshot id: lowercase letters, digits, hyphens; starts with a letter; at most 255 characters',
    },
  ],
  options: [
    { flags: '--reason <text>', description: 'why the snapshot is taken (kept in the report)' },
    {
      flags: '--retain-days <days>',
      description:
        "housekeeping deletes the snapshot after this many days, 1-3650 (default: the environment's automation.manualSnapshotRetentionDays)",
      parse: parseRetainDays,
    },
    ...WORKFLOW_OPTIONS,
  ],
  examples: [
    'backup create-snapshot prod interactions-pre-migration --reason "before release 42 migrations"',
    'backup create-snapshot prod interactions-pre-release-42 --retain-days 365',
    'backup create-snapshot staging pre-upgrade-15-7 --dry-run',
    'backup create-snapshot prod interactions-pre-migration --no-wait --json',
  ],
  async run(invocation, deps) {
    // Everything the user typed is checked before the first AWS call.
    const { args, options } = invocation;
    const environment = parseEnvironment(args.env);
    const snapshotName = args.name ?? '';
    const problems = validateSnapshotName(snapshotName);
    if (problems.length > 0) {
      throw new UsageError(`invalid snapshot name '${shown(snapshotName)}': ${problems.join('; ')}`);
    }
    const reason = typeof options.reason === 'string' ? options.reason.trim() : undefined;
    const retainDays = typeof options.retainDays === 'number' ? options.retainDays : undefined;
    const { automation } = loadConfig(environment);
    const input = {
      snapshotName,
      requestedBy: `cli:${deps.username()}`,
      ...(reason ? { reason } : {}),
      ...(retainDays === undefined ? {} : { retainDays }),
    };
    return runWorkflow(invocation, deps, {
      workflow: 'on-demand-snapshot',
      environment,
      label: snapshotName,
      input,
      inputSchema: onDemandSnapshotInputSchema,
      outputSchema: onDemandSnapshotOutputSchema,
      render: ({ snapshot, report }: OnDemandSnapshotOutput, region) => {
        const links = [...s3Row('report console', report.markdown, region)];
        return {
          rows: [
            ['snapshot', snapshot.id],
            ['status', snapshot.status],
            ['source instance', snapshot.sourceInstance],
            ['created at', snapshot.createdAt ?? '-'],
            ['size GiB', String(snapshot.allocatedStorageGiB)],
            ['encrypted', yesNo(snapshot.encrypted)],
            ['arn', snapshot.arn ?? '-'],
            ['retained', retentionText(retainDays, automation.manualSnapshotRetentionDays)],
            ['report (json)', report.json],
            ['report (markdown)', report.markdown],
            ...links,
          ],
          links: Object.fromEntries(links.map(([, url]) => ['report', url])),
        };
      },
      dryRunChecks: async ({ rds }, region) => {
        const checks = await preflight(rds, snapshotName, automation.manualSnapshotQuota);
        const blockers = [
          ...(checks.existing
            ? [`snapshot '${snapshotName}' already exists (${checks.existing.status ?? 'unknown status'})`]
            : []),
          ...(checks.manualSnapshots >= checks.quota
            ? [`manual snapshot quota reached in ${region}: ${checks.manualSnapshots} / ${checks.quota}`]
            : []),
        ];
        const warnings =
          checks.manualSnapshots >= automation.manualSnapshotWarnFraction * checks.quota && blockers.length === 0
            ? [`manual snapshots at ${checks.manualSnapshots} of the quota ${checks.quota} in ${region}`]
            : [];
        return {
          rows: [
            ['snapshot id', checks.existing ? `taken (${checks.existing.status ?? 'unknown status'})` : 'free'],
            ['manual snapshots', `${checks.manualSnapshots} / ${checks.quota} (${region})`],
            ['retained', retentionText(retainDays, automation.manualSnapshotRetentionDays)],
          ],
          json: {
            snapshotIdFree: checks.existing === undefined,
            manualSnapshots: checks.manualSnapshots,
            quota: checks.quota,
            retainDays: retainDays ?? automation.manualSnapshotRetentionDays,
          },
          blockers,
          warnings,
        };
      },
    });
  },
};

/** How long housekeeping keeps the snapshot, said plainly. */
function retentionText(retainDays: number | undefined, defaultDays: number): string {
  return `${retainDays ?? defaultDays} days, then deleted by housekeeping${retainDays === undefined ? ' (environment default)' : ''}`;
}

interface Preflight {
  readonly existing: { readonly status: string | undefined } | undefined;
  readonly manualSnapshots: number;
  readonly quota: number;
}

/** Read-only checks for `--dry-run`: is the id taken, how close is the region to its manual snapshot quota. */
async function preflight(rds: RDSClient, snapshotName: string, quota: number): Promise<Preflight> {
  let existing: Preflight['existing'];
  try {
    const found = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotName }));
    const snapshot = found.DBSnapshots?.[0];
    existing = snapshot ? { status: snapshot.Status } : undefined;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'DBSnapshotNotFoundFault')) throw error;
  }
  // The quota counts every manual snapshot in the region, not only this instance's.
  let manualSnapshots = 0;
  for await (const page of paginateDescribeDBSnapshots({ client: rds, pageSize: 100 }, { SnapshotType: 'manual' })) {
    manualSnapshots += page.DBSnapshots?.length ?? 0;
  }
  return { existing, manualSnapshots, quota };
}
