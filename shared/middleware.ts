/**
 * THE middy chain of every automation function. A handler file only declares its input schema and
 * a thin function; this wrapper does the rest, in this order:
 *   1. tracer segment, logger Lambda context and metrics flushing (Powertools middlewares);
 *   2. correlation: the Step Functions execution name (`execution` in the input) and workflow go
 *      into every log line, the metrics' metadata and the trace annotations;
 *   3. the input is parsed with the zod schema before the handler runs: a malformed event fails
 *      with ValidationError naming every bad field, before any AWS call;
 *   4. outcomes are counted; errors are classified (SDK throttling -> RetryableError, ...), logged once and re-thrown so
 *      the state machine's Retry/Catch routes on their name.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { AutomationError, classifyError, ValidationError } from './errors.js';
import type { WorkflowName } from './naming.js';
import { defaultDimensions, logger, metrics, tracer } from './powertools.js';
import { workflowSchema } from './schemas.js';
import * as z from './zod.js';

/** What a function declares: its input schema and the logic that turns parsed input into output. */
export interface AutomationHandlerOptions<Schema extends z.core.$ZodType, Output> {
  /** Workflow the function belongs to; @default the input's `workflow` field, else the WORKFLOW variable. */
  readonly workflow?: WorkflowName;
  /** Input schema, checked before the handler runs. */
  readonly schema: Schema;
  /** The function's logic; receives the parsed input. */
  readonly handler: (input: z.infer<Schema>, context: Context) => Promise<Output>;
}

/** The Lambda entry point: takes the raw event, resolves with the handler's output. */
export type AutomationLambdaHandler<Output> = (event: unknown, context: Context) => Promise<Output>;

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

/** Correlation ids from the raw event: done before validation so even a rejected event is traceable. */
function correlation(workflow: WorkflowName | undefined): MiddlewareObj<unknown, unknown, Error, Context> {
  // Default dimensions persist across invocations: only touch them when the workflow changes.
  let dimensionWorkflow = defaultDimensions.workflow;
  return {
    before: (request) => {
      const execution = stringField(request.event, 'execution');
      const eventWorkflow = workflowSchema.safeParse(stringField(request.event, 'workflow'));
      const resolved = workflow ?? (eventWorkflow.success ? eventWorkflow.data : defaultDimensions.workflow);
      if (resolved !== undefined) {
        logger.appendKeys({ workflow: resolved });
        if (resolved !== dimensionWorkflow) {
          metrics.setDefaultDimensions({ workflow: resolved });
          dimensionWorkflow = resolved;
        }
        tracer.putAnnotation('workflow', resolved);
      }
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
function outcome(): MiddlewareObj<unknown, unknown, Error, Context> {
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

/** Wraps a function's logic in the shared chain (see the module comment). */
export function automationHandler<Schema extends z.core.$ZodType, Output>(
  options: AutomationHandlerOptions<Schema, Output>,
): AutomationLambdaHandler<Output> {
  const { schema, handler, workflow } = options;
  const chain = middy<unknown, Output, Error, Context>(async (event: unknown, context: Context) =>
    handler(parseInput(schema, event), context),
  )
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(correlation(workflow))
    .use(outcome());
  return (event, context) => chain(event, context);
}
