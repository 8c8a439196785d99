/**
 * `verify-deployment run <env> --backend-tag <tag> --frontend-tag <tag>`: the CI hook. Starts the
 * deployment-verification state machine (execution `ci-<tags>-<time>`, so a retried job never
 * collides with the run before it), follows it with progress, prints every check's result, writes
 * JUnit with `--junit`, and exits 1 when a check failed, the workflow failed, or the deadline passed
 * before it ended (the execution then keeps running in Step Functions; the job stops waiting).
 */
import { type DescribeExecutionCommandOutput, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { EnvironmentName } from '../../../infra/config/index.js';
import { executionConsoleUrl } from '../../../shared/console-links.js';
import { names } from '../../../shared/naming.js';
import type { CheckResult } from '../../../shared/probes/check.js';
import {
  type Component,
  type DeploymentVerificationInput,
  deploymentVerificationInputSchema,
  deploymentVerificationOutputSchema,
} from '../../../workflows/deployment-verification/contract.js';
import { describeFailure, executionName, findStateMachineArn, followExecution } from '../../aws/step-functions.js';
import type { GlobalOptions, OptionSpec } from '../../command.js';
import { type CliDeps, type ExitCode, InterruptedError, UsageError } from '../../context.js';
import { resolveRegion, shown } from '../../inputs.js';
import { createProgress } from '../../progress.js';
import { stillRunningMessage } from '../../workflow-run.js';
import { reportVerification, type VerificationReport, verificationReport } from './report.js';

/** How long the CLI waits for the verdict by default. */
const DEFAULT_DEADLINE_MS = 15 * 60_000;

/** `90s`, `15m`, `1h`, `1h30m`: a positive duration; throws UsageError naming `--deadline`. */
export function parseDeadline(value: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
  const [hours, minutes, seconds] = (match?.slice(1) ?? []).map((part) => Number(part ?? 0));
  const ms = ((hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0)) * 1000;
  if (match === null || value.trim() === '' || ms <= 0) {
    throw new UsageError(`--deadline: '${shown(value)}' is not a duration such as 90s, 15m or 1h30m`);
  }
  return ms;
}

/** The options of the workflow mode. */
export const WORKFLOW_MODE_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--backend-tag <tag>',
    description: 'image tag the backend must run: backend-{semver}-{env}-{git_short_hash}',
  },
  {
    flags: '--frontend-tag <tag>',
    description: 'image tag the frontend must run: frontend-{semver}-{env}-{git_short_hash}',
  },
  {
    flags: '--deadline <duration>',
    description: 'stop waiting and fail after this long (90s, 15m, 1h30m); the execution keeps running (default 15m)',
    parse: parseDeadline,
  },
];

/** The workflow mode's options, checked. */
export interface WorkflowModeOptions {
  readonly tags: Readonly<Record<Component, string>>;
  readonly deadlineMs: number;
  readonly junit?: string;
}

/** Checks the tags against the contract and the environment (`backend-2.0.1-prod-abc1234` for prod). */
export function parseWorkflowOptions(
  environment: EnvironmentName,
  options: Readonly<Record<string, unknown>>,
): WorkflowModeOptions {
  const tags: Partial<Record<Component, string>> = {};
  for (const component of ['backend', 'frontend'] as const) {
    const value = options[`${component}Tag`];
    if (typeof value !== 'string') {
      throw new UsageError(`--${component}-tag is required (without --local): the tag the ${component} must run`);
    }
    if (!new RegExp(`^${component}-.+-${environment}-[0-9a-f]{7,12}$`).test(value)) {
      throw new UsageError(
        `--${component}-tag: '${shown(value)}' does not follow '${component}-{semver}-${environment}-{git_short_hash}'`,
      );
    }
    tags[component] = value;
  }
  return {
    tags: tags as Record<Component, string>,
    deadlineMs: typeof options.deadline === 'number' ? options.deadline : DEFAULT_DEADLINE_MS,
    ...(typeof options.junit === 'string' ? { junit: options.junit } : {}),
  };
}

/** The execution input: what CI asks to be verified, checked with the workflow's contract. */
function ciInput(options: WorkflowModeOptions, requestedBy: string): DeploymentVerificationInput {
  const input = {
    trigger: 'ci',
    requestedBy,
    expected: { backendTag: options.tags.backend, frontendTag: options.tags.frontend },
  } as const;
  const checked = deploymentVerificationInputSchema.safeParse(input);
  if (!checked.success) {
    throw new UsageError(`invalid workflow input: ${checked.error.issues.map((i) => i.message).join('; ')}`);
  }
  return input;
}

/** `ci` in GitHub Actions (with the run's URL), else `cli:<user>`. */
function requester(deps: CliDeps): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = deps.env;
  if (GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID) {
    return `ci ${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`;
  }
  return `cli:${deps.username()}`;
}

/** The deadline passed: the verdict is unknown, so the gate fails. */
class DeadlinePassed extends Error {}

/** Follows the execution until it ends, the deadline passes (DeadlinePassed) or Ctrl-C (InterruptedError). */
async function followUntilDeadline(
  deps: CliDeps,
  json: boolean,
  sfn: SFNClient,
  execution: { readonly arn: string; readonly name: string; readonly startedAt: Date },
  deadlineMs: number,
): Promise<DescribeExecutionCommandOutput> {
  const progress = createProgress(deps, deps.stdoutIsTty || !json);
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  deps.interrupt.addEventListener('abort', onInterrupt);
  const waitingSince = deps.now().getTime();
  progress.started(execution.name, execution.startedAt);
  try {
    const ended = await followExecution(sfn, execution.arn, {
      sleep: deps.sleep,
      pollIntervalMs: deps.pollIntervalMs,
      signal: stop.signal,
      onStateEntered: (state, event) => progress.stateEntered(state, event.timestamp ?? deps.now()),
      onPoll: () => {
        progress.polled();
        // Thrown here, between polls: following ends at once, whatever call would come next.
        if (deps.now().getTime() - waitingSince >= deadlineMs) throw new DeadlinePassed();
      },
    });
    progress.finished(ended.status ?? 'ended', ended.stopDate ?? deps.now());
    return ended;
  } catch (error) {
    progress.stopped();
    if (deps.interrupt.aborted) throw new InterruptedError(stillRunningMessage(execution.arn));
    throw error;
  } finally {
    deps.interrupt.removeEventListener('abort', onInterrupt);
  }
}

/** A one-line result standing for the whole run when no check result came back (workflow failed, deadline). */
function runFailure(name: string, finding: string, durationMs: number): CheckResult {
  return { name, status: 'fail', durationMs, finding };
}

/** Runs the verification through the state machine and reports it (see the module comment). */
export async function runWorkflowVerification(
  environment: EnvironmentName,
  options: WorkflowModeOptions,
  global: GlobalOptions,
  deps: CliDeps,
): Promise<ExitCode> {
  const input = ciInput(options, requester(deps));
  const region = resolveRegion(environment, global, deps);
  const { sfn } = deps.clients(region, { profile: global.profile });
  const stateMachineArn = await findStateMachineArn(
    sfn,
    names.stateMachine(environment, 'deployment-verification'),
    region,
  );
  // The tags' versions and hashes name the run; the time keeps a retried job's run distinct.
  const label = `${options.tags.backend.replace(/^backend-/, 'b')}-${options.tags.frontend.replace(/^frontend-/, 'f')}`;
  const name = executionName('ci', label, deps.now());
  if (deps.interrupt.aborted)
    throw new InterruptedError('Interrupted before the execution was started: nothing was started.');
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const executionArn = started.executionArn ?? '';
  const startedAt = started.startDate ?? deps.now();
  const base = { environment, mode: 'workflow' as const, startedAt: startedAt.toISOString() };
  const execution = { arn: executionArn, name, console: executionConsoleUrl(executionArn) };
  const show = (report: VerificationReport, extra: Record<string, unknown> = {}): ExitCode =>
    reportVerification({ ...report, execution, ...extra } as VerificationReport, deps, {
      json: global.json,
      junit: options.junit,
    });

  let ended: DescribeExecutionCommandOutput;
  try {
    ended = await followUntilDeadline(
      deps,
      global.json,
      sfn,
      { arn: executionArn, name, startedAt },
      options.deadlineMs,
    );
  } catch (error) {
    if (!(error instanceof DeadlinePassed)) throw error;
    const waited = deps.now().getTime() - startedAt.getTime();
    const finding = `no verdict within the deadline (${Math.round(options.deadlineMs / 1000)} s); the execution is still running: ${execution.console}`;
    deps.stderr(`Deadline passed: ${finding}\n`);
    // A failed result line: the exit code is 1, and the JUnit file says why.
    return show(verificationReport({ ...base, durationMs: waited }, [runFailure('deadline', finding, waited)]));
  }

  const durationMs = (ended.stopDate ?? deps.now()).getTime() - startedAt.getTime();
  if (ended.status !== 'SUCCEEDED') {
    const failure = describeFailure(ended);
    deps.stderr(
      `Execution ${ended.status ?? 'ended'}: ${failure.error}\n  cause: ${failure.cause}\n  console: ${execution.console}\n`,
    );
    const finding = `the workflow ${ended.status ?? 'ended'} without a verdict: ${failure.error}: ${failure.cause}`;
    return show(
      verificationReport({ ...base, durationMs }, [
        runFailure('deployment-verification-workflow', finding, durationMs),
      ]),
    );
  }
  const output = deploymentVerificationOutputSchema.safeParse(parseJson(ended.output));
  if (!output.success) {
    const issues = output.error.issues.map((i) => `${i.path.join('.') || '(output)'}: ${i.message}`).join('; ');
    deps.stderr(
      `Execution SUCCEEDED but its output breaks the workflow's contract: ${issues}\n  console: ${execution.console}\n`,
    );
    // No verdict to trust: one failed result, so CI's JUnit view says why the gate failed.
    const finding = `the workflow succeeded but its output breaks the contract, so there is no verdict: ${issues}`;
    return show(
      verificationReport({ ...base, durationMs }, [
        runFailure('deployment-verification-workflow', finding, durationMs),
      ]),
    );
  }
  return show(verificationReport({ ...base, durationMs }, output.data.checks), {
    summary: output.data.summary,
    report: output.data.report,
  });
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
