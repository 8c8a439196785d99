/**
 * Milestone matchers for workflow runs: a test states the states that matter and the outcome,
 * not the whole path (one full-path test per workflow pins that). Registered with `expect.extend`
 * when the testbed is imported. Failure messages show the run's status, error, cause and path (its
 * loop iterations collapsed, see path.ts).
 */
import type { LambdaInvocation, RunResult } from '../state-machine-harness.js';
import { formatPath } from './path.js';

/** What a notify-outcome invocation was asked to report (any subset of its payload). */
export type NotificationExpectation = Readonly<Record<string, unknown>>;

type Run = Pick<RunResult, 'status' | 'error' | 'cause' | 'path' | 'lambdaInvocations'>;

declare global {
  namespace jest {
    interface Matchers<R> {
      /** The run entered these states in this order (others may come between). */
      toHavePassedThrough(...states: string[]): R;
      /** The run's last states were exactly these. */
      toHaveEndedWith(...states: string[]): R;
      /** The run SUCCEEDED. */
      toHaveSucceeded(): R;
      /** The run FAILED with this error (and, when given, a cause containing `causeIncludes`). */
      toHaveFailedWith(error: string, causeIncludes?: string): R;
      /** notify-outcome was invoked (run or mocked) with a payload matching `expected`. */
      toHaveNotified(expected: NotificationExpectation): R;
    }
  }
}

function describeRun(run: Run): string {
  const parts = [`status ${run.status}`];
  if (run.error !== undefined) parts.push(`error ${run.error}`);
  if (run.cause !== undefined) parts.push(`cause ${run.cause.slice(0, 500)}`);
  return `${parts.join(', ')}\npath: ${formatPath(run.path)}`;
}

function isRun(value: unknown): value is Run {
  return typeof value === 'object' && value !== null && Array.isArray((value as Run).path);
}

function notRun(received: unknown): jest.CustomMatcherResult {
  return { pass: false, message: () => `expected a workflow run result, got ${JSON.stringify(received)}` };
}

/** Whether `states` appear in `path` in this order. */
function passedInOrder(path: readonly string[], states: readonly string[]): boolean {
  let from = 0;
  for (const state of states) {
    const at = path.indexOf(state, from);
    if (at === -1) return false;
    from = at + 1;
  }
  return true;
}

/** notify-outcome invocations: the functions named `...-notify-outcome`. */
export function notifications(run: Pick<RunResult, 'lambdaInvocations'>): LambdaInvocation[] {
  return run.lambdaInvocations.filter((i) => i.functionName.endsWith('-notify-outcome'));
}

/** toMatchObject's recursive subset rule, as a boolean. */
function matchesObject(actual: unknown, expected: NotificationExpectation): boolean {
  try {
    expect(actual).toMatchObject(expected);
    return true;
  } catch {
    return false;
  }
}

expect.extend({
  toHavePassedThrough(received: unknown, ...states: string[]) {
    if (!isRun(received)) return notRun(received);
    const pass = states.length > 0 && passedInOrder(received.path, states);
    return {
      pass,
      message: () =>
        `expected the run ${pass ? 'not ' : ''}to pass through ${states.map((s) => JSON.stringify(s)).join(' -> ')}\n` +
        describeRun(received),
    };
  },
  toHaveEndedWith(received: unknown, ...states: string[]) {
    if (!isRun(received)) return notRun(received);
    const tail = received.path.slice(-states.length);
    const pass = states.length > 0 && this.equals(tail, states);
    return {
      pass,
      message: () =>
        `expected the run ${pass ? 'not ' : ''}to end with ${states.map((s) => JSON.stringify(s)).join(' -> ')}\n` +
        describeRun(received),
    };
  },
  toHaveSucceeded(received: unknown) {
    if (!isRun(received)) return notRun(received);
    const pass = received.status === 'SUCCEEDED';
    return { pass, message: () => `expected the run ${pass ? 'not ' : ''}to succeed\n${describeRun(received)}` };
  },
  toHaveFailedWith(received: unknown, error: string, causeIncludes?: string) {
    if (!isRun(received)) return notRun(received);
    const pass =
      received.status === 'FAILED' &&
      received.error === error &&
      (causeIncludes === undefined || (received.cause ?? '').includes(causeIncludes));
    const expected =
      causeIncludes === undefined ? error : `${error} (cause containing ${JSON.stringify(causeIncludes)})`;
    return {
      pass,
      message: () => `expected the run ${pass ? 'not ' : ''}to fail with ${expected}\n${describeRun(received)}`,
    };
  },
  toHaveNotified(received: unknown, expected: NotificationExpectation) {
    if (!isRun(received)) return notRun(received);
    const sent = notifications(received).map((i) => i.payload);
    const pass = sent.some((payload) => matchesObject(payload, expected));
    return {
      pass,
      message: () =>
        `expected the run ${pass ? 'not ' : ''}to notify ${this.utils.printExpected(expected)}\n` +
        `notifications: ${this.utils.printReceived(sent)}\n${describeRun(received)}`,
    };
  },
});
