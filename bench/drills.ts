/**
 * Drill bench: each disaster-recovery drill's synthesized prod state machine run locally through a
 * simulated slow restore (the restored instance `creating` for 30 minutes of polls), counting what a
 * real run is billed and bounded by: state transitions (goal: at most 400), Lambda invocations and
 * SDK calls, and the RTO's resolution (the poll interval: the restore's end is known to within one).
 * `npx tsx bench/drills.ts` writes bench/results/drills.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../infra/config/index.js';
import { names } from '../shared/naming.js';
import { extractStateMachine, type LambdaHandler, runStateMachine } from '../tests/support/state-machine-harness.js';
import { synthesizeWorkflow } from '../tests/support/testbed/workflows.js';
import { drillWorld, passingVerification, verifierName } from '../tests/workflows/recovery-test.fixtures.js';
import { TEMPORARY_DB_STATES } from '../workflows/common/temporary-db-instance.js';
import { runFailoverBench } from './failover.js';
import { runFullRestoreBench } from './full-restore.js';

/** The most state transitions a drill's run may take (4,000 free per month: ten drills a month). */
export const TRANSITIONS_GOAL = 400;

/** One drill's figures. */
export interface DrillBenchResult {
  readonly drill: string;
  /** Simulated restore time, minutes. */
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

/** The recovery test (prod) with a `restoreMinutes`-long restore. */
export async function runRecoveryTestBench(restoreMinutes = 30): Promise<DrillBenchResult> {
  // The handlers' logs and metrics are not what is measured here.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.CDK_VALIDATION ??= 'false';
  const env = 'prod';
  const { pitr } = loadConfig(env).drills;
  const { stack } = synthesizeWorkflow('recovery-test', env, {});
  const sm = extractStateMachine(Template.fromStack(stack), { name: names.stateMachine(env, 'recovery-test') });
  const settings = { env: { ENVIRONMENT: env, AWS_REGION: 'us-east-1', WORKFLOW: 'recovery-test' } };
  const plan = (await import('../functions/plan-point-in-time-restore/handler.js')).createHandler(settings);
  const evaluate = (await import('../functions/evaluate-recovery-test/handler.js')).createHandler(settings);
  const world = drillWorld(env, 'bench-drill');
  const polls = Math.ceil((restoreMinutes * 60) / pitr.pollIntervalSeconds);
  const context = { functionName: 'bench', awsRequestId: 'bench' };
  const lambdas: Record<string, LambdaHandler> = {
    [names.lambdaFunction(env, 'plan-point-in-time-restore')]: (event) => plan(event, context as never),
    [names.lambdaFunction(env, 'evaluate-recovery-test')]: (event) => evaluate(event, context as never),
    [verifierName(env)]: async (event: { restorePoint: string }) => passingVerification(event.restorePoint),
    // notify-outcome's answer: where it filed the report.
    [names.lambdaFunction(env, 'notify-outcome')]: async () => ({
      reports: { bucket: names.reportsBucket(env), json: 'reports/x.json', markdown: 'reports/x.md' },
    }),
  };
  const started = performance.now();
  const result = await runStateMachine(sm, {
    input: { requestedBy: 'bench' },
    executionName: world.execution,
    lambdas,
    mocks: {
      ...world.base,
      [TEMPORARY_DB_STATES.describe]: [
        ...Array.from({ length: polls - 1 }, () => world.restored('creating')),
        world.restored('available'),
      ],
    },
    waitTimeScale: 0.001,
  });
  return {
    drill: 'recovery-test (pitr)',
    restoreMinutes,
    status: result.status,
    transitions: result.transitions,
    withinTransitionsGoal: result.transitions <= TRANSITIONS_GOAL,
    lambdaInvocations: result.lambdaInvocations.length,
    sdkCalls: result.sdkCalls.length,
    simulatedSeconds: result.virtualSeconds,
    rtoResolutionSeconds: pitr.pollIntervalSeconds,
    wallMs: Math.round(performance.now() - started),
  };
}

/** Every drill's bench. */
export async function runDrillBench(): Promise<DrillBenchResult[]> {
  return [
    await runRecoveryTestBench(),
    await runFullRestoreBench(TRANSITIONS_GOAL),
    await runFailoverBench(TRANSITIONS_GOAL),
  ];
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const results = await runDrillBench();
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'drills.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), drills: results }, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}
