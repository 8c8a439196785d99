/**
 * The monitoring check: each key metric of the dashboards has at least one datapoint in the last
 * minutes. A metric that stopped arriving means a dashboard (and the alarms on it) went blind.
 */
import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CheckOutcome } from '../../shared/probes/check.js';
import * as z from '../../shared/zod.js';

/** A metric the check expects datapoints for. */
export const keyMetricSchema = z.object({
  /** How the finding names it, e.g. "backend CPU". */
  label: z.string().check(z.minLength(1)),
  namespace: z.string().check(z.minLength(1)),
  metricName: z.string().check(z.minLength(1)),
  dimensions: z.record(z.string(), z.string()),
  /** @default 'SampleCount' */
  statistic: z._default(z.string(), 'SampleCount'),
});
export type KeyMetric = z.infer<typeof keyMetricSchema>;

/** GetMetricData query ids: lowercase letter first, then letters, digits, underscores. */
export function queryId(index: number): string {
  return `m${index}`;
}

/** Fails naming every key metric without a datapoint in the window. */
export function evaluateMetrics(
  metrics: readonly KeyMetric[],
  results: readonly MetricDataResult[],
  windowMinutes: number,
): CheckOutcome {
  if (metrics.length === 0) return { status: 'skipped', finding: 'no key metrics configured' };
  const silent = metrics.filter((_, index) => {
    const result = results.find((r) => r.Id === queryId(index));
    return (result?.Values?.length ?? 0) === 0;
  });
  if (silent.length > 0) {
    return {
      status: 'fail',
      finding: `no datapoints in the last ${windowMinutes} min: ${silent.map((m) => m.label).join(', ')}`,
    };
  }
  return { status: 'pass', finding: `${metrics.length} key metrics have datapoints in the last ${windowMinutes} min` };
}
