/**
 * The one Logger, Metrics and Tracer of a function. Powertools reads its own variables
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_DISABLED, ...) when these are
 * constructed, once per cold start; environment and workflow come from the validated settings.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { names } from './naming.js';
import { settings } from './settings.js';

/** Dimensions every metric carries: `environment`, plus `workflow` when the function belongs to one. */
export const defaultDimensions: Readonly<Record<string, string>> = {
  environment: settings.ENVIRONMENT,
  ...(settings.WORKFLOW === undefined ? {} : { workflow: settings.WORKFLOW }),
};

/** Structured JSON logger; `environment` is on every line. */
export const logger = new Logger({
  serviceName: settings.POWERTOOLS_SERVICE_NAME,
  persistentKeys: { ...defaultDimensions },
});

/** EMF metrics in the `Interactions/Automation` namespace. */
export const metrics = new Metrics({
  namespace: names.metricsNamespace,
  serviceName: settings.POWERTOOLS_SERVICE_NAME,
  defaultDimensions: { ...defaultDimensions },
});

/** X-Ray tracer; inactive outside Lambda (tests, the CLI), where it does nothing. */
export const tracer = new Tracer({ serviceName: settings.POWERTOOLS_SERVICE_NAME });
