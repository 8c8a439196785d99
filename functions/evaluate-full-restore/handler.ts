/**
 * "Evaluate drill" task of the full restore test, run once the teardown was requested: measures each
 * phase and the RTO against the objective (evaluate.ts), publishes the RTO as an EMF metric when the
 * restored backend passed its smoke checks, and returns the evidence notify-outcome files as the
 * drill's JSON and Markdown report.
 */
import { type MetricDescriptor, publishMetric } from '../../shared/metrics-contract.js';
import { automationHandler } from '../../shared/middleware.js';
import { type Environment, names } from '../../shared/naming.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { evaluateFullRestore, type FullRestoreEvaluation } from './evaluate.js';

/** This function's name (the `service` dimension of its metric). */
export const FULL_RESTORE_EVALUATION_FUNCTION = 'evaluate-full-restore';

/** The full restore's RTO in seconds: namespace Interactions/Automation, dimensions environment and workflow. */
export function fullRestoreRtoMetric(env: Environment): MetricDescriptor {
  return {
    namespace: names.metricsNamespace,
    metricName: 'RecoveryTimeSeconds',
    dimensions: {
      service: names.lambdaFunction(env, FULL_RESTORE_EVALUATION_FUNCTION),
      environment: env,
      workflow: 'full-restore-test',
    },
    unit: 'Seconds',
  };
}

const caught = z.optional(z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }));
const status = z.optional(z.looseObject({ status: z.optional(z.string()) }));
const polls = z.optional(z.looseObject({ polls: z.number().check(z.int(), z.nonnegative()) }));

/** The drill's state as the state machine built it (`$`), and the RTO objective from config. */
export const inputSchema = z.object({
  ...executionContextSchema.shape,
  rtoObjectiveMinutes: z.number().check(z.positive()),
  /** The wait loops' intervals: a phase measured in polls lasted at most polls x interval. */
  pollIntervalSeconds: z.object({ restores: z.number().check(z.positive()), task: z.number().check(z.positive()) }),
  drill: z.looseObject({
    plan: z.looseObject({ restorePoint: z.string(), instance: z.looseObject({ identifier: z.string() }) }),
    cache: z.looseObject({
      created: z.looseObject({ replicationGroupId: z.string(), snapshotName: z.string() }),
      deletion: status,
      deletionError: caught,
    }),
    instance: z.optional(z.looseObject({ deletion: status })),
    cleanupError: caught,
    backend: z.looseObject({ taskDefinition: z.string() }),
    task: z.optional(z.looseObject({ stop: status, stopError: caught })),
    marks: z.looseObject({ databaseAvailable: polls, cacheAvailable: polls, taskRunning: polls }),
    smoke: z.optional(
      z.looseObject({
        passed: z.boolean(),
        target: z.string(),
        checks: z.array(
          z.looseObject({ name: z.string(), status: z.string(), durationMs: z.number(), finding: z.string() }),
        ),
        startedAt: z.string(),
        checkedAt: z.string(),
      }),
    ),
    smokeError: caught,
  }),
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input, { settings, clock }): Promise<FullRestoreEvaluation> => {
    const { drill } = input;
    const { marks } = drill;
    const evaluation = evaluateFullRestore(
      {
        startedAt: input.startedAt,
        polls: {
          database: marks.databaseAvailable?.polls,
          cache: marks.cacheAvailable?.polls,
          task: marks.taskRunning?.polls,
        },
        pollIntervalSeconds: input.pollIntervalSeconds,
        restorePoint: drill.plan.restorePoint,
        cacheSnapshot: drill.cache.created.snapshotName,
        temporaryInstance: drill.plan.instance.identifier,
        temporaryReplicationGroup: drill.cache.created.replicationGroupId,
        taskDefinition: drill.backend.taskDefinition,
        rtoObjectiveMinutes: input.rtoObjectiveMinutes,
        smoke: drill.smoke,
        smokeError: drill.smokeError,
        teardown: {
          task: drill.task?.stop,
          taskError: drill.task?.stopError,
          cache: drill.cache.deletion,
          cacheError: drill.cache.deletionError,
          database: drill.instance?.deletion,
          databaseError: drill.cleanupError,
        },
      },
      clock(),
    );
    if (evaluation.rtoSeconds !== null)
      publishMetric(fullRestoreRtoMetric(settings.ENVIRONMENT), evaluation.rtoSeconds);
    return evaluation;
  },
});
