/**
 * "Probe downtime" / "Probe recovery" tasks of the failover drill: probes the database (a real
 * query), Redis and the application's health endpoint about once a second for one window
 * (probe-window.ts), folds the samples into the running summary the state machine carries
 * (timeline.ts) and returns it. It never waits longer than its window: the state machine calls it
 * again while the experiment runs.
 */
import { automationHandler } from '../../shared/middleware.js';
import { logger } from '../../shared/powertools.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { type DowntimeSummary, downtimeSummarySchema } from '../../workflows/failover-drill/contract.js';
import { probeWindow } from './probe-window.js';
import { type ProbeSet, proberSettingsShape, sdkProbeSet } from './probes.js';
import { addWindow } from './timeline.js';

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  /** How long to probe, in seconds. */
  windowSeconds: z.number().check(z.int(), z.gte(1), z.lte(600)),
  /** The summary so far (`emptySummary()` before the first window). */
  summary: downtimeSummarySchema,
});

export const { handler, createHandler } = automationHandler({
  workflow: 'failover-drill',
  schema: inputSchema,
  settings: proberSettingsShape,
  clients: (settings): ProbeSet => sdkProbeSet(settings),
  handler: async (input, { clients }): Promise<DowntimeSummary> => {
    const probes = await clients.probes();
    const samples = await probeWindow({ probes, windowMs: input.windowSeconds * 1000 });
    const summary = addWindow(input.summary, samples);
    const failing = samples.filter((s) => !s.ok);
    // The raw timeline of the window goes to the log: the summary keeps only the outages.
    logger.info('Probe window done', {
      samples: samples.length,
      failures: failing.length,
      failuresByDependency: Object.fromEntries(
        (['database', 'cache', 'application'] as const).map((d) => [
          d,
          failing.filter((s) => s.dependency === d).length,
        ]),
      ),
      transitions: transitions(samples),
    });
    return summary;
  },
});

/** The samples where a dependency changed between passing and failing: the window's timeline, compact. */
function transitions(samples: Awaited<ReturnType<typeof probeWindow>>) {
  const last = new Map<string, boolean>();
  const changes: { at: string; dependency: string; ok: boolean; error?: string }[] = [];
  for (const sample of samples) {
    if (last.get(sample.dependency) !== sample.ok) {
      changes.push({ at: sample.at.toISOString(), dependency: sample.dependency, ok: sample.ok, error: sample.error });
      last.set(sample.dependency, sample.ok);
    }
  }
  return changes;
}
