/**
 * The full-restore part of `drill run <env> full-restore`: how the run's output reads, and the
 * read-only checks of `--dry-run` (the database's latest restorable point, the cache's newest
 * available snapshot, both temporary names still free). It restores nothing.
 */
import {
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  type ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { temporaryInstanceId } from '../../../functions/plan-point-in-time-restore/temporary-instance.js';
import {
  newestAvailableSnapshot,
  temporaryReplicationGroupId,
} from '../../../functions/restore-cache-snapshot/restore.js';
import { type EnvironmentName, loadConfig } from '../../../infra/config/index.js';
import { parseS3Uri, s3ObjectConsoleUrl } from '../../../shared/console-links.js';
import { names } from '../../../shared/naming.js';
import { FULL_RESTORE_PURPOSE, type FullRestoreOutput } from '../../../workflows/full-restore-test/contract.js';
import type { AwsClients } from '../../context.js';
import { yesNo } from '../../format.js';
import type { DryRunChecks, SummaryRow } from '../../workflow-run.js';

const seconds = (value: number | null) => (value === null ? '-' : `${value} s`);

/** How a finished full restore test reads. */
export function renderFullRestore(output: FullRestoreOutput, region: string, environment: EnvironmentName) {
  const { objectives } = loadConfig(environment).drills;
  const location = parseS3Uri(output.report.markdown);
  const links: [string, string][] = location ? [['report console', s3ObjectConsoleUrl({ ...location, region })]] : [];
  const rows: SummaryRow[] = [
    ['restore point', output.restorePoint],
    ['cache snapshot', output.cacheSnapshot],
    ['task definition', output.taskDefinition],
    ['temporary instance', `${output.temporaryInstance} (deleted)`],
    ['temporary replication group', `${output.temporaryReplicationGroup} (deleted)`],
    [
      'RTO',
      `${seconds(output.rtoSeconds)} (objective ${objectives.rtoMinutes} min, met: ${yesNo(output.objectiveMet)})`,
    ],
    ...output.phases.map(
      (phase): SummaryRow => [
        `phase ${phase.name}`,
        phase.seconds === null ? '-' : `${phase.measuredBy === 'polls' ? 'at most ' : ''}${phase.seconds} s`,
      ],
    ),
    ...output.checks.map(
      (check): SummaryRow => [`check ${check.name}`, `${check.status}: ${check.finding} (${check.durationMs} ms)`],
    ),
    ['report (json)', output.report.json],
    ['report (markdown)', output.report.markdown],
    ...links,
  ];
  return { rows, links: Object.fromEntries(links.map(([, url]) => ['report', url])) };
}

/** Read-only checks of `--dry-run` for the execution the command would start (`execution`). */
export async function fullRestorePreflight(
  clients: Pick<AwsClients, 'rds' | 'elasticache'>,
  environment: EnvironmentName,
  execution: string,
): Promise<DryRunChecks> {
  const { fullRestore } = loadConfig(environment).drills;
  const blockers: string[] = [];
  const warnings: string[] = [];
  const sourceId = names.databaseInstance(environment);
  const described = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: sourceId }));
  const source = described.DBInstances?.[0];
  if (source?.DBInstanceStatus !== 'available') {
    warnings.push(`source ${sourceId} is ${source?.DBInstanceStatus ?? 'not described'}, not available`);
  }
  const latest = source?.LatestRestorableTime;
  if (latest === undefined) blockers.push(`${sourceId} has no LatestRestorableTime: it keeps no automated backups`);

  const groupId = names.cacheReplicationGroup(environment);
  const snapshots = await clients.elasticache.send(new DescribeSnapshotsCommand({ ReplicationGroupId: groupId }));
  let snapshotText = 'none';
  try {
    const newest = newestAvailableSnapshot(
      (snapshots.Snapshots ?? []).map((snapshot) => ({
        name: snapshot.SnapshotName ?? '',
        status: snapshot.SnapshotStatus ?? 'unknown',
        createdAt: snapshot.NodeSnapshots?.[0]?.SnapshotCreateTime,
      })),
      groupId,
    );
    snapshotText = `${newest.name} (${newest.createdAt?.toISOString() ?? 'time unknown'})`;
  } catch (error) {
    blockers.push((error as Error).message);
  }

  const instance = temporaryInstanceId(environment, FULL_RESTORE_PURPOSE, execution);
  const group = temporaryReplicationGroupId(environment, FULL_RESTORE_PURPOSE, execution);
  const instanceTaken = await instanceExists(clients.rds, instance);
  const groupTaken = await replicationGroupExists(clients.elasticache, group);
  if (instanceTaken) blockers.push(`a DB instance named ${instance} already exists`);
  if (groupTaken) blockers.push(`a replication group named ${group} already exists`);
  const rows: SummaryRow[] = [
    ['source database', `${sourceId} (${source?.DBInstanceStatus ?? 'unknown'})`],
    ['restore point', latest === undefined ? '-' : `${latest.toISOString()} (latest restorable, moves on)`],
    ['cache snapshot', snapshotText],
    ['temporary instance', `${instance} (${fullRestore.instanceClass}, ${instanceTaken ? 'name taken' : 'name free'})`],
    [
      'temporary replication group',
      `${group} (${fullRestore.cacheNodeType}, ${groupTaken ? 'name taken' : 'name free'})`,
    ],
    [
      'backend task',
      `the task definition ${names.service(environment, 'backend')} runs at start (read by the workflow)`,
    ],
  ];
  return {
    rows,
    json: {
      source: sourceId,
      restorePoint: latest?.toISOString() ?? null,
      cacheSnapshot: snapshotText,
      temporaryInstance: { identifier: instance, nameFree: !instanceTaken },
      temporaryReplicationGroup: { identifier: group, nameFree: !groupTaken },
    },
    blockers,
    warnings,
  };
}

async function instanceExists(rds: RDSClient, identifier: string): Promise<boolean> {
  try {
    const found = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    return (found.DBInstances?.length ?? 0) > 0;
  } catch (error) {
    if (error instanceof DBInstanceNotFoundFault || (error as Error).name === 'DBInstanceNotFoundFault') return false;
    throw error;
  }
}

async function replicationGroupExists(elasticache: ElastiCacheClient, identifier: string): Promise<boolean> {
  try {
    const found = await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: identifier }));
    return (found.ReplicationGroups?.length ?? 0) > 0;
  } catch (error) {
    if ((error as Error).name === 'ReplicationGroupNotFoundFault') return false;
    throw error;
  }
}
