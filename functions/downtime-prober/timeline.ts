/**
 * The downtime timeline: probe samples folded into a running summary per dependency, carried by the
 * state machine from one probe window to the next. An outage is a stretch of failing probes, from
 * the first failing probe to the first passing one after it; a dependency's downtime is its longest
 * outage. The summary stays small whatever the drill's length: counts, the outages (at most
 * MAX_OUTAGES, the rest counted) and the one still open.
 */
import type {
  Dependency,
  DependencyDowntime,
  DowntimeSummary,
  Outage,
} from '../../workflows/failover-drill/contract.js';
import { DEPENDENCIES } from '../../workflows/failover-drill/contract.js';

/** Outages kept per dependency: a flapping dependency must not grow the execution's state without bound. */
export const MAX_OUTAGES = 20;

/** One probe of one dependency. */
export interface Sample {
  readonly dependency: Dependency;
  /** When the probe started. */
  readonly at: Date;
  readonly ok: boolean;
  /** Why it failed (absent when it passed). */
  readonly error?: string;
}

/** A summary before the first probe. */
export function emptySummary(): DowntimeSummary {
  const empty = (): DependencyDowntime => ({
    samples: 0,
    failures: 0,
    longestOutageSeconds: 0,
    outages: [],
    droppedOutages: 0,
    openOutage: null,
    lastProbeAt: null,
    lastOk: null,
  });
  return {
    firstProbeAt: null,
    lastProbeAt: null,
    windows: 0,
    dependencies: { database: empty(), cache: empty(), application: empty() },
  };
}

const seconds = (from: string, until: string): number => Math.max(0, (Date.parse(until) - Date.parse(from)) / 1000);

/** Folds one window's samples (any order) into `summary`; returns a new summary. */
export function addWindow(summary: DowntimeSummary, samples: readonly Sample[]): DowntimeSummary {
  const sorted = [...samples].sort((a, b) => a.at.getTime() - b.at.getTime());
  const dependencies = { ...summary.dependencies };
  for (const dependency of DEPENDENCIES) {
    dependencies[dependency] = fold(
      summary.dependencies[dependency],
      sorted.filter((s) => s.dependency === dependency),
    );
  }
  const first = sorted[0]?.at.toISOString();
  const last = sorted[sorted.length - 1]?.at.toISOString();
  return {
    firstProbeAt: summary.firstProbeAt ?? first ?? null,
    lastProbeAt: last ?? summary.lastProbeAt,
    windows: summary.windows + 1,
    dependencies,
  };
}

function fold(start: DependencyDowntime, samples: readonly Sample[]): DependencyDowntime {
  let { samples: count, failures, longestOutageSeconds, droppedOutages, openOutage, lastProbeAt, lastOk } = start;
  const outages: Outage[] = [...start.outages];
  let lastFailureAt: string | null = null;
  for (const sample of samples) {
    const at = sample.at.toISOString();
    count += 1;
    lastProbeAt = at;
    lastOk = sample.ok;
    if (!sample.ok) {
      failures += 1;
      lastFailureAt = at;
      openOutage ??= { from: at, error: sample.error ?? 'failed' };
      continue;
    }
    if (openOutage !== null) {
      const outage = {
        from: openOutage.from,
        until: at,
        seconds: seconds(openOutage.from, at),
        error: openOutage.error,
      };
      longestOutageSeconds = Math.max(longestOutageSeconds, outage.seconds);
      if (outages.length < MAX_OUTAGES) outages.push(outage);
      else droppedOutages += 1;
      openOutage = null;
    }
  }
  // A stretch still failing counts up to its last failing probe: at least that long, maybe longer.
  if (openOutage !== null && lastFailureAt !== null) {
    longestOutageSeconds = Math.max(longestOutageSeconds, seconds(openOutage.from, lastFailureAt));
  }
  return { samples: count, failures, longestOutageSeconds, outages, droppedOutages, openOutage, lastProbeAt, lastOk };
}
