/**
 * Local workflow harness: takes a state machine out of a synthesized CDK template, validates it
 * with asl-validator and executes it with aws-local-stepfunctions. Lambda tasks run the real
 * handlers; every other Task (SDK and optimized integrations) must be mocked, or the run throws.
 * Waits and retry pauses do not sleep; the state machine's TimeoutSeconds runs on a virtual clock.
 * How-to: tests/support/README.md.
 */
import aslValidator from 'asl-validator';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { buildMockTable, type MockedResponse, type MockTestCase } from './harness/mocks.js';
import {
  type AslDefinition,
  type AslState,
  assertJsonPath,
  type ExtractedStateMachine,
  FAKE_ACCOUNT,
  FAKE_REGION,
  type TemplateFunction,
} from './harness/template.js';

export type { InlineMocks, MockConfigFile, MockedResponse, MockTestCase } from './harness/mocks.js';
export { type ExtractedStateMachine, extractStateMachine } from './harness/template.js';

/** A Lambda handler as the harness calls it: the event only (no context is passed). */
// biome-ignore lint/suspicious/noExplicitAny: handlers take their own event types
export type LambdaHandler = (event: any, context?: any) => unknown;

/** Options of one local execution. */
export interface RunOptions {
  /** Execution input. */
  readonly input: unknown;
  /** `$$.Execution.Name`. @default 'harness-execution' */
  readonly executionName?: string;
  /** Real handlers by function name or logical id (as in the template). */
  readonly lambdas?: Readonly<Record<string, LambdaHandler>>;
  /** Mocked task responses (mock wins over a Lambda handler). */
  readonly mocks?: MockTestCase;
  /**
   * Real milliseconds per second of a Wait state's static `Seconds` (e.g. 0.001: 300 s -> 300 ms).
   * @default every Wait pauses 1 ms, whatever its duration
   */
  readonly waitTimeScale?: number;
  /**
   * Real milliseconds per second of a Task's `TimeoutSeconds`: a handler slower than that fails
   * the attempt with States.Timeout. @default the library's wall-clock task timeouts (60 s if unset)
   */
  readonly taskTimeoutScale?: number;
}

/** One Lambda invocation seen during the run. */
export interface LambdaInvocation {
  readonly state: string;
  readonly functionName: string;
  readonly payload: unknown;
  readonly result?: unknown;
  readonly error?: { readonly Error: string; readonly Cause: string };
  readonly mocked: boolean;
}

/** One SDK / service integration call seen during the run (all are mocked). */
export interface SdkCall {
  readonly state: string;
  readonly resource: string;
  readonly parameters: unknown;
}

/** Outcome of a local execution. */
export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** State names entered, in order (nested Parallel/Map states included, as they ran). */
  readonly path: string[];
  readonly transitions: number;
  readonly lambdaInvocations: LambdaInvocation[];
  readonly sdkCalls: SdkCall[];
  /** Retries by state name. */
  readonly retries: Record<string, number>;
  /** Seconds the execution would have taken on AWS counting Waits and retry pauses (jitter at its maximum). */
  readonly virtualSeconds: number;
  readonly durationMs: number;
}

/** A harness misuse or an unmocked call: never caught by the state machine's Retry/Catch. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  // aws-local-stepfunctions reads these to decide whether Retry/Catch may handle an error.
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** An error a task reports to the state machine (Error = name, Cause = message). */
class TaskFailure extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

const LAMBDA_INVOKE = /^arn:[a-z-]+:states:::lambda:invoke$/;
const LAMBDA_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[^:]+)?$/;

// asl-validator compiles its JSON schemas on every call (0.5-2 s): remember definitions that passed.
const validDefinitions = new Set<string>();

/** Validates a definition with asl-validator (and rejects JSONata); throws listing every error. */
export function validateDefinition(definition: unknown): void {
  assertJsonPath(definition);
  const key = JSON.stringify(definition);
  if (validDefinitions.has(key)) return;
  const { isValid, errorsText } = aslValidator(definition);
  if (!isValid) throw new Error(`State machine definition is invalid:\n${errorsText('\n')}`);
  validDefinitions.add(key);
}

type Visit = (name: string, state: AslState) => void;

function walkStates(def: Pick<AslDefinition, 'States'>, visit: Visit): void {
  for (const [name, state] of Object.entries(def.States)) {
    visit(name, state);
    for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) walkStates(branch, visit);
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) walkStates(processor, visit);
  }
}

/** Reads `$.a.b[0]`-style paths: enough for SecondsPath / TimestampPath in our workflows. */
function readPath(input: unknown, path: string): unknown {
  if (path === '$') return input;
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? [];
  let cur: unknown = input;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function errorCause(err: unknown): string {
  if (err instanceof Error) {
    return JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') });
  }
  return JSON.stringify({ errorType: 'Error', errorMessage: String(err), trace: [] });
}

function findHandler(
  functionRef: string,
  functions: readonly TemplateFunction[],
  lambdas: Readonly<Record<string, LambdaHandler>>,
): { functionName: string; handler?: LambdaHandler } {
  const name = LAMBDA_ARN.exec(functionRef)?.[1] ?? functionRef;
  const fn = functions.find((f) => f.functionName === name || f.logicalId === name || f.arn === functionRef);
  const keys = [name, fn?.functionName, fn?.logicalId].filter((k): k is string => k !== undefined);
  const key = keys.find((k) => lambdas[k] !== undefined);
  return { functionName: fn?.functionName ?? name, handler: key === undefined ? undefined : lambdas[key] };
}

/**
 * Runs a state machine locally. Resolves with the outcome (a FAILED execution resolves too);
 * rejects with HarnessError when a task has neither a mock nor a handler, or a mock runs out.
 */
export async function runStateMachine(
  sm: Pick<ExtractedStateMachine, 'definition' | 'name'> & Partial<Pick<ExtractedStateMachine, 'functions'>>,
  options: RunOptions,
): Promise<RunResult> {
  const started = performance.now();
  const { definition, name } = sm;
  assertJsonPath(definition, `State machine ${name}`);
  const functions = sm.functions ?? [];
  const lambdas = options.lambdas ?? {};
  const mocks = buildMockTable(options.mocks, name);
  const executionName = options.executionName ?? 'harness-execution';

  const path: string[] = [];
  const lambdaInvocations: LambdaInvocation[] = [];
  const sdkCalls: SdkCall[] = [];
  const retries: Record<string, number> = {};
  const invocationCounts = new Map<string, number>();
  const harnessErrors: HarnessError[] = [];
  const states = new Map<string, AslState>();
  walkStates(definition, (stateName, state) => states.set(stateName, state));

  let virtualSeconds = 0;
  let timedOut: string | undefined;
  let abort: () => void = () => {};

  const fail = (message: string): never => {
    const error = new HarnessError(message);
    harnessErrors.push(error);
    abort();
    throw error;
  };

  const answer = (response: MockedResponse): unknown => {
    if ('Throw' in response) throw new TaskFailure(response.Throw.Error, response.Throw.Cause ?? '');
    return response.Return;
  };

  const withTaskTimeout = async <T>(state: AslState, work: () => Promise<T>): Promise<T> => {
    const seconds = state.TimeoutSeconds;
    if (options.taskTimeoutScale === undefined || typeof seconds !== 'number') return work();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          virtualSeconds += seconds;
          reject(new TaskFailure('States.Timeout', `Task timed out after ${seconds} s (scaled)`));
        },
        seconds * 1000 * (options.taskTimeoutScale as number),
      );
    });
    try {
      return await Promise.race([work(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const runTask = async (stateName: string, state: AslState, input: unknown): Promise<unknown> => {
    const resource = String(state.Resource);
    const index = invocationCounts.get(stateName) ?? 0;
    invocationCounts.set(stateName, index + 1);
    const optimizedLambda = LAMBDA_INVOKE.test(resource);
    const directLambda = LAMBDA_ARN.test(resource);

    if (!optimizedLambda && !directLambda) {
      sdkCalls.push({ state: stateName, resource, parameters: input });
      if (!mocks.has(stateName)) {
        fail(
          `Task state "${stateName}" calls ${resource} but the test case has no mocked response for it. ` +
            'SDK and service integrations never reach AWS here: add a mock for this state.',
        );
      }
      let response: MockedResponse;
      try {
        response = mocks.response(stateName, index);
      } catch (err) {
        return fail((err as Error).message);
      }
      return answer(response);
    }

    const payload = optimizedLambda ? (input as { Payload?: unknown }).Payload : input;
    const functionRef = optimizedLambda ? String((input as { FunctionName?: unknown }).FunctionName) : resource;
    const { functionName, handler } = findHandler(functionRef, functions, lambdas);
    const record = (entry: Omit<LambdaInvocation, 'state' | 'functionName' | 'payload'>): void => {
      lambdaInvocations.push({ state: stateName, functionName, payload, ...entry });
    };

    if (mocks.has(stateName)) {
      let response: MockedResponse;
      try {
        response = mocks.response(stateName, index);
      } catch (err) {
        return fail((err as Error).message);
      }
      if ('Throw' in response) {
        record({ error: { Error: response.Throw.Error, Cause: response.Throw.Cause ?? '' }, mocked: true });
      } else {
        record({ result: response.Return, mocked: true });
      }
      return answer(response);
    }
    if (!handler) {
      const known = functions.map((f) => `${f.functionName} (${f.logicalId})`).join(', ') || 'none';
      return fail(
        `Task state "${stateName}" invokes Lambda function "${functionName}" but no handler was given in ` +
          `\`lambdas\` and the state is not mocked. Functions in the template: ${known}`,
      );
    }
    let result: unknown;
    try {
      result = await withTaskTimeout(state, async () => handler(structuredClone(payload ?? {}), {}));
    } catch (err) {
      if (err instanceof TaskFailure) throw err;
      // What Lambda reports for an unhandled error: errorType = error.name, Cause = the JSON it logs.
      const errorName = err instanceof Error ? err.name : 'Error';
      const cause = errorCause(err);
      record({ error: { Error: errorName, Cause: cause }, mocked: false });
      throw new TaskFailure(errorName, cause);
    }
    // Lambda serializes the result: undefined becomes null, class instances become plain JSON.
    const json = result === undefined ? null : JSON.parse(JSON.stringify(result));
    record({ result: json, mocked: false });
    if (!optimizedLambda) return json;
    return {
      ExecutedVersion: '$LATEST',
      Payload: json,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: `harness-${stateName}-${index}` },
      StatusCode: 200,
    };
  };

  const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, state] of states) {
    if (state.Type === 'Task') {
      taskResourceLocalHandlers[stateName] = (input) => runTask(stateName, state, input);
    }
    if (state.Type === 'Wait') {
      const seconds = typeof state.Seconds === 'number' ? state.Seconds : undefined;
      waitTimeOverrides[stateName] =
        options.waitTimeScale !== undefined && seconds !== undefined ? seconds * 1000 * options.waitTimeScale : 1;
    }
    if (Array.isArray(state.Retry)) retryIntervalOverrides[stateName] = 0;
  }

  // The overall timeout runs on the virtual clock (below): the engine must not arm a wall-clock one.
  const { TimeoutSeconds: timeoutSeconds, ...engineDefinition } = definition;
  const startTime = new Date();
  // Validated once above with asl-validator (cached); the engine's own pass would redo it every run.
  validateDefinition(definition);
  const machine = new StateMachine(engineDefinition as never, { validationOptions: { noValidate: true } });
  const execution = machine.run(structuredClone(input(options)) as never, {
    overrides: {
      taskResourceLocalHandlers: taskResourceLocalHandlers as never,
      waitTimeOverrides,
      retryIntervalOverrides,
    },
    noThrowOnAbort: true,
    context: {
      Execution: {
        Id: `arn:aws:states:${FAKE_REGION}:${FAKE_ACCOUNT}:execution:${name}:${executionName}`,
        Name: executionName,
        RoleArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/${name}-role`,
      },
      StateMachine: { Id: `arn:aws:states:${FAKE_REGION}:${FAKE_ACCOUNT}:stateMachine:${name}`, Name: name },
    },
  });
  abort = execution.abort;

  const advanceClock = (seconds: number): void => {
    virtualSeconds += seconds;
    if (timeoutSeconds !== undefined && timedOut === undefined && virtualSeconds > timeoutSeconds) {
      timedOut = `Execution exceeded TimeoutSeconds=${timeoutSeconds} (virtual clock at ${virtualSeconds} s)`;
      execution.abort();
    }
  };

  // Events are delivered on microtasks, before the Wait's (>= 1 ms) timer fires: an abort issued
  // here lands while the execution sits in that Wait, as the real timeout would.
  const consumeEvents = (async () => {
    for await (const event of execution.eventLogs) {
      if (timedOut !== undefined || harnessErrors.length > 0) continue;
      if (event.type === 'StateEntered') {
        path.push(event.state.name);
        if (event.state.type === 'Wait') {
          const state = states.get(event.state.name) ?? ({} as AslState);
          advanceClock(waitSeconds(state, event.state.input, startTime, virtualSeconds));
        }
      } else if (event.type === 'StateRetried') {
        retries[event.state.name] = (retries[event.state.name] ?? 0) + 1;
        const r = event.retry.retrier;
        const interval = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** (event.retry.attempt - 1);
        advanceClock(r.MaxDelaySeconds === undefined ? interval : Math.min(interval, r.MaxDelaySeconds));
      }
    }
  })();

  let status: RunResult['status'] = 'SUCCEEDED';
  let output: unknown;
  let error: string | undefined;
  let cause: string | undefined;
  try {
    output = await execution.result;
  } catch (err) {
    if (err instanceof ExecutionError) {
      status = 'FAILED';
      const inner = (err as Error & { cause?: unknown }).cause;
      error = inner instanceof Error ? inner.name : 'States.Runtime';
      cause = inner instanceof Error ? inner.message : String(inner);
    } else if (err instanceof ExecutionTimeoutError) {
      status = 'TIMED_OUT';
      error = 'States.Timeout';
    } else if (err instanceof ExecutionAbortedError) {
      status = 'ABORTED';
    } else {
      throw err;
    }
  }
  await consumeEvents;
  const [harnessError] = harnessErrors;
  if (harnessError) throw harnessError;
  if (timedOut !== undefined) {
    status = 'TIMED_OUT';
    output = undefined;
    error = 'States.Timeout';
    cause = timedOut;
  }
  return {
    status,
    output: status === 'SUCCEEDED' ? output : undefined,
    error,
    cause,
    path,
    transitions: path.length,
    lambdaInvocations,
    sdkCalls,
    retries,
    virtualSeconds,
    durationMs: performance.now() - started,
  };
}

function input(options: RunOptions): unknown {
  return options.input ?? {};
}

/** Seconds a Wait state would pause on AWS, from its definition and its input. */
function waitSeconds(state: AslState, stateInput: unknown, startTime: Date, elapsed: number): number {
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (typeof state.SecondsPath === 'string') return Number(readPath(stateInput, state.SecondsPath)) || 0;
  const timestamp =
    typeof state.Timestamp === 'string'
      ? state.Timestamp
      : typeof state.TimestampPath === 'string'
        ? String(readPath(stateInput, state.TimestampPath))
        : undefined;
  if (timestamp === undefined) return 0;
  const now = startTime.getTime() + elapsed * 1000;
  return Math.max(0, (Date.parse(timestamp) - now) / 1000);
}
