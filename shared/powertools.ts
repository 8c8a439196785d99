/**
 * The one Logger, Metrics and Tracer of a function. Powertools reads its own variables
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_DISABLED, ...) when these are
 * constructed, once per cold start. Environment and workflow are NOT fixed here: the handler chain
 * (shared/middleware.ts) adds them to each invocation's log keys and metric dimensions from the
 * function's validated settings, so one container never carries a previous invocation's workflow.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { names } from './naming.js';

/** Service name when POWERTOOLS_SERVICE_NAME is unset (the CLI, tests); the construct sets the function's name. */
const DEFAULT_SERVICE_NAME = 'interactions-automation';
const serviceName = process.env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE_NAME;

/** Structured JSON logger. */
export const logger = new Logger({ serviceName });

/** EMF metrics in the `Interactions/Automation` namespace. */
export const metrics = new Metrics({ namespace: names.metricsNamespace, serviceName });

/** X-Ray tracer; inactive outside Lambda (tests, the CLI), where it does nothing. */
export const tracer = new Tracer({ serviceName });
