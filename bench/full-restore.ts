/**
 * Drill bench of the full restore test: the synthesized prod state machine run locally through a
 * simulated slow database restore (`creating` for `restoreMinutes` of polls; the cache, restoring at
 * the same time, is ready on its first poll; the task runs after two), with the real plan and
 * evaluation handlers. The cache restore and the smoke checks answer as stand-ins (their AWS and
 * HTTP work is not what is counted here). Part of `runDrillBench` (bench/drills.ts).
 */
import { temporaryReplicationGroupId } from '../functions/restore-cache-snapshot/restore.js';
import { loadConfig } from '../infra/config/index.js';
import { names } from '../shared/naming.js';
import type { LambdaHandler } from '../tests/support/state-machine-harness.js';
import { fullRestoreWorld } from '../tests/workflows/full-restore-test.fixtures.js';
import { TEMPORARY_DB_STATES } from '../workflows/common/temporary-db-instance.js';
import { TEMPORARY_CACHE_STATES } from '../workflows/common/temporary-replication-group.js';
import { type DrillBenchResult, drillMachine, handlerSettings, measureDrill, notifyStandIn } from './drill-run.js';

/** The full restore test (prod) with a `restoreMinutes`-long database restore. */
export async function runFullRestoreBench(restoreMinutes = 30): Promise<DrillBenchResult> {
  const env = 'prod';
  const { fullRestore } = loadConfig(env).drills;
  const sm = drillMachine('full-restore-test', env);
  const { settings, context } = handlerSettings(env, 'full-restore-test');
  const plan = (await import('../functions/plan-point-in-time-restore/handler.js')).createHandler(settings);
  const evaluate = (await import('../functions/evaluate-full-restore/handler.js')).createHandler(settings);
  const world = fullRestoreWorld(env, 'bench-full-restore');
  const polls = Math.ceil((restoreMinutes * 60) / fullRestore.pollIntervalSeconds);
  const now = () => new Date().toISOString();
  const lambdas: Record<string, LambdaHandler> = {
    [names.lambdaFunction(env, 'plan-point-in-time-restore')]: (event) => plan(event, context),
    [names.lambdaFunction(env, 'evaluate-full-restore')]: (event) => evaluate(event, context),
    [names.lambdaFunction(env, 'restore-cache-snapshot')]: async () => ({
      replicationGroupId: temporaryReplicationGroupId(env, 'full', world.execution),
      snapshotName: 'automatic.interactions-prod-bench',
      snapshotCreatedAt: now(),
      outcome: 'created',
    }),
    [names.lambdaFunction(env, 'smoke-check-restored-backend')]: async () => ({
      passed: true,
      target: 'http://10.0.0.1:5000',
      checks: [{ name: 'http:health', status: 'pass', durationMs: 5, finding: 'GET /health answered 200' }],
      startedAt: now(),
      checkedAt: now(),
    }),
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
        [TEMPORARY_CACHE_STATES.describe]: world.group('available'),
      },
    },
    { drill: 'full-restore-test', minutes: restoreMinutes, rtoResolutionSeconds: fullRestore.pollIntervalSeconds },
  );
}
