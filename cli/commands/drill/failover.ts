/**
 * The failover part of `drill run <env> failover`: how the drill's output reads (outcome, each
 * dependency's user-visible downtime, the experiment, the RDS events, every check) and the read-only
 * checks of `--dry-run` (the database and the replication group Multi-AZ and available; `drill run`
 * has already refused an environment where the drill is not enabled). It fails nothing over; the workflow repeats these checks, and the
 * rest of its pre-checks (alarms, deployments, change freezes), before it starts the experiment.
 */
import { DescribeReplicationGroupsCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { EnvironmentName } from '../../../infra/config/index.js';
import { parseS3Uri, s3ObjectConsoleUrl } from '../../../shared/console-links.js';
import { names } from '../../../shared/naming.js';
import { DEPENDENCIES, type FailoverDrillOutput } from '../../../workflows/failover-drill/contract.js';
import type { AwsClients } from '../../context.js';
import type { DryRunChecks, SummaryRow } from '../../workflow-run.js';

/** How a finished failover drill reads. */
export function renderFailover(output: FailoverDrillOutput, region: string) {
  const location = parseS3Uri(output.report.markdown);
  const links: [string, string][] = location ? [['report console', s3ObjectConsoleUrl({ ...location, region })]] : [];
  const downtime = output.downtime;
  const rows: SummaryRow[] = [
    ['outcome', output.outcome],
    ['summary', output.summary],
    [
      'experiment',
      output.experiment
        ? `${output.experiment.id} (${output.experiment.status}, AZ ${output.experiment.targetAz})`
        : 'not started',
    ],
    ...DEPENDENCIES.map((dependency): SummaryRow => {
      const measured = downtime?.dependencies[dependency];
      return [
        `downtime ${dependency}`,
        measured
          ? `${measured.longestOutageSeconds} s longest (${measured.failures}/${measured.samples} probes failed)`
          : '-',
      ];
    }),
    ...output.rdsEvents.map(
      (event): SummaryRow => [`RDS event ${event.eventId ?? ''}`.trim(), `${event.at} ${event.message}`],
    ),
    ...output.checks.map(
      (check): SummaryRow => [`check ${check.check}`, `${check.ok ? 'ok' : 'FAILED'}: ${check.detail}`],
    ),
    ['report (json)', output.report.json],
    ['report (markdown)', output.report.markdown],
    ...links,
  ];
  return { rows, links: Object.fromEntries(links.map(([, url]) => ['report', url])) };
}

/** Read-only checks of `--dry-run`: a standby to fail over to on both sides, both available. */
export async function failoverPreflight(
  clients: Pick<AwsClients, 'rds' | 'elasticache'>,
  environment: EnvironmentName,
): Promise<DryRunChecks> {
  const [database, cache] = await Promise.all([
    describeDatabase(clients.rds, names.databaseInstance(environment)),
    describeCache(clients.elasticache, names.cacheReplicationGroup(environment)),
  ]);
  const blockers = [
    ...(database.multiAz ? [] : [`${database.id} is not Multi-AZ: there is no standby to fail over to`]),
    ...(database.status === 'available' ? [] : [`${database.id} is ${database.status}, not available`]),
    ...(cache.multiAz ? [] : [`${cache.id} is not Multi-AZ with automatic failover`]),
    ...(cache.status === 'available' ? [] : [`${cache.id} is ${cache.status}, not available`]),
  ];
  return {
    rows: [
      ['database', `${database.id}: ${database.status}, Multi-AZ ${database.multiAz ? 'yes' : 'no'}`],
      ['cache', `${cache.id}: ${cache.status}, Multi-AZ with failover ${cache.multiAz ? 'yes' : 'no'}`],
    ],
    json: { database, cache },
    blockers,
    warnings: [],
  };
}

interface Described {
  readonly id: string;
  readonly status: string;
  readonly multiAz: boolean;
}

async function describeDatabase(rds: RDSClient, id: string): Promise<Described> {
  const [instance] = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances ?? [];
  return { id, status: instance?.DBInstanceStatus ?? 'missing', multiAz: instance?.MultiAZ === true };
}

async function describeCache(elasticache: ElastiCacheClient, id: string): Promise<Described> {
  const [group] =
    (await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }))).ReplicationGroups ?? [];
  return {
    id,
    status: group?.Status ?? 'missing',
    multiAz: group?.MultiAZ === 'enabled' && group?.AutomaticFailover === 'enabled',
  };
}
