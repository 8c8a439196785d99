/**
 * Drill bench of the failover drill: the synthesized staging state machine (the environment where
 * it is enabled) run locally through an experiment that runs for `experimentMinutes` (default: just
 * inside the 30-minute experiment budget, the longest run the drill allows; one prober
 * window per minute, the experiment `running` until the last), with the real pre-check and report
 * handlers; the prober is scripted (its probing is not what is counted here). Part of
 * `runDrillBench` (bench/drills.ts).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../infra/config/index.js';
import { names } from '../shared/naming.js';
import { extractStateMachine, type LambdaHandler, runStateMachine } from '../tests/support/state-machine-harness.js';
import { synthesizeWorkflow } from '../tests/support/testbed/workflows.js';
import {
  experiment,
  failedOverFacts,
  healthyFacts,
  ok,
  PROBER,
  scriptedProber,
  windowSamples,
} from '../tests/workflows/failover-drill.fixtures.js';
import type { DrillBenchResult } from './drills.js';

/** The failover drill (staging) with an experiment running `experimentMinutes`. */
export async function runFailoverBench(transitionsGoal: number, experimentMinutes = 29): Promise<DrillBenchResult> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.CDK_VALIDATION ??= 'false';
  const env = 'staging';
  const { failoverDrill } = loadConfig(env);
  const { stack } = synthesizeWorkflow('failover-drill', env, {});
  const sm = extractStateMachine(Template.fromStack(stack), { name: names.stateMachine(env, 'failover-drill') });
  const settings = { env: { ENVIRONMENT: env, AWS_REGION: 'us-east-1', WORKFLOW: 'failover-drill' } };
  const prechecks = (await import('../functions/failover-prechecks/handler.js')).createHandler(settings);
  const report = (await import('../functions/failover-report/handler.js')).createHandler(settings);
  const execution = 'bench-failover';
  const windows = Math.ceil((experimentMinutes * 60) / failoverDrill.probeWindowSeconds);
  const start = Date.parse('2026-03-10T10:01:00Z');
  const prober = scriptedProber(
    Array.from({ length: windows + 1 }, (_, i) =>
      windowSamples(
        new Date(start + i * failoverDrill.probeWindowSeconds * 1000).toISOString(),
        failoverDrill.probeWindowSeconds,
        i === 0 ? { dependency: 'database', from: 5, until: 65 } : undefined,
      ),
    ),
  );
  const context = { functionName: 'bench', awsRequestId: 'bench' };
  const lambdas: Record<string, LambdaHandler> = {
    [names.lambdaFunction(env, 'failover-prechecks')]: (event) => prechecks(event, context as never),
    [names.lambdaFunction(env, 'failover-report')]: (event) => report(event, context as never),
    [PROBER]: prober.handler,
    [names.lambdaFunction(env, 'notify-outcome')]: async () => ({
      reports: { bucket: names.reportsBucket(env), json: 'reports/x.json', markdown: 'reports/x.md' },
    }),
  };
  const started = performance.now();
  const result = await runStateMachine(sm, {
    input: {},
    executionName: execution,
    lambdas,
    mocks: {
      ...healthyFacts(execution),
      ...failedOverFacts(),
      'Describe experiment': [
        ...Array.from({ length: windows - 1 }, () => ok(experiment('running'))),
        ok(experiment('completed')),
      ],
    } as never,
    waitTimeScale: 0.001,
  });
  return {
    drill: 'failover-drill',
    restoreMinutes: experimentMinutes,
    status: result.status,
    transitions: result.transitions,
    withinTransitionsGoal: result.transitions <= transitionsGoal,
    lambdaInvocations: result.lambdaInvocations.length,
    sdkCalls: result.sdkCalls.length,
    simulatedSeconds: result.virtualSeconds,
    // Downtime is measured per probe (about once a second), not per poll.
    rtoResolutionSeconds: 1,
    wallMs: Math.round(performance.now() - started),
  };
}
