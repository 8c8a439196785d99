/**
 * The shape every remediation playbook has, and the one handler that runs it. A playbook is one
 * file per alarm family (`functions/remediation-playbook-<id>/playbook.ts`): `gather` reads what
 * it needs (read-only calls), `plan` is a pure function of those facts, `execute` makes exactly the
 * planned changes, and `verify` (pure, over freshly gathered facts) says whether acting recovered.
 * The handler factory below maps the three modes onto them, so a dry run (`plan`) can never reach
 * `execute`, and every playbook returns the same result shape (workflows/alarm-remediation/contract.ts).
 */

import {
  type PlannedAction,
  type PlaybookAlarm,
  type PlaybookId,
  type PlaybookResult,
  plannedActionSchema,
  playbookAlarmSchema,
  playbookModeSchema,
  type Verification,
} from '../../workflows/alarm-remediation/contract.js';
import { automationHandler } from '../middleware.js';
import type { Environment } from '../naming.js';
import { executionContextSchema } from '../schemas.js';
import * as z from '../zod.js';

/** What a playbook knows besides its facts: the environment, the alarm and the clock. */
export interface PlaybookContext {
  readonly environment: Environment;
  readonly alarm: PlaybookAlarm;
  readonly now: Date;
}

/** A plan: what was seen, what was decided and the changes to make. */
export interface PlaybookPlan {
  readonly target: string;
  readonly seen: Record<string, unknown>;
  readonly decided: string;
  readonly actions: PlannedAction[];
  readonly expectation: Record<string, unknown>;
}

/** One playbook (see the module comment). `Facts` is what `gather` reads, `Policy` the limits the stack passes. */
export interface Playbook<Facts, Policy, Clients> {
  readonly id: PlaybookId;
  /** The resource the alarm is about, from the environment and the alarm's name. */
  target(context: PlaybookContext): string;
  /** Read-only calls: what plan and verify decide on. */
  gather(target: string, clients: Clients, context: PlaybookContext): Promise<Facts>;
  /** Pure: what to do about the alarm, given the facts and the policy. */
  plan(facts: Facts, policy: Policy, context: PlaybookContext): PlaybookPlan;
  /** Makes the planned changes, in order; throws on the first that fails (the workflow reports it). */
  execute(actions: readonly PlannedAction[], clients: Clients): Promise<void>;
  /** Pure: did acting recover, given fresh facts and the act's expectation? */
  verify(facts: Facts, expectation: Record<string, unknown>, context: PlaybookContext): Verification;
}

/** Builds the input schema of a playbook function from its policy schema. */
function playbookInputSchema<Policy extends z.core.$ZodType>(policy: Policy) {
  return z.object({
    ...executionContextSchema.shape,
    mode: playbookModeSchema,
    alarm: playbookAlarmSchema,
    policy,
    /** The act's expectation, for `verify`. @default {} */
    expectation: z._default(z.record(z.string(), z.unknown()), {}),
    /**
     * For `act` after an approval step: the planned actions the approver saw (empty when the plan
     * changed nothing and skipped approval). The fresh plan must be the same, or nothing is done.
     * @default undefined: no approval step, act on the fresh plan
     */
    approvedActions: z.optional(z.array(plannedActionSchema)),
  });
}

/** JSON with object keys sorted: Step Functions need not keep the key order of what it passes on. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}

/**
 * The plan to act on: the fresh plan, unless an approval step saw another one. The facts can
 * change while the approver thinks (up to the approval timeout), and between a plan that changed
 * nothing (no approval asked) and the act: a change nobody approved is never made.
 */
function planToAct(plan: PlaybookPlan, approved: readonly PlannedAction[] | undefined): PlaybookPlan {
  if (approved === undefined || canonical(approved) === canonical(plan.actions)) return plan;
  return {
    ...plan,
    decided: `The plan changed since it was approved (${approved.length} action(s) approved, ${plan.actions.length} now): nothing was done, the next alarm after the cooldown plans again. Now: ${plan.decided}`,
    actions: [],
    expectation: {},
  };
}

/** The Lambda handler of a playbook: `plan`, `act` or `verify` (see the module comment). */
export function playbookHandler<Facts, Policy extends z.core.$ZodType, Clients>(
  playbook: Playbook<Facts, z.infer<Policy>, Clients>,
  policySchema: Policy,
  clients: () => Clients,
) {
  return automationHandler({
    workflow: 'alarm-remediation',
    schema: playbookInputSchema(policySchema),
    clients,
    handler: async (input, tools): Promise<PlaybookResult | Verification> => {
      const context: PlaybookContext = {
        environment: tools.settings.ENVIRONMENT,
        alarm: input.alarm,
        now: tools.clock(),
      };
      const target = playbook.target(context);
      const facts = await playbook.gather(target, tools.clients, context);
      if (input.mode === 'verify') return playbook.verify(facts, input.expectation, context);
      const fresh = playbook.plan(facts, (input as { policy: z.infer<Policy> }).policy, context);
      const plan = input.mode === 'act' ? planToAct(fresh, input.approvedActions) : fresh;
      if (input.mode === 'act') await playbook.execute(plan.actions, tools.clients);
      return {
        playbook: playbook.id,
        mode: input.mode,
        ...plan,
        verify: input.mode === 'act' && plan.actions.length > 0,
      };
    },
  });
}
