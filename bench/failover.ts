/**
 * Drill bench of the failover drill: the synthesized staging state machine (the environment where
 * it is enabled) run locally through an experiment that runs for `experimentMinutes` (default: just
 * inside the 30-minute experiment budget, the longest run the drill allows; one prober
 * window per minute, the experiment `running` until the last), with the real pre-check and report
 * handlers; the prober is scripted (its probing is not what is counted here). Part of
 * `runDrillBench` (bench/drills.ts).
 */
import { loadConfig } from '../infra/config/index.js';
import { names } from '../shared/naming.js';
import type { LambdaHandler } from '../tests/support/state-machine-harness.js';
import {
  experiment,
  failedOverFacts,
  healthyFacts,
  ok,
  PROBER,
  scriptedProber,
  windowSamples,
} from '../tests/workflows/failover-drill.fixtures.js';
import { type DrillBenchResult, drillMachine, handlerSettings, measureDrill, notifyStandIn } from './drill-run.js';

/** The failover drill (staging) with an experiment running `experimentMinutes`. */
export async function runFailoverBench(experimentMinutes = 29): Promise<DrillBenchResult> {
  const env = 'staging';
  const { failoverDrill } = loadConfig(env);
  const sm = drillMachine('failover-drill', env);
  const { settings, context } = handlerSettings(env, 'failover-drill');
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
  const lambdas: Record<string, LambdaHandler> = {
    [names.lambdaFunction(env, 'failover-prechecks')]: (event) => prechecks(event, context),
    [names.lambdaFunction(env, 'failover-report')]: (event) => report(event, context),
    [PROBER]: prober.handler,
    ...notifyStandIn(env),
  };
  return measureDrill(
    sm,
    {
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
    },
    // Downtime is measured per probe (about once a second), not per poll.
    { drill: 'failover-drill', minutes: experimentMinutes, rtoResolutionSeconds: 1 },
  );
}
