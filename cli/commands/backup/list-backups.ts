/**
 * `backup list-backups <env>`: every backup of the environment's data tier in one table, with the
 * numbers an operator checks first (age of the newest automated backup, restore window, quota).
 * Replaces the seed's `./scripts/backup.sh list-backups prod`. Read-only.
 */
import { type Snapshot as CacheSnapshot, paginateDescribeSnapshots } from '@aws-sdk/client-elasticache';
import {
  type DBInstance,
  type DBSnapshot,
  DescribeDBInstancesCommand,
  paginateDescribeDBSnapshots,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { loadConfig } from '../../../infra/config/index.js';
import { names } from '../../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../../../shared/tags.js';
import type { Command } from '../../command.js';
import { CommandFailedError, EXIT } from '../../context.js';
import { formatDuration, formatTable, isoSeconds, toJson, yesNo } from '../../format.js';
import { parseEnvironment, resolveRegion } from '../../inputs.js';

export type BackupType = 'rds-automated' | 'rds-manual' | 'rds-other' | 'cache-automated' | 'cache-manual';

/** One row of the listing (also its JSON form). */
export interface BackupRow {
  readonly type: BackupType;
  readonly id: string;
  readonly createdAt: string | undefined;
  readonly status: string | undefined;
  readonly sizeGiB: number | undefined;
  /** Undefined when the API does not say (ElastiCache snapshots without a KMS key). */
  readonly encrypted: boolean | undefined;
  /** Undefined when tags were not read (ElastiCache snapshots: one extra call each). */
  readonly managedByAutomation: boolean | undefined;
}

export interface BackupSummary {
  readonly instance: {
    readonly id: string;
    readonly status: string | undefined;
    readonly backupRetentionDays: number | undefined;
    readonly backupWindow: string | undefined;
  };
  readonly newestAutomatedBackup: { readonly id: string; readonly createdAt: string; readonly ageHours: number } | null;
  /** Earliest is the oldest automated snapshot (PITR reaches back to it); latest is LatestRestorableTime. */
  readonly restoreWindow: { readonly earliest: string | undefined; readonly latest: string | undefined };
  readonly manualSnapshots: { readonly instance: number; readonly region: number; readonly quota: number };
  readonly warnings: readonly string[];
}

export const listBackups: Command = {
  name: 'list-backups',
  summary: 'List RDS automated/manual snapshots and ElastiCache snapshots, with backup health',
  description:
    'Reads (never writes) the RDS instance interactions-<env>-postgres (retention, backup window, latest ' +
    'restorable time), its automated and manual DB snapshots, the manual snapshot count of the region against ' +
    'the quota, and the ElastiCache snapshots of replication group interactions-<env>. Prints one table and a ' +
    'summary; --json prints the same data.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  examples: ['backup list-backups prod', 'backup list-backups staging --json --region eu-west-1'],
  async run({ args, global }, deps) {
    const environment = parseEnvironment(args.env);
    const region = resolveRegion(environment, global, deps);
    const { automation } = loadConfig(environment);
    const { rds, elasticache } = deps.clients(region, { profile: global.profile });
    const instanceId = names.databaseInstance(environment);
    const replicationGroupId = names.cacheReplicationGroup(environment);

    const instance = await describeInstance(rds, instanceId, region);
    const dbSnapshots: DBSnapshot[] = [];
    for await (const page of paginateDescribeDBSnapshots(
      { client: rds, pageSize: 100 },
      { DBInstanceIdentifier: instanceId },
    )) {
      dbSnapshots.push(...(page.DBSnapshots ?? []));
    }
    let regionManual = 0;
    for await (const page of paginateDescribeDBSnapshots({ client: rds, pageSize: 100 }, { SnapshotType: 'manual' })) {
      regionManual += page.DBSnapshots?.length ?? 0;
    }
    const cacheSnapshots: CacheSnapshot[] = [];
    for await (const page of paginateDescribeSnapshots(
      { client: elasticache, pageSize: 50 },
      { ReplicationGroupId: replicationGroupId },
    )) {
      cacheSnapshots.push(...(page.Snapshots ?? []));
    }

    const rows = [...dbSnapshots.map(dbRow), ...cacheSnapshots.map(cacheRow)].sort((a, b) =>
      (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
    );
    const now = deps.now();
    const summary = summarize({
      instance,
      instanceId,
      dbSnapshots,
      regionManual,
      quota: automation.manualSnapshotQuota,
      warnFraction: automation.manualSnapshotWarnFraction,
      maxAgeHours: automation.backupMaxAgeHours,
      now,
    });

    if (global.json) {
      deps.stdout(toJson({ environment, region, replicationGroupId, backups: rows, summary }));
      return EXIT.ok;
    }
    deps.stdout(
      formatTable(
        ['TYPE', 'ID', 'CREATED', 'STATUS', 'SIZE GiB', 'ENCRYPTED', 'MANAGED'],
        rows.map((row) => [
          row.type,
          row.id,
          row.createdAt,
          row.status,
          row.sizeGiB === undefined ? undefined : String(row.sizeGiB),
          yesNo(row.encrypted),
          yesNo(row.managedByAutomation),
        ]),
      ),
    );
    const newest = summary.newestAutomatedBackup;
    deps.stdout(
      `\n${instanceId} (${summary.instance.status ?? 'unknown'}): retention ${summary.instance.backupRetentionDays ?? '?'} days, backup window ${summary.instance.backupWindow ?? '?'} UTC\n` +
        `Newest automated backup: ${newest ? `${newest.id}, ${formatDuration(now.getTime() - Date.parse(newest.createdAt))} ago` : 'none'}\n` +
        `Restore window: ${summary.restoreWindow.earliest ?? '?'} .. ${summary.restoreWindow.latest ?? '?'}\n` +
        `Manual snapshots: ${summary.manualSnapshots.instance} of this instance, ${summary.manualSnapshots.region} / ${summary.manualSnapshots.quota} in ${region}\n`,
    );
    for (const warning of summary.warnings) deps.stderr(`warning: ${warning}\n`);
    return EXIT.ok;
  },
};

async function describeInstance(rds: RDSClient, instanceId: string, region: string): Promise<DBInstance> {
  try {
    const found = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
    const instance = found.DBInstances?.[0];
    if (instance) return instance;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'DBInstanceNotFoundFault')) throw error;
  }
  throw new CommandFailedError(`database instance '${instanceId}' not found in ${region}`);
}

function isManagedByAutomation(tags: readonly { Key?: string; Value?: string }[] | undefined): boolean {
  return (tags ?? []).some((tag) => tag.Key === TAG_KEYS.managedBy && tag.Value === MANAGED_BY);
}

function dbRow(snapshot: DBSnapshot): BackupRow {
  const type: BackupType =
    snapshot.SnapshotType === 'automated'
      ? 'rds-automated'
      : snapshot.SnapshotType === 'manual'
        ? 'rds-manual'
        : 'rds-other';
  return {
    type,
    id: snapshot.DBSnapshotIdentifier ?? '?',
    createdAt: isoSeconds(asDate(snapshot.SnapshotCreateTime)),
    status: snapshot.Status,
    sizeGiB: snapshot.AllocatedStorage,
    encrypted: snapshot.Encrypted,
    managedByAutomation: isManagedByAutomation(snapshot.TagList),
  };
}

function cacheRow(snapshot: CacheSnapshot): BackupRow {
  const nodes = snapshot.NodeSnapshots ?? [];
  const created = nodes
    .map((node) => asDate(node.SnapshotCreateTime))
    .filter((date): date is Date => date !== undefined)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  const sizes = nodes.map((node) => parseCacheSizeGiB(node.CacheSize));
  return {
    type: snapshot.SnapshotSource === 'automated' ? 'cache-automated' : 'cache-manual',
    id: snapshot.SnapshotName ?? '?',
    createdAt: isoSeconds(created),
    status: snapshot.SnapshotStatus,
    sizeGiB: sizes.length > 0 && sizes.every((size) => size !== undefined) ? round2(sum(sizes)) : undefined,
    encrypted: snapshot.KmsKeyId ? true : undefined,
    managedByAutomation: undefined,
  };
}

/** ElastiCache reports node sizes as text (`"6 MB"`, `"1.2 GB"`). */
export function parseCacheSizeGiB(text: string | undefined): number | undefined {
  const match = /^\s*([\d.]+)\s*([KMGT]?B)\s*$/i.exec(text ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  const exponent = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4 }[match[2].toUpperCase() as 'B' | 'KB' | 'MB' | 'GB' | 'TB'];
  return (Number(match[1]) * 1024 ** exponent) / 1024 ** 3;
}

function sum(values: readonly (number | undefined)[]): number {
  return values.reduce<number>((total, value) => total + (value ?? 0), 0);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** SDK responses carry Dates; tolerate ISO strings too (fixtures recorded from the AWS CLI). */
function asDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

interface SummaryInput {
  readonly instance: DBInstance;
  readonly instanceId: string;
  readonly dbSnapshots: readonly DBSnapshot[];
  readonly regionManual: number;
  readonly quota: number;
  readonly warnFraction: number;
  readonly maxAgeHours: number;
  readonly now: Date;
}

export function summarize(input: SummaryInput): BackupSummary {
  const automated = input.dbSnapshots
    .filter((snapshot) => snapshot.SnapshotType === 'automated')
    .map((snapshot) => ({ id: snapshot.DBSnapshotIdentifier ?? '?', createdAt: asDate(snapshot.SnapshotCreateTime) }))
    .filter((entry): entry is { id: string; createdAt: Date } => entry.createdAt !== undefined)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const newest = automated[0];
  const oldest = automated[automated.length - 1];
  const ageHours = newest ? (input.now.getTime() - newest.createdAt.getTime()) / 3_600_000 : undefined;
  const instanceManual = input.dbSnapshots.filter((snapshot) => snapshot.SnapshotType === 'manual').length;

  const warnings: string[] = [];
  if (!newest) warnings.push(`no automated backup of ${input.instanceId}`);
  else if (ageHours !== undefined && ageHours > input.maxAgeHours) {
    warnings.push(`newest automated backup is ${Math.floor(ageHours)} h old (limit ${input.maxAgeHours} h)`);
  }
  if ((input.instance.BackupRetentionPeriod ?? 0) === 0) warnings.push('automated backups are disabled (retention 0)');
  if (input.regionManual >= input.quota) {
    warnings.push(`manual snapshot quota reached: ${input.regionManual} / ${input.quota}`);
  } else if (input.regionManual >= input.warnFraction * input.quota) {
    warnings.push(`manual snapshots near the quota: ${input.regionManual} / ${input.quota}`);
  }

  return {
    instance: {
      id: input.instanceId,
      status: input.instance.DBInstanceStatus,
      backupRetentionDays: input.instance.BackupRetentionPeriod,
      backupWindow: input.instance.PreferredBackupWindow,
    },
    newestAutomatedBackup:
      newest && ageHours !== undefined
        ? { id: newest.id, createdAt: isoSeconds(newest.createdAt) ?? '', ageHours: round2(ageHours) }
        : null,
    restoreWindow: {
      earliest: isoSeconds(oldest?.createdAt),
      latest: isoSeconds(asDate(input.instance.LatestRestorableTime)),
    },
    manualSnapshots: { instance: instanceManual, region: input.regionManual, quota: input.quota },
    warnings,
  };
}
