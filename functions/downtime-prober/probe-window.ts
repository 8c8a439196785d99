/**
 * One probe window: every dependency probed about once a second for at most `windowMs`, each probe
 * bounded by `timeoutMs`, the samples returned. The Lambda never waits longer than its window (plus
 * one probe timeout): the state machine calls it again while the experiment runs.
 *
 * A dependency whose previous probe is still hanging is not probed again on top of it (that would
 * pile up connections to a database in failover); that tick records a failure instead.
 */
import type { Dependency } from '../../workflows/failover-drill/contract.js';
import type { Sample } from './timeline.js';

/** Probes one dependency once: resolves when it answered correctly, rejects (with a reason) otherwise. */
export type ProbeFn = (signal: AbortSignal) => Promise<void>;

/** What a window needs; time is injected so tests can run it fast. */
export interface ProbeWindowOptions {
  readonly probes: Readonly<Record<Dependency, ProbeFn>>;
  /** How long the window lasts. */
  readonly windowMs: number;
  /** Pause between the starts of two probes of a dependency. @default 1000 */
  readonly intervalMs?: number;
  /** Longest a single probe may take before it counts as failed. @default 900 */
  readonly timeoutMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Runs the window (see the module comment). */
export async function probeWindow(options: ProbeWindowOptions): Promise<Sample[]> {
  const interval = options.intervalMs ?? 1000;
  const timeout = options.timeoutMs ?? 900;
  const now = options.now ?? Date.now;
  if (!(options.windowMs > 0)) throw new RangeError(`probeWindow: windowMs must be positive (got ${options.windowMs})`);
  const samples: Sample[] = [];
  const busy = new Set<Dependency>();
  const pending: Promise<void>[] = [];
  const start = now();
  for (let tick = 0; start + tick * interval < start + options.windowMs; tick += 1) {
    await delay(start + tick * interval - now());
    const at = new Date(now());
    for (const dependency of Object.keys(options.probes) as Dependency[]) {
      if (busy.has(dependency)) {
        samples.push({ dependency, at, ok: false, error: `previous probe still waiting (over ${timeout} ms)` });
        continue;
      }
      busy.add(dependency);
      const probe = options.probes[dependency];
      pending.push(
        runProbe(probe, timeout).then((error) => {
          samples.push(error === undefined ? { dependency, at, ok: true } : { dependency, at, ok: false, error });
          busy.delete(dependency);
        }),
      );
    }
  }
  await Promise.all(pending);
  return samples.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Runs one probe; resolves with the reason it failed, or undefined when it passed. */
async function runProbe(probe: ProbeFn, timeoutMs: number): Promise<string | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      probe(controller.signal).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
