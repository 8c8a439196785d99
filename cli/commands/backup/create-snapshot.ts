/**
 * `backup create-snapshot <env> <name>`: starts the on-demand snapshot workflow and follows it.
 * Replaces the seed's `./scripts/backup.sh create-snapshot prod interactions-pre-migration`.
 */
import { DescribeDBSnapshotsCommand, paginateDescribeDBSnapshots, type RDSClient } from '@aws-sdk/client-rds';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { loadConfig } from '../../../infra/config/index.js';
import { names } from '../../../shared/naming.js';
import { validateSnapshotName } from '../../../shared/snapshot-naming.js';
import { describeFailure, executionName, findStateMachineArn, followExecution } from '../../aws/step-functions.js';
import type { Command } from '../../command.js';
import { EXIT, UsageError } from '../../context.js';
import { formatDuration, formatKeyValues, isoSeconds, toJson, yesNo } from '../../format.js';
import { parseEnvironment, resolveRegion } from '../../inputs.js';

/** The on-demand snapshot workflow's output on success (the contract with the workflow). */
const workflowOutputSchema = z.object({
  snapshot: z.object({
    id: z.string(),
    // verify-db-snapshot reports null for what RDS did not return; it checks neither, so a run can succeed without them.
    arn: z.string().nullable(),
    status: z.string(),
    encrypted: z.boolean(),
    allocatedStorageGiB: z.number(),
    sourceInstance: z.string(),
    createdAt: z.string().nullable(),
  }),
  report: z.object({ json: z.string(), markdown: z.string() }),
});
export type SnapshotWorkflowOutput = z.infer<typeof workflowOutputSchema>;

/** Input of the on-demand snapshot workflow. */
export interface SnapshotWorkflowInput {
  readonly snapshotName: string;
  readonly requestedBy: string;
  readonly reason?: string;
}

export const createSnapshot: Command = {
  name: 'create-snapshot',
  summary: 'Take a manual RDS snapshot through the on-demand snapshot workflow',
  description:
    'Starts the state machine interactions-<env>-on-demand-snapshot, which creates a tagged manual snapshot of\n' +
    'interactions-<env>-postgres, waits until it is available, verifies it and writes a report. By default the\n' +
    'command follows the execution and prints the snapshot; --no-wait prints the execution ARN and returns.\n' +
    '--dry-run checks the name, the state machine, whether the snapshot id is taken and the manual snapshot\n' +
    'quota, and prints the execution it would start.',
  positionals: [
    { name: 'env', description: 'environment: dev, staging or prod' },
    {
      name: 'name',
      description: 'snapshot id: lowercase letters, digits, hyphens; starts with a letter; at most 255 characters',
    },
  ],
  options: {
    reason: { type: 'string', valueName: 'text', description: 'why the snapshot is taken (kept in the report)' },
  },
  examples: [
    'backup create-snapshot prod interactions-pre-migration --reason "before release 42 migrations"',
    'backup create-snapshot staging pre-upgrade-15-7 --dry-run',
    'backup create-snapshot prod interactions-pre-migration --no-wait --json',
  ],
  async run({ args, options, global }, deps) {
    // Everything the user typed is checked before the first AWS call.
    const environment = parseEnvironment(args.env);
    const snapshotName = args.name ?? '';
    const problems = validateSnapshotName(snapshotName);
    if (problems.length > 0) {
      throw new UsageError(`invalid snapshot name '${snapshotName}': ${problems.join('; ')}`);
    }
    const reason = typeof options.reason === 'string' ? options.reason.trim() : undefined;
    const region = resolveRegion(global, deps.env);
    const wait = global.wait ?? true;
    const showProgress = deps.stdoutIsTty || !global.json;
    const progress = (line: string) => {
      if (showProgress) deps.stderr(`${line}\n`);
    };

    const { sfn, rds } = deps.clients(region);
    const machineName = names.stateMachine(environment, 'on-demand-snapshot');
    const stateMachineArn = await findStateMachineArn(sfn, machineName, region);
    const input: SnapshotWorkflowInput = {
      snapshotName,
      requestedBy: `cli:${deps.username()}`,
      ...(reason ? { reason } : {}),
    };
    const name = executionName('cli', snapshotName, deps.now());

    if (global.dryRun) {
      const { automation } = loadConfig(environment);
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
      if (global.json) {
        deps.stdout(
          toJson({
            dryRun: true,
            wouldStart: { stateMachineArn, executionName: name, input },
            checks: {
              snapshotIdFree: checks.existing === undefined,
              manualSnapshots: checks.manualSnapshots,
              quota: checks.quota,
            },
            blockers,
            warnings,
          }),
        );
      } else {
        deps.stdout(
          `Dry run: nothing started.\n${formatKeyValues([
            ['state machine', stateMachineArn],
            ['execution name', name],
            ['input', JSON.stringify(input)],
            ['snapshot id', checks.existing ? `taken (${checks.existing.status ?? 'unknown status'})` : 'free'],
            ['manual snapshots', `${checks.manualSnapshots} / ${checks.quota} (${region})`],
          ])}`,
        );
        for (const warning of warnings) deps.stderr(`warning: ${warning}\n`);
        for (const blocker of blockers) deps.stderr(`would fail: ${blocker}\n`);
      }
      return blockers.length > 0 ? EXIT.failed : EXIT.ok;
    }

    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    const executionArn = started.executionArn ?? '';
    if (!wait) {
      deps.stdout(
        global.json ? toJson({ executionArn, executionName: name, stateMachineArn, input }) : `${executionArn}\n`,
      );
      return EXIT.ok;
    }

    progress(`Started ${name}`);
    const execution = await followExecution(sfn, executionArn, {
      sleep: deps.sleep,
      pollIntervalMs: deps.pollIntervalMs,
      onStateEntered: (state) => progress(`→ ${state}`),
    });
    const durationMs =
      execution.startDate && execution.stopDate
        ? execution.stopDate.getTime() - execution.startDate.getTime()
        : undefined;
    const executionSummary = {
      arn: executionArn,
      name,
      status: execution.status,
      startDate: isoSeconds(execution.startDate),
      stopDate: isoSeconds(execution.stopDate),
      ...(durationMs === undefined ? {} : { durationSeconds: Math.round(durationMs / 1000) }),
    };

    if (execution.status !== 'SUCCEEDED') {
      const failure = describeFailure(execution);
      if (global.json) deps.stdout(toJson({ execution: { ...executionSummary, ...failure } }));
      deps.stderr(
        `Snapshot workflow ${execution.status ?? 'ended'}: ${failure.error}\n  cause: ${failure.cause}\n  execution: ${executionArn}\n`,
      );
      return EXIT.failed;
    }

    const parsed = workflowOutputSchema.safeParse(parseJson(execution.output));
    if (!parsed.success) {
      // The snapshot may well exist; say exactly what came back rather than guessing.
      deps.stderr(
        `Snapshot workflow SUCCEEDED but its output is not the expected shape: ${parsed.error.issues
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; ')}\n  output: ${execution.output ?? '(none)'}\n`,
      );
      return EXIT.failed;
    }
    const { snapshot, report } = parsed.data;
    if (global.json) {
      deps.stdout(toJson({ execution: executionSummary, snapshot, report }));
    } else {
      deps.stdout(
        formatKeyValues([
          ['snapshot', snapshot.id],
          ['status', snapshot.status],
          ['source instance', snapshot.sourceInstance],
          ['created at', snapshot.createdAt ?? '-'],
          ['size GiB', String(snapshot.allocatedStorageGiB)],
          ['encrypted', yesNo(snapshot.encrypted)],
          ['arn', snapshot.arn ?? '-'],
          ['report (json)', report.json],
          ['report (markdown)', report.markdown],
          [
            'execution',
            `${executionArn} (SUCCEEDED${durationMs === undefined ? '' : ` in ${formatDuration(durationMs)}`})`,
          ],
        ]),
      );
    }
    return EXIT.ok;
  },
};

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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
