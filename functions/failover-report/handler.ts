/**
 * "Evaluate drill" task of the failover drill: judges how the FIS experiment ended, runs the
 * post-checks, correlates the RDS failover events with the measured downtime (evaluate.ts) and
 * returns the verdict with the drill result the report and the output carry. A failed drill is a
 * result: the state machine routes on `verdict`. Publishes each dependency's user-visible downtime
 * (`DowntimeSeconds`, downtime.ts) whatever the verdict: the users saw it either way, and a stopped
 * experiment's downtime is the one the dashboard most needs to show.
 */
import { failoverDowntimeMetric, publishMetric } from '../../shared/metrics-contract.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import {
  type CheckFinding,
  clipSummary,
  DEPENDENCIES,
  downtimeSummarySchema,
} from '../../workflows/failover-drill/contract.js';
import type { CacheFacts, DatabaseFacts, ServiceFacts } from '../failover-prechecks/evaluate.js';
import { downtimeByDependency } from './downtime.js';
import { type ExperimentFacts, judgeDrill, type RdsEventFacts, type Verdict } from './evaluate.js';

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  plan: z.object({
    templateId: z.string(),
    targetAz: z.string(),
    databaseAz: z.string(),
    cachePrimaryNode: z.string(),
  }),
  prechecks: z.array(z.object({ check: z.string(), ok: z.boolean(), detail: z.string() })),
  experiment: z.looseObject({}),
  downtime: downtimeSummarySchema,
  database: z.looseObject({}),
  cache: z.looseObject({}),
  services: z._default(z.array(z.looseObject({})), []),
  expectedServices: z.array(z.string()),
  rdsEvents: z._default(z.array(z.looseObject({})), []),
});

/** What the task returns. */
export interface DrillEvaluation {
  readonly verdict: Verdict;
  readonly summary: string;
  readonly checks: CheckFinding[];
  /** The drill's output (and the report's details). */
  readonly result: {
    readonly outcome: 'completed';
    readonly summary: string;
    readonly checks: CheckFinding[];
    readonly experiment: { id: string; templateId: string; status: string; targetAz: string };
    readonly downtime: z.infer<typeof downtimeSummarySchema>;
    readonly rdsEvents: ReturnType<typeof judgeDrill>['rdsEvents'];
  };
}

export const { handler, createHandler } = automationHandler({
  workflow: 'failover-drill',
  schema: inputSchema,
  handler: async (input, { settings }): Promise<DrillEvaluation> => {
    const experiment = input.experiment as ExperimentFacts;
    const judged = judgeDrill({
      plan: input.plan,
      experiment,
      downtime: input.downtime,
      database: input.database as DatabaseFacts,
      cache: input.cache as CacheFacts,
      services: input.services as ServiceFacts[],
      expectedServices: input.expectedServices,
      rdsEvents: input.rdsEvents as RdsEventFacts[],
    });
    const downtime = downtimeByDependency(input.downtime.dependencies);
    for (const dependency of DEPENDENCIES) {
      publishMetric(failoverDowntimeMetric(settings.ENVIRONMENT, dependency), downtime[dependency]);
    }
    const checks = [...input.prechecks, ...judged.checks];
    const summary = clipSummary(judged.summary);
    return {
      verdict: judged.verdict,
      summary,
      checks,
      result: {
        outcome: 'completed',
        summary,
        checks,
        experiment: {
          id: experiment.Id ?? '',
          templateId: input.plan.templateId,
          status: experiment.State?.Status ?? 'unknown',
          targetAz: input.plan.targetAz,
        },
        downtime: input.downtime,
        rdsEvents: judged.rdsEvents,
      },
    };
  },
});
