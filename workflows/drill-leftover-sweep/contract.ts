/**
 * Contract of the drill leftover sweep (`interactions-<env>-drill-leftover-sweep`): started by its
 * schedule with the scheduled event, it returns how many expired drill leftovers it found and the
 * outcome of each delete, by kind. The tests import these schemas.
 */
import { scheduledEventSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';

/** What the workflow is started with: the scheduled event. */
export const drillLeftoverSweepInputSchema = scheduledEventSchema;

/** One leftover's outcome, as GuardedDeletion records it. */
const outcomeSchema = z.object({
  identifier: z.string().check(z.minLength(1)),
  outcome: z.enum(['deleted', 'refused', 'absent', 'busy', 'failed']),
});

/** Found count, outcomes by kind (empty when nothing was found), and the report. */
export const drillLeftoverSweepOutputSchema = z.object({
  found: z.number().check(z.int(), z.nonnegative()),
  outcomes: z.object({
    dbInstances: z.array(outcomeSchema),
    replicationGroups: z.array(outcomeSchema),
    tasks: z.array(outcomeSchema),
    securityGroups: z.array(outcomeSchema),
  }),
  report: z.object({ json: z.string(), markdown: z.string() }),
});
export type DrillLeftoverSweepOutput = z.infer<typeof drillLeftoverSweepOutputSchema>;
