/**
 * What every drill bench shares (bench/drills.ts, full-restore.ts, failover.ts): the drill's
 * synthesized state machine, quiet handlers, notify-outcome's stand-in answer, and the figures of one
 * local run. Each drill supplies only its world (mocks, Lambda stand-ins) and its simulated length.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { type Environment, names, type WorkflowName } from '../shared/naming.js';
import {
  extractStateMachine,
  type LambdaHandler,
  type RunOptions,
  runStateMachine,
} from '../tests/support/state-machine-harness.js';
import { synthesizeWorkflow, type TestbedWorkflow } from '../tests/support/testbed/workflows.js';

/** The most state transitions a drill's run may take (4,000 free per month: ten drills a month). */
export const TRANSITIONS_GOAL = 400;

/** One drill's figures. */
export interface DrillBenchResult {
  readonly drill: string;
  /** Simulated restore time (the failover drill: experiment time), minutes. */
  readonly restoreMinutes: number;
  readonly status: string;
  readonly transitions: number;
  readonly withinTransitionsGoal: boolean;
  readonly lambdaInvocations: number;
  readonly sdkCalls: number;
  /** Seconds of the execution's own clock (waits and retry pauses): what the run would take in AWS. */
  readonly simulatedSeconds: number;
  /** RTO resolution: the restore's end is seen within one poll interval. */
  readonly rtoResolutionSeconds: number;
  /** Wall time of the local run. */
  readonly wallMs: number;
}

/** The drill's synthesized state machine in `env`, with handler logs and metrics silenced (not what is measured). */
export function drillMachine(workflow: TestbedWorkflow & WorkflowName, env: Environment) {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.CDK_VALIDATION ??= 'false';
  const { stack } = synthesizeWorkflow(workflow, env, {});
  return extractStateMachine(Template.fromStack(stack), { name: names.stateMachine(env, workflow) });
}

/** The settings a drill's real handler is built with, and the context it is invoked with. */
export function handlerSettings(env: Environment, workflow: WorkflowName) {
  return {
    settings: { env: { ENVIRONMENT: env, AWS_REGION: 'us-east-1', WORKFLOW: workflow } },
    context: { functionName: 'bench', awsRequestId: 'bench' } as never,
  };
}

/** notify-outcome's answer (where it filed the report), by function name. */
export function notifyStandIn(env: Environment): Record<string, LambdaHandler> {
  return {
    [names.lambdaFunction(env, 'notify-outcome')]: async () => ({
      reports: { bucket: names.reportsBucket(env), json: 'reports/x.json', markdown: 'reports/x.md' },
    }),
  };
}

/** Runs the drill once (waits scaled down) and reports its figures. */
export async function measureDrill(
  sm: ReturnType<typeof drillMachine>,
  options: RunOptions,
  label: { readonly drill: string; readonly minutes: number; readonly rtoResolutionSeconds: number },
): Promise<DrillBenchResult> {
  const started = performance.now();
  const result = await runStateMachine(sm, { waitTimeScale: 0.001, ...options });
  return {
    drill: label.drill,
    restoreMinutes: label.minutes,
    status: result.status,
    transitions: result.transitions,
    withinTransitionsGoal: result.transitions <= TRANSITIONS_GOAL,
    lambdaInvocations: result.lambdaInvocations.length,
    sdkCalls: result.sdkCalls.length,
    simulatedSeconds: result.virtualSeconds,
    rtoResolutionSeconds: label.rtoResolutionSeconds,
    wallMs: Math.round(performance.now() - started),
  };
}
