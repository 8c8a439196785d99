/**
 * The one "start, follow, render" path of every command that runs a workflow: the input is checked
 * against the workflow's contract schema before any AWS call, the execution is started (or only
 * described with `--dry-run`), followed with progress, and its output is checked against the
 * contract and rendered as text or JSON, with console links. A new workflow command supplies only
 * what differs: the input, the schemas, and how the output reads.
 */
import { type DescribeExecutionCommandOutput, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { EnvironmentName } from '../infra/config/index.js';
import { executionConsoleUrl, parseExecutionArn } from '../shared/console-links.js';
import { names, type WorkflowName } from '../shared/naming.js';
import { describeFailure, executionName, findStateMachineArn, followExecution } from './aws/step-functions.js';
import type { Invocation, OptionSpec } from './command.js';
import { type AwsClients, type CliDeps, EXIT, type ExitCode, InterruptedError, UsageError } from './context.js';
import { formatDuration, formatKeyValues, isoSeconds, toJson } from './format.js';
import { resolveRegion } from './inputs.js';
import { PROGRAM } from './program.js';
import { createProgress } from './progress.js';

/** Options every workflow command takes. */
export const WORKFLOW_OPTIONS: readonly OptionSpec[] = [
  { flags: '--dry-run', description: 'read only: check the input and show the execution it would start' },
  { flags: '--no-wait', description: 'print the execution ARN and return instead of following it' },
];

/** The part of a zod schema (classic or mini) the helper uses. */
export interface ContractSchema<T> {
  safeParse(
    data: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** One label/value row of a text summary. */
export type SummaryRow = readonly [string, string | undefined];

/** What a command adds to a dry run: rows, JSON, and blockers (exit 1) or warnings. */
export interface DryRunChecks {
  readonly rows: readonly SummaryRow[];
  readonly json: Readonly<Record<string, unknown>>;
  readonly blockers: readonly string[];
  readonly warnings: readonly string[];
}

/** How a successful output reads: text rows and console links (also in the JSON as `links`). */
export interface RenderedOutput {
  readonly rows: readonly SummaryRow[];
  readonly links: Readonly<Record<string, string>>;
}

/** Everything a workflow command supplies to `runWorkflow`. */
export interface WorkflowRun<Output> {
  readonly workflow: WorkflowName;
  readonly environment: EnvironmentName;
  /** Middle part of the execution name `cli-<label>-<timestamp>`. */
  readonly label: string;
  /** The execution input, checked with `inputSchema` before any AWS call. */
  readonly input: unknown;
  readonly inputSchema: ContractSchema<unknown>;
  readonly outputSchema: ContractSchema<Output>;
  /** How the output reads; `region` is the run's. */
  readonly render: (output: Output, region: string) => RenderedOutput;
  /** Read-only checks for `--dry-run`. @default none beyond the state machine lookup */
  readonly dryRunChecks?: (clients: AwsClients, region: string) => Promise<DryRunChecks>;
}

function issuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(input)'}: ${issue.message}`).join('; ');
}

/** The execution as the CLI reports it (JSON `execution`). */
export function executionSummary(execution: DescribeExecutionCommandOutput, executionArn: string) {
  const durationMs =
    execution.startDate && execution.stopDate
      ? execution.stopDate.getTime() - execution.startDate.getTime()
      : undefined;
  return {
    arn: executionArn,
    name: execution.name ?? executionArn.split(':').pop() ?? '',
    status: execution.status,
    startDate: isoSeconds(execution.startDate),
    stopDate: isoSeconds(execution.stopDate),
    ...(durationMs === undefined ? {} : { durationSeconds: Math.round(durationMs / 1000) }),
    console: executionConsoleUrl(executionArn),
  };
}

/** What Ctrl-C prints: the execution keeps running, and how to follow or stop it. */
export function stillRunningMessage(executionArn: string): string {
  // The AWS CLI sends to its configured region, not the ARN's: a shell on another region fails.
  const region = parseExecutionArn(executionArn)?.region;
  return (
    `Stopped following; the execution is still running in Step Functions: ${executionArn.split(':').pop()}\n` +
    `  follow it again: npx ${PROGRAM} executions watch ${executionArn}\n` +
    `  console:         ${executionConsoleUrl(executionArn)}\n` +
    `  stop it:         aws stepfunctions stop-execution${region ? ` --region ${region}` : ''} --execution-arn ${executionArn}`
  );
}

/** Follows an execution to its end with progress on stderr; Ctrl-C ends in `InterruptedError`. */
export async function followWithProgress(
  deps: CliDeps,
  json: boolean,
  sfn: SFNClient,
  execution: { readonly arn: string; readonly name: string; readonly startedAt: Date },
): Promise<DescribeExecutionCommandOutput> {
  const progress = createProgress(deps, deps.stdoutIsTty || !json);
  progress.started(execution.name, execution.startedAt);
  try {
    const ended = await followExecution(sfn, execution.arn, {
      sleep: deps.sleep,
      pollIntervalMs: deps.pollIntervalMs,
      signal: deps.interrupt,
      onStateEntered: (state, event) => progress.stateEntered(state, event.timestamp ?? deps.now()),
      onPoll: () => progress.polled(),
    });
    progress.finished(ended.status ?? 'ended', ended.stopDate ?? deps.now());
    return ended;
  } catch (error) {
    if (!deps.interrupt.aborted) throw error;
    progress.stopped();
    throw new InterruptedError(stillRunningMessage(execution.arn));
  }
}

/**
 * Prints a finished execution: its failure (exit 1), an output that breaks the contract (exit 1), or
 * the rendered output with the execution's status, duration and console link (exit 0).
 */
export function reportEnded<Output>(
  deps: CliDeps,
  json: boolean,
  execution: DescribeExecutionCommandOutput,
  executionArn: string,
  outputSchema: ContractSchema<Output>,
  render: (output: Output) => RenderedOutput,
): ExitCode {
  const summary = executionSummary(execution, executionArn);
  if (execution.status !== 'SUCCEEDED') {
    const failure = describeFailure(execution);
    if (json) deps.stdout(toJson({ execution: { ...summary, ...failure } }));
    deps.stderr(
      `Execution ${execution.status ?? 'ended'}: ${failure.error}\n  cause: ${failure.cause}\n` +
        `  execution: ${executionArn}\n  console: ${summary.console}\n`,
    );
    return EXIT.failed;
  }
  const parsed = outputSchema.safeParse(parseJson(execution.output));
  if (!parsed.success) {
    // The workflow did its work; say exactly what came back rather than guessing.
    deps.stderr(
      `Execution SUCCEEDED but its output breaks the workflow's contract: ${issuesText(parsed.error.issues)}\n` +
        `  output: ${execution.output ?? '(none)'}\n  console: ${summary.console}\n`,
    );
    return EXIT.failed;
  }
  const rendered = render(parsed.data);
  if (json) {
    deps.stdout(toJson({ execution: summary, ...(parsed.data as object), links: rendered.links }));
    return EXIT.ok;
  }
  const took = summary.durationSeconds === undefined ? '' : ` in ${formatDuration(summary.durationSeconds * 1000)}`;
  deps.stdout(
    formatKeyValues([
      ...rendered.rows,
      ['execution', `${executionArn} (SUCCEEDED${took})`],
      ['execution console', summary.console],
    ]),
  );
  return EXIT.ok;
}

/** Starts `run.workflow` in `run.environment`, follows it and renders its output. */
export async function runWorkflow<Output>(
  { options, global }: Invocation,
  deps: CliDeps,
  run: WorkflowRun<Output>,
): Promise<ExitCode> {
  const checkedInput = run.inputSchema.safeParse(run.input);
  if (!checkedInput.success) {
    throw new UsageError(`invalid workflow input: ${issuesText(checkedInput.error.issues)}`);
  }
  const input = checkedInput.data;
  const region = resolveRegion(run.environment, global, deps);
  const clients = deps.clients(region, { profile: global.profile });
  const stateMachineArn = await findStateMachineArn(
    clients.sfn,
    names.stateMachine(run.environment, run.workflow),
    region,
  );
  const name = executionName('cli', run.label, deps.now());

  if (options.dryRun === true) return dryRun(deps, global.json, { stateMachineArn, name, input }, run, clients, region);
  if (deps.interrupt.aborted)
    throw new InterruptedError('Interrupted before the execution was started: nothing was started.');

  const started = await clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  const executionArn = started.executionArn ?? '';
  if (options.wait === false) {
    deps.stdout(
      global.json
        ? toJson({
            executionArn,
            executionName: name,
            stateMachineArn,
            input,
            console: executionConsoleUrl(executionArn),
          })
        : `${executionArn}\n`,
    );
    return EXIT.ok;
  }
  const ended = await followWithProgress(deps, global.json, clients.sfn, {
    arn: executionArn,
    name,
    startedAt: started.startDate ?? deps.now(),
  });
  return reportEnded(deps, global.json, ended, executionArn, run.outputSchema, (output) => run.render(output, region));
}

async function dryRun<Output>(
  deps: CliDeps,
  json: boolean,
  wouldStart: { readonly stateMachineArn: string; readonly name: string; readonly input: unknown },
  run: WorkflowRun<Output>,
  clients: AwsClients,
  region: string,
): Promise<ExitCode> {
  const checks = run.dryRunChecks
    ? await run.dryRunChecks(clients, region)
    : { rows: [], json: {}, blockers: [], warnings: [] };
  if (json) {
    deps.stdout(
      toJson({
        dryRun: true,
        wouldStart: {
          stateMachineArn: wouldStart.stateMachineArn,
          executionName: wouldStart.name,
          input: wouldStart.input,
        },
        checks: checks.json,
        blockers: checks.blockers,
        warnings: checks.warnings,
      }),
    );
  } else {
    deps.stdout(
      `Dry run: nothing started.\n${formatKeyValues([
        ['state machine', wouldStart.stateMachineArn],
        ['execution name', wouldStart.name],
        ['input', JSON.stringify(wouldStart.input)],
        ...checks.rows,
      ])}`,
    );
    for (const warning of checks.warnings) deps.stderr(`warning: ${warning}\n`);
    for (const blocker of checks.blockers) deps.stderr(`would fail: ${blocker}\n`);
  }
  return checks.blockers.length > 0 ? EXIT.failed : EXIT.ok;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
