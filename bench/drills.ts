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
import { loadConfig } from '../infra/config/index.js';
import { names } from '../shared/naming.js';
import type { LambdaHandler } from '../tests/support/state-machine-harness.js';
import { drillWorld, passingVerification, verifierName } from '../tests/workflows/recovery-test.fixtures.js';
import { TEMPORARY_DB_STATES } from '../workflows/common/temporary-db-instance.js';
import { type DrillBenchResult, drillMachine, handlerSettings, measureDrill, notifyStandIn } from './drill-run.js';
import { runFailoverBench } from './failover.js';
import { runFullRestoreBench } from './full-restore.js';

export { type DrillBenchResult, TRANSITIONS_GOAL } from './drill-run.js';

/** The recovery test (prod) with a `restoreMinutes`-long restore. */
export async function runRecoveryTestBench(restoreMinutes = 30): Promise<DrillBenchResult> {
  const env = 'prod';
  const { pitr } = loadConfig(env).drills;
  const sm = drillMachine('recovery-test', env);
  const { settings, context } = handlerSettings(env, 'recovery-test');
  const plan = (await import('../functions/plan-point-in-time-restore/handler.js')).createHandler(settings);
  const evaluate = (await import('../functions/evaluate-recovery-test/handler.js')).createHandler(settings);
  const world = drillWorld(env, 'bench-drill');
  const polls = Math.ceil((restoreMinutes * 60) / pitr.pollIntervalSeconds);
  const lambdas: Record<string, LambdaHandler> = {
    [names.lambdaFunction(env, 'plan-point-in-time-restore')]: (event) => plan(event, context),
    [names.lambdaFunction(env, 'evaluate-recovery-test')]: (event) => evaluate(event, context),
    [verifierName(env)]: async (event: { restorePoint: string }) => passingVerification(event.restorePoint),
    ...notifyStandIn(env),
  };
  return measureDrill(
    sm,
    {
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
    },
    { drill: 'recovery-test (pitr)', minutes: restoreMinutes, rtoResolutionSeconds: pitr.pollIntervalSeconds },
  );
}

/** Every drill's bench. */
export async function runDrillBench(): Promise<DrillBenchResult[]> {
  return [await runRecoveryTestBench(), await runFullRestoreBench(), await runFailoverBench()];
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const results = await runDrillBench();
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'drills.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), drills: results }, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}
