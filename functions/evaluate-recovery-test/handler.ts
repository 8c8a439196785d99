/**
 * "Evaluate drill" task of the recovery test, run right after the temporary instance's deletion was
 * requested: measures RTO and RPO against the environment's objectives (evaluate.ts), publishes both
 * as EMF metrics with the exact dimensions the objective alarms watch (shared/metrics-contract.ts),
 * and returns the evidence notify-outcome files as the drill's JSON and Markdown report. RTO is
 * published only for a drill whose data was verified (a failed drill recovered nothing in time);
 * RPO whenever the verifier measured it, a failed freshness check included (that is the RPO miss
 * its alarm is for).
 */
import { publishMetric, recoveryTestMetric } from '../../shared/metrics-contract.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { type DrillEvaluation, evaluateDrill } from './evaluate.js';

const caughtSchema = z.optional(z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }));

/** The drill's state, as the state machine built it (`$`), and the objectives from config. */
export const inputSchema = z.object({
  ...executionContextSchema.shape,
  objectives: z.object({ rtoMinutes: z.number().check(z.positive()), rpoMinutes: z.number().check(z.positive()) }),
  drill: z.looseObject({
    plan: z.looseObject({
      plannedAt: z.string(),
      restorePoint: z.string(),
      restorePointMode: z.string(),
      instance: z.looseObject({ identifier: z.string() }),
    }),
    verification: z.optional(
      z.looseObject({
        passed: z.boolean(),
        checks: z.array(
          z.looseObject({
            name: z.string(),
            status: z.string(),
            value: z.optional(z.unknown()),
            finding: z.string(),
            durationMs: z.number(),
          }),
        ),
        newestDataAt: z.optional(z.nullable(z.string())),
        rpoSeconds: z.optional(z.nullable(z.number())),
        verifiedAt: z.string(),
      }),
    ),
    verificationError: caughtSchema,
    /** TemporaryDbInstance's state: `deletion` once the delete was accepted. */
    instance: z.optional(z.looseObject({ deletion: z.optional(z.looseObject({ status: z.optional(z.string()) })) })),
    cleanupError: caughtSchema,
  }),
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input, { settings, clock }): Promise<DrillEvaluation> => {
    const { drill } = input;
    const verification = drill.verification;
    const evaluation = evaluateDrill(
      {
        startedAt: input.startedAt,
        plannedAt: drill.plan.plannedAt,
        restorePoint: drill.plan.restorePoint,
        restorePointMode: drill.plan.restorePointMode,
        temporaryInstance: drill.plan.instance.identifier,
        objectives: input.objectives,
        verification:
          verification === undefined
            ? undefined
            : {
                ...verification,
                newestDataAt: verification.newestDataAt ?? undefined,
                rpoSeconds: verification.rpoSeconds ?? undefined,
              },
        verificationError: drill.verificationError,
        deletion: drill.instance?.deletion,
        cleanupError: drill.cleanupError,
      },
      clock(),
    );
    if (evaluation.rtoSeconds !== null) {
      publishMetric(recoveryTestMetric(settings.ENVIRONMENT, 'RecoveryTimeSeconds'), evaluation.rtoSeconds);
    }
    if (evaluation.rpoSeconds !== null) {
      publishMetric(recoveryTestMetric(settings.ENVIRONMENT, 'RecoveryPointSeconds'), evaluation.rpoSeconds);
    }
    return evaluation;
  },
});
