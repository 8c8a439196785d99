/**
 * THE middy chain of every automation function. A handler file declares its input schema, the
 * variables it needs, the clients it uses and a thin function; this wrapper does the rest, in this order:
 *   1. tracer segment, logger Lambda context and metrics flushing (Powertools middlewares);
 *   2. correlation: the function's environment, the workflow and the Step Functions execution name
 *      (`execution` in the input) go into every log line, this invocation's metric dimensions and
 *      the trace annotations;
 *   3. the function's own middlewares (idempotency, secrets), in the order given;
 *   4. the input is parsed with the zod schema before the handler runs: a malformed event fails
 *      with ValidationError naming every bad field, before any AWS call;
 *   5. outcomes are counted; errors are classified (SDK throttling -> RetryableError, ...), logged
 *      once and re-thrown so the state machine's Retry/Catch routes on their name.
 *
 * Dependencies are injected: the handler receives its validated settings, its clients and a clock.
 * The Lambda entry builds them from `process.env` on its first invocation; tests call
 * `createHandler({ env, clients, clock })` and never touch `process.env` or import dynamically.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { AutomationError, classifyError, ValidationError } from './errors.js';
import type { WorkflowName } from './naming.js';
import { logger, metrics, tracer } from './powertools.js';
import { workflowSchema } from './schemas.js';
import { type BaseSettings, baseSettingsShape, defineSettings, type EnvSource } from './settings.js';
import * as z from './zod.js';

/** The current time; injected so tests fix it. */
export type Clock = () => Date;

/** The base settings plus the function's own variables. */
export type HandlerSettings<Shape extends z.core.$ZodShape> = BaseSettings & z.infer<z.ZodMiniObject<Shape>>;

/** What the handler receives next to its parsed input. */
export interface HandlerTools<Settings, Clients> {
  /** The function's validated variables: its identity (environment, region) for every safety decision. */
  readonly settings: Settings;
  /** The AWS clients (or getters) the function's `clients` factory returned, or the test's. */
  readonly clients: Clients;
  /** The current time. */
  readonly clock: Clock;
  /** The Lambda context. */
  readonly context: Context;
}

/** A middy middleware of the chain (it sees the raw event). */
export type AutomationMiddleware = MiddlewareObj<unknown, unknown, Error, Context>;

/** What a function declares. */
export interface AutomationHandlerOptions<
  Schema extends z.core.$ZodType,
  Shape extends z.core.$ZodShape,
  Clients,
  Output,
> {
  /** Workflow the function belongs to; @default the input's `workflow` field, else the WORKFLOW variable. */
  readonly workflow?: WorkflowName;
  /** Input schema, checked before the handler runs. */
  readonly schema: Schema;
  /** Variables beyond the base ones (ENVIRONMENT, WORKFLOW, AWS_REGION). @default none */
  readonly settings?: Shape;
  /** Extra middy middlewares (idempotency, secrets), run after correlation and before parsing. @default none */
  readonly middleware?: readonly AutomationMiddleware[];
  /** Builds the function's clients from its settings, once per container. @default no clients */
  readonly clients?: (settings: HandlerSettings<Shape>) => Clients;
  /** The function's logic. */
  readonly handler: (input: z.infer<Schema>, tools: HandlerTools<HandlerSettings<Shape>, Clients>) => Promise<Output>;
}

/** The Lambda entry point: takes the raw event, resolves with the handler's output. */
export type AutomationLambdaHandler<Output> = (event: unknown, context: Context) => Promise<Output>;

/** What a test (or the Lambda entry) builds a handler from. */
export interface HandlerDependencies<Clients> {
  /** Variables to validate as the settings. @default process.env */
  readonly env?: EnvSource;
  /** Clients to use instead of the factory's. @default the `clients` factory's result */
  readonly clients?: Clients;
  /** @default the system clock */
  readonly clock?: Clock;
}

/** What `automationHandler` returns: the Lambda entry and the builder tests use. */
export interface AutomationHandler<Clients, Output> {
  /** The Lambda entry: builds the chain from `process.env` on its first invocation, then reuses it. */
  readonly handler: AutomationLambdaHandler<Output>;
  /** Builds the chain with the given dependencies; throws ConfigurationError when `env` is invalid. */
  readonly createHandler: (dependencies?: HandlerDependencies<Clients>) => AutomationLambdaHandler<Output>;
}

/** Formats zod issues as `path: message`, the root as `(input)`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length === 0 ? '(input)' : issue.path.join('.')}: ${issue.message}`);
}

/** Parses `event` with `schema`, throwing ValidationError that lists every issue. */
export function parseInput<Schema extends z.core.$ZodType>(schema: Schema, event: unknown): z.infer<Schema> {
  const result = z.safeParse(schema, event);
  if (result.success) return result.data;
  const issues = formatIssues(result.error.issues);
  throw new ValidationError(`Invalid input: ${issues.join('; ')}`, { issues, cause: result.error });
}

function stringField(event: unknown, key: string): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const value = (event as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Correlation ids from the raw event, done before validation so even a rejected event is traceable.
 * The dimensions are this invocation's (`addDimensions`, cleared when the metrics are flushed), never
 * default dimensions: a default persists into the next invocation, so a malformed event would be
 * counted under the previous event's workflow, and re-setting it prints "has already been added".
 */
function correlation(settings: BaseSettings, workflow: WorkflowName | undefined): AutomationMiddleware {
  return {
    before: (request) => {
      const execution = stringField(request.event, 'execution');
      const eventWorkflow = workflowSchema.safeParse(stringField(request.event, 'workflow'));
      const resolved = workflow ?? (eventWorkflow.success ? eventWorkflow.data : settings.WORKFLOW);
      const dimensions = {
        environment: settings.ENVIRONMENT,
        ...(resolved === undefined ? {} : { workflow: resolved }),
      };
      logger.appendKeys(dimensions);
      metrics.addDimensions(dimensions);
      tracer.putAnnotation('environment', settings.ENVIRONMENT);
      if (resolved !== undefined) tracer.putAnnotation('workflow', resolved);
      if (execution !== undefined) {
        logger.appendKeys({ execution });
        metrics.addMetadata('execution', execution);
        tracer.putAnnotation('execution', execution);
      }
    },
  };
}

/**
 * Counts outcomes (`TaskSucceeded` / `TaskErrors`), so every invocation publishes at least one metric;
 * classifies and logs an error once, and middy re-throws it after the other onError hooks.
 */
function outcome(): AutomationMiddleware {
  return {
    after: () => {
      metrics.addMetric('TaskSucceeded', 'Count', 1);
    },
    onError: (request) => {
      const classified = classifyError(request.error);
      const error = classified instanceof Error ? classified : new Error(String(classified));
      const retryable = error instanceof AutomationError ? error.retryable : undefined;
      if (error instanceof ValidationError) {
        logger.error('Input rejected', { errorName: error.name, issues: error.issues });
      } else {
        logger.error('Task failed', { errorName: error.name, retryable, error });
      }
      metrics.addMetric('TaskErrors', 'Count', 1);
      // Replacing request.error (not throwing) lets the Powertools onError hooks still run: metrics flushed, keys reset.
      request.error = error;
    },
  };
}

const systemClock: Clock = () => new Date();

/** Wraps a function's logic in the shared chain (see the module comment). */
export function automationHandler<
  Schema extends z.core.$ZodType,
  Output,
  Clients = Record<string, never>,
  Shape extends z.core.$ZodShape = Record<string, never>,
>(options: AutomationHandlerOptions<Schema, Shape, Clients, Output>): AutomationHandler<Clients, Output> {
  const { schema, handler, workflow, middleware = [] } = options;

  const createHandler = (dependencies: HandlerDependencies<Clients> = {}): AutomationLambdaHandler<Output> => {
    const shape = { ...baseSettingsShape, ...options.settings } as typeof baseSettingsShape & Shape;
    const settings = defineSettings(shape, dependencies.env ?? process.env) as HandlerSettings<Shape>;
    const clients = dependencies.clients ?? options.clients?.(settings) ?? ({} as Clients);
    const clock = dependencies.clock ?? systemClock;
    const chain = middy<unknown, Output, Error, Context>(async (event: unknown, context: Context) =>
      handler(parseInput(schema, event), { settings, clients, clock, context }),
    )
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use(correlation(settings, workflow));
    for (const extra of middleware) chain.use(extra);
    chain.use(outcome());
    return (event, context) => chain(event, context);
  };

  let entry: AutomationLambdaHandler<Output> | undefined;
  const lambdaEntry: AutomationLambdaHandler<Output> = (event, context) => {
    try {
      entry ??= createHandler();
    } catch (error) {
      logger.error('Invalid function configuration', { error });
      return Promise.reject(error);
    }
    return entry(event, context);
  };
  return { handler: lambdaEntry, createHandler };
}
