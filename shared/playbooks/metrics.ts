/**
 * The diagnostics playbooks' one CloudWatch read: several metrics over the last minutes in one
 * GetMetricData call, each reduced to its latest and its highest value.
 */
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';

/** One metric to read. */
export interface MetricQuery {
  /** Key of the result, `[a-z][a-zA-Z0-9_]*` (GetMetricData's id rule). */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Average' | 'Maximum' | 'Sum';
}

/** The latest and the highest value over the window; null when the metric had no datapoint. */
export interface MetricSummary {
  readonly latest: number | null;
  readonly max: number | null;
}

/** Reads `queries` over the `minutes` before `now`, one-minute periods. */
export async function readMetrics(
  cloudWatch: CloudWatchClient,
  queries: readonly MetricQuery[],
  now: Date,
  minutes: number,
): Promise<Record<string, MetricSummary>> {
  const result = await cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now.getTime() - minutes * 60_000),
      EndTime: now,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: queries.map((q) => ({
        Id: q.id,
        MetricStat: {
          Metric: {
            Namespace: q.namespace,
            MetricName: q.metricName,
            Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: 60,
          Stat: q.statistic,
        },
      })),
    }),
  );
  const summaries: Record<string, MetricSummary> = {};
  for (const query of queries) {
    const values = result.MetricDataResults?.find((r) => r.Id === query.id)?.Values ?? [];
    summaries[query.id] = { latest: values[0] ?? null, max: values.length === 0 ? null : Math.max(...values) };
  }
  return summaries;
}
