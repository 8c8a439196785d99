/**
 * Runs checks at once, each under its own timeout, and turns every outcome into a result line:
 * a check that throws or overruns fails with what happened; none can stop the others.
 */
import type { CheckResult } from '../../workflows/deployment-verification/contract.js';
import type { CheckVerdict } from './verdict.js';

/** One check: its name, its time budget and what it does (it should honour the signal). */
export interface CheckSpec {
  readonly name: string;
  readonly timeoutMs: number;
  readonly run: (signal: AbortSignal) => Promise<CheckVerdict>;
}

function message(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function runOne(spec: CheckSpec, now: () => number): Promise<CheckResult> {
  const started = now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<CheckVerdict>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'fail', finding: `timed out after ${spec.timeoutMs} ms` });
    }, spec.timeoutMs);
  });
  try {
    const verdict = await Promise.race([
      spec
        .run(controller.signal)
        .catch((error: unknown): CheckVerdict => ({ status: 'fail', finding: `could not check: ${message(error)}` })),
      overrun,
    ]);
    return { name: spec.name, ...verdict, durationMs: Math.max(0, now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently; the results keep the specs' order. */
export function runChecks(specs: readonly CheckSpec[], now: () => number = Date.now): Promise<CheckResult[]> {
  return Promise.all(specs.map((spec) => runOne(spec, now)));
}
