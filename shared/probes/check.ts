/**
 * The deployment verification's unit of work: a named check with its own timeout, producing
 * pass / fail / skipped, its duration and a finding that says what was seen or what was wrong.
 * `runChecks` runs independent checks in parallel; a check that hangs becomes `fail` at its timeout
 * (its work is aborted through the signal) while the others still report. The Lambdas and
 * `verify-deployment --local` run the same checks through this module.
 */

/** Outcome of one check. `skipped`: not run here (no target given, or it needs AWS). */
export type CheckStatus = 'pass' | 'fail' | 'skipped';

/** One check's result, as reports, JUnit and the CLI show it. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** Wall time from start to result (the timeout when it timed out; 0 when skipped). */
  readonly durationMs: number;
  /** What was seen on success, what was wrong on failure, why it was skipped. Never a secret. */
  readonly finding: string;
}

/** What a check's work returns; throwing is a `fail` with the error's message as finding. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  readonly finding: string;
}

/** A check to run. */
export interface Check {
  readonly name: string;
  /** Milliseconds the work may take before the check fails as timed out. */
  readonly timeoutMs: number;
  /** The work; it must stop (close its connections) when `signal` aborts. */
  readonly run: (signal: AbortSignal) => Promise<CheckOutcome>;
}

/** A failure a probe reports as its finding, without a stack (an expected way to fail). */
export class ProbeFailure extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProbeFailure';
  }
}

/** A passing outcome with what was seen. */
export const pass = (finding: string): CheckOutcome => ({ status: 'pass', finding });
/** A failing outcome with what was wrong. */
export const fail = (finding: string): CheckOutcome => ({ status: 'fail', finding });

/** A check that is not run: reported `skipped` with the reason. */
export function skippedCheck(name: string, reason: string): Check {
  return { name, timeoutMs: 0, run: async () => ({ status: 'skipped', finding: reason }) };
}

/** The message of anything thrown, for a finding. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Runs one check under its timeout; never throws. */
export async function runCheck(check: Check): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve(fail(`timed out after ${check.timeoutMs} ms (the check's timeout); nothing answered in time`));
      controller.abort(new ProbeFailure(`${check.name} timed out`));
    }, check.timeoutMs);
  });
  // A work that throws synchronously must still become a result.
  const work = Promise.resolve()
    .then(() => check.run(controller.signal))
    .catch((error: unknown): CheckOutcome => fail(describeError(error)));
  try {
    const outcome = await Promise.race([work, timedOut]);
    return {
      name: check.name,
      status: outcome.status,
      durationMs: outcome.status === 'skipped' ? 0 : Math.round(performance.now() - started),
      finding: outcome.finding,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs independent checks in parallel; results in the order of `checks`. */
export async function runChecks(checks: readonly Check[]): Promise<CheckResult[]> {
  return Promise.all(checks.map(runCheck));
}

/** `fail` when any check failed, else `pass` (skipped checks do not fail a verification). */
export function overallStatus(results: readonly CheckResult[]): 'pass' | 'fail' {
  return results.some((result) => result.status === 'fail') ? 'fail' : 'pass';
}
