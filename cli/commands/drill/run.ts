/**
 * `drill run <env> <pitr|full-restore> [--restore-point <iso>] [--dry-run]`: starts a drill by hand,
 * follows it and prints the evidence. pitr: the monthly point-in-time recovery drill (restore point,
 * RTO, RPO against the objectives, every data check, the report); `--dry-run` resolves the source's
 * restorable window, the point and the temporary instance's name. full-restore: the quarterly full
 * application restore (full-restore.ts). `--dry-run` checks the preconditions with read-only calls:
 * it restores nothing.
 */
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { chooseRestorePoint, restoreWindow } from '../../../functions/plan-point-in-time-restore/restore-point.js';
import { temporaryInstanceId } from '../../../functions/plan-point-in-time-restore/temporary-instance.js';
import { type EnvironmentName, loadConfig } from '../../../infra/config/index.js';
import { parseS3Uri, s3ObjectConsoleUrl } from '../../../shared/console-links.js';
import { names } from '../../../shared/naming.js';
import {
  type FailoverDrillOutput,
  failoverDrillInputSchema,
  failoverDrillOutputSchema,
} from '../../../workflows/failover-drill/contract.js';
import {
  FULL_RESTORE_PURPOSE,
  type FullRestoreOutput,
  fullRestoreInputSchema,
  fullRestoreOutputSchema,
} from '../../../workflows/full-restore-test/contract.js';
import {
  RECOVERY_TEST_PURPOSE,
  type RecoveryTestOutput,
  recoveryTestInputSchema,
  recoveryTestOutputSchema,
} from '../../../workflows/recovery-test/contract.js';
import { executionName } from '../../aws/step-functions.js';
import type { Command } from '../../command.js';
import { type CliDeps, UsageError } from '../../context.js';
import { yesNo } from '../../format.js';
import { parseEnvironment, shown } from '../../inputs.js';
import { type DryRunChecks, runWorkflow, type SummaryRow, WORKFLOW_OPTIONS } from '../../workflow-run.js';
import { failoverPreflight, renderFailover } from './failover.js';
import { fullRestorePreflight, renderFullRestore } from './full-restore.js';

/** The drills `drill run` knows. */
export const DRILL_KINDS = ['pitr', 'full-restore', 'failover'] as const;

/** The execution name `runWorkflow` gives the drill it starts now (`cli-pitr-<timestamp>`). */
function drillExecutionName(deps: CliDeps): string {
  return executionName('cli', RECOVERY_TEST_PURPOSE, deps.now());
}

const seconds = (value: number | null) => (value === null ? '-' : `${value} s`);

/** How a finished drill reads. */
function render(output: RecoveryTestOutput, region: string, environment: EnvironmentName) {
  const { objectives } = loadConfig(environment).drills;
  const location = parseS3Uri(output.report.markdown);
  const links: [string, string][] = location ? [['report console', s3ObjectConsoleUrl({ ...location, region })]] : [];
  const rows: SummaryRow[] = [
    ['restore point', `${output.restorePoint} (${output.restorePointMode})`],
    ['temporary instance', `${output.temporaryInstance} (deleted)`],
    [
      'RTO',
      `${seconds(output.rtoSeconds)} (objective ${objectives.rtoMinutes} min, met: ${yesNo(output.objectivesMet.rto)})`,
    ],
    [
      'RPO',
      `${seconds(output.rpoSeconds)} (objective ${objectives.rpoMinutes} min, met: ${output.objectivesMet.rpo === null ? 'not measured' : yesNo(output.objectivesMet.rpo)})`,
    ],
    ...output.checks.map(
      (check): SummaryRow => [`check ${check.name}`, `${check.status}: ${check.finding} (${check.durationMs} ms)`],
    ),
    ['report (json)', output.report.json],
    ['report (markdown)', output.report.markdown],
    ...links,
  ];
  return { rows, links: Object.fromEntries(links.map(([, url]) => ['report', url])) };
}

/** Read-only checks of `--dry-run`: the source, its window, the point, the instance name still free. */
async function preflight(
  rds: RDSClient,
  environment: EnvironmentName,
  requested: string | undefined,
  deps: CliDeps,
): Promise<DryRunChecks> {
  const { pitr } = loadConfig(environment).drills;
  const sourceId = names.databaseInstance(environment);
  const described = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: sourceId }));
  const source = described.DBInstances?.[0];
  const blockers: string[] = [];
  const warnings: string[] = [];
  if (source?.DBInstanceStatus !== 'available') {
    warnings.push(`source ${sourceId} is ${source?.DBInstanceStatus ?? 'not described'}, not available`);
  }
  const facts = {
    latestRestorableTime: source?.LatestRestorableTime,
    backupRetentionDays: source?.BackupRetentionPeriod ?? 0,
    instanceCreateTime: source?.InstanceCreateTime,
  };
  const now = deps.now();
  const rows: SummaryRow[] = [['source', `${sourceId} (${source?.DBInstanceStatus ?? 'unknown'})`]];
  const json: Record<string, unknown> = { source: sourceId };
  try {
    const window = restoreWindow(facts, now);
    rows.push(['restorable window', `${window.earliest.toISOString()} to ${window.latest.toISOString()}`]);
    json.restoreWindow = { earliest: window.earliest.toISOString(), latest: window.latest.toISOString() };
    const requestedPoint = requested === undefined ? undefined : new Date(requested);
    if (requestedPoint === undefined && pitr.restorePointMode === 'random') {
      rows.push(['restore point', 'random inside the window (drills.pitr.restorePointMode)']);
      json.restorePoint = { mode: 'random' };
    } else {
      const choice = chooseRestorePoint({ requested: requestedPoint, mode: 'latest', facts, now, random: Math.random });
      rows.push(['restore point', `${choice.restorePoint.toISOString()} (${choice.chosenBy})`]);
      json.restorePoint = { mode: choice.chosenBy, at: choice.restorePoint.toISOString() };
    }
  } catch (error) {
    blockers.push((error as Error).message);
  }
  const instance = temporaryInstanceId(environment, RECOVERY_TEST_PURPOSE, drillExecutionName(deps));
  const taken = await instanceExists(rds, instance);
  if (taken) blockers.push(`a DB instance named ${instance} already exists`);
  rows.push(
    ['temporary instance', `${instance} (${pitr.instanceClass}, ${taken ? 'name taken' : 'name free'})`],
    [
      'instance placement',
      'drill subnet group (private data subnets), drill security group, environment parameter group',
    ],
  );
  json.temporaryInstance = { identifier: instance, instanceClass: pitr.instanceClass, nameFree: !taken };
  return { rows, json, blockers, warnings };
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

export const runDrill: Command = {
  name: 'run',
  summary: 'Run a disaster-recovery drill now and print its evidence (RTO, RPO, phases, checks)',
  description:
    'pitr: starts interactions-<env>-recovery-test, which restores interactions-<env>-postgres to a point in ' +
    'time into a temporary instance, verifies the data from inside the VPC, deletes the instance, measures RTO ' +
    "and RPO against the environment's objectives and files a report. The point is --restore-point, else the " +
    "environment's drills.pitr.restorePointMode (latest or random); a point outside the restorable window is " +
    'refused before anything is created. By default the command follows the drill and prints the evidence; ' +
    '--no-wait prints the execution ARN. --dry-run describes the source, resolves the window, the point and the ' +
    'temporary instance name, and checks them, restoring nothing. full-restore: see the README of ' +
    'workflows/full-restore-test. failover: starts interactions-<env>-failover-drill (pre-checks, the AWS FIS ' +
    'experiment, the downtime prober, post-checks) where failoverDrill.enabled; --dry-run checks that the drill is ' +
    'enabled and that the database and the replication group are Multi-AZ and available, failing nothing over.',
  arguments: [
    { name: 'env', description: 'environment: dev, staging or prod' },
    { name: 'drill', description: `the drill: ${DRILL_KINDS.join(', ')}` },
  ],
  options: [
    {
      flags: '--restore-point <iso>',
      description: 'pitr only: restore to this time (ISO 8601 with offset) instead of the configured mode',
    },
    { flags: '--reason <text>', description: 'pitr and full-restore: why the drill is run (kept in the report)' },
    ...WORKFLOW_OPTIONS,
  ],
  examples: [
    'drill run prod pitr',
    'drill run staging pitr --restore-point 2026-11-20T08:00:00Z --reason "verify before the upgrade"',
    'drill run prod pitr --dry-run',
    'drill run prod pitr --no-wait --json',
    'drill run staging full-restore --reason "after the Redis upgrade"',
    'drill run prod full-restore --dry-run',
    'drill run staging failover --dry-run',
    'drill run staging failover --no-wait --json',
  ],
  async run(invocation, deps) {
    const { args, options } = invocation;
    const environment = parseEnvironment(args.env);
    const drill = args.drill ?? '';
    if (!(DRILL_KINDS as readonly string[]).includes(drill)) {
      throw new UsageError(`unknown drill '${shown(drill)}': expected ${DRILL_KINDS.join(', ')}`);
    }
    const restorePoint = typeof options.restorePoint === 'string' ? options.restorePoint : undefined;
    const reason = typeof options.reason === 'string' ? options.reason.trim() : undefined;
    if (drill !== 'pitr' && restorePoint !== undefined) {
      throw new UsageError(`--restore-point applies to pitr only: ${drill} does not restore to a point in time`);
    }
    if (drill === 'failover') {
      if (reason !== undefined) throw new UsageError('--reason applies to pitr and full-restore, not to failover');
      if (!loadConfig(environment).failoverDrill.enabled) {
        throw new UsageError(
          `the failover drill is not enabled for ${environment} (failoverDrill.enabled in infra/config/${environment}.ts), so its state machine is not deployed`,
        );
      }
      return runWorkflow(invocation, deps, {
        workflow: 'failover-drill',
        environment,
        label: 'failover',
        input: { requestedBy: `cli:${deps.username()}` },
        inputSchema: failoverDrillInputSchema,
        outputSchema: failoverDrillOutputSchema,
        render: (output: FailoverDrillOutput, region) => renderFailover(output, region),
        dryRunChecks: (clients) => failoverPreflight(clients, environment),
      });
    }
    if (drill === 'full-restore') {
      return runWorkflow(invocation, deps, {
        workflow: 'full-restore-test',
        environment,
        label: FULL_RESTORE_PURPOSE,
        input: { requestedBy: `cli:${deps.username()}`, ...(reason ? { reason } : {}) },
        inputSchema: fullRestoreInputSchema,
        outputSchema: fullRestoreOutputSchema,
        render: (output: FullRestoreOutput, region) => renderFullRestore(output, region, environment),
        dryRunChecks: (clients) =>
          fullRestorePreflight(clients, environment, executionName('cli', FULL_RESTORE_PURPOSE, deps.now())),
      });
    }
    const input = {
      requestedBy: `cli:${deps.username()}`,
      ...(restorePoint === undefined ? {} : { restorePoint }),
      ...(reason ? { reason } : {}),
    };
    return runWorkflow(invocation, deps, {
      workflow: 'recovery-test',
      environment,
      label: RECOVERY_TEST_PURPOSE,
      input,
      inputSchema: recoveryTestInputSchema,
      outputSchema: recoveryTestOutputSchema,
      render: (output: RecoveryTestOutput, region) => render(output, region, environment),
      dryRunChecks: ({ rds }) => preflight(rds, environment, restorePoint, deps),
    });
  },
};
