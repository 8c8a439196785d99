/**
 * "Check preconditions" task of the failover drill: evaluates the facts the state machine gathered
 * (evaluate.ts) and returns the decision (`run`, `skip` with every reason, or `dry-run`), the plan
 * (which template, which AZ), and the drill result used when the drill ends here. A failed check is
 * a result, not an error: the drill stops cleanly and reports why.
 */
import { automationHandler } from '../../shared/middleware.js';
import { environmentSchema, executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { type CheckFinding, clipSummary } from '../../workflows/failover-drill/contract.js';
import {
  type CacheFacts,
  type DatabaseFacts,
  type DrillPlan,
  type ExecutionFacts,
  type ExperimentFacts,
  evaluatePrechecks,
  type ServiceFacts,
  skipSummary,
} from './evaluate.js';

const freezeSchema = z.object({ from: z.string(), until: z.string(), reason: z.string() });

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  environment: environmentSchema,
  dryRun: z._default(z.boolean(), false),
  database: z.looseObject({}),
  cache: z.looseObject({}),
  cacheGroupArn: z.string().check(z.minLength(1)),
  /** tag:GetResources' ResourceTagMappingList. */
  cacheTargets: z._default(z.array(z.looseObject({ ResourceARN: z.optional(z.string()) })), []),
  alarms: z.looseObject({
    MetricAlarms: z._default(z.array(z.looseObject({ AlarmName: z.optional(z.string()) })), []),
    CompositeAlarms: z._default(z.array(z.looseObject({ AlarmName: z.optional(z.string()) })), []),
  }),
  services: z._default(z.array(z.looseObject({})), []),
  expectedServices: z.array(z.string()),
  runningExecutions: z._default(z.array(z.looseObject({})), []),
  experiments: z._default(z.array(z.looseObject({})), []),
  templates: z.record(z.string(), z.string()),
  changeFreezes: z.array(freezeSchema),
  ignoredAlarmPrefixes: z.array(z.string()),
});

/** What the task returns. */
export interface PrecheckOutput {
  readonly decision: 'run' | 'skip' | 'dry-run';
  readonly summary: string;
  readonly severity: 'medium' | 'low';
  readonly checks: CheckFinding[];
  readonly plan: DrillPlan | null;
  /** The drill's output when it ends here (skip, dry run). */
  readonly result: {
    readonly outcome: 'skipped' | 'dry-run' | 'completed';
    readonly summary: string;
    readonly checks: CheckFinding[];
    readonly experiment: null;
    readonly downtime: null;
    readonly rdsEvents: [];
  };
}

export const { handler, createHandler } = automationHandler({
  workflow: 'failover-drill',
  schema: inputSchema,
  handler: async (input, { clock }): Promise<PrecheckOutput> => {
    const alarmsInAlarm = [...input.alarms.MetricAlarms, ...input.alarms.CompositeAlarms]
      .map((alarm) => alarm.AlarmName ?? '')
      .filter((name) => name !== '');
    const decision = evaluatePrechecks({
      execution: input.execution,
      now: clock(),
      environmentPrefix: `interactions-${input.environment}-`,
      ignoredAlarmPrefixes: input.ignoredAlarmPrefixes,
      database: input.database as DatabaseFacts,
      cache: input.cache as CacheFacts,
      cacheGroupArn: input.cacheGroupArn,
      cacheTargetArns: input.cacheTargets.map((t) => t.ResourceARN ?? ''),
      alarmsInAlarm,
      services: input.services as ServiceFacts[],
      expectedServices: input.expectedServices,
      runningExecutions: input.runningExecutions as ExecutionFacts[],
      experiments: input.experiments as ExperimentFacts[],
      templates: input.templates,
      changeFreezes: input.changeFreezes,
    });
    const { checks, plan } = decision;
    if (!decision.ready) {
      const summary = clipSummary(skipSummary(checks));
      return {
        decision: 'skip',
        summary,
        severity: 'medium',
        checks,
        plan,
        result: result('skipped', summary, checks),
      };
    }
    if (input.dryRun) {
      const summary = `Failover drill dry run: every pre-check passed; it would start template ${plan?.templateId} (cache nodes in ${plan?.targetAz} powered off, database failed over from ${plan?.databaseAz})`;
      return {
        decision: 'dry-run',
        summary,
        severity: 'low',
        checks,
        plan,
        result: result('dry-run', summary, checks),
      };
    }
    const summary = `Pre-checks passed: starting template ${plan?.templateId}`;
    return { decision: 'run', summary, severity: 'low', checks, plan, result: result('completed', summary, checks) };
  },
});

function result(outcome: PrecheckOutput['result']['outcome'], summary: string, checks: CheckFinding[]) {
  return { outcome, summary, checks, experiment: null, downtime: null, rdsEvents: [] as [] };
}
