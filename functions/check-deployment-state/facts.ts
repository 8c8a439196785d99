/**
 * The AWS reads of the deployment-state checks, behind one small interface so the checks are tested
 * with plain data. Every read is read-only and paginated where the API pages.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataResult,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FiringAlarm } from './alarms.js';
import type { TargetGroupHealth } from './load-balancer.js';
import { type KeyMetric, queryId } from './metrics.js';

/** What the checks read from AWS. */
export interface DeploymentFacts {
  /** The services by name (absent from the map: not found). */
  services(cluster: string, serviceNames: readonly string[], signal: AbortSignal): Promise<Map<string, Service>>;
  /** Container images of a task definition. */
  taskDefinitionImages(taskDefinition: string, signal: AbortSignal): Promise<string[]>;
  /** Target health of each target group. */
  targetHealth(targetGroupArns: readonly string[], signal: AbortSignal): Promise<TargetGroupHealth[]>;
  /** Metric and composite alarms named `prefix*` in ALARM. */
  firingAlarms(prefix: string, signal: AbortSignal): Promise<FiringAlarm[]>;
  /** One Sum-or-statistic series per key metric over the last `windowMinutes` (ids from `queryId`). */
  metricData(
    metrics: readonly KeyMetric[],
    windowMinutes: number,
    now: Date,
    signal: AbortSignal,
  ): Promise<MetricDataResult[]>;
}

/** DeploymentFacts over the SDK v3 clients. */
export function sdkDeploymentFacts(
  ecs: ECSClient,
  elbv2: ElasticLoadBalancingV2Client,
  cloudWatch: CloudWatchClient,
): DeploymentFacts {
  return {
    async services(cluster, serviceNames, signal) {
      const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [...serviceNames] }), {
        abortSignal: signal,
      });
      return new Map((out.services ?? []).map((s) => [s.serviceName ?? '', s]));
    },
    async taskDefinitionImages(taskDefinition, signal) {
      const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }), { abortSignal: signal });
      return (out.taskDefinition?.containerDefinitions ?? []).flatMap((c) => (c.image === undefined ? [] : [c.image]));
    },
    async targetHealth(targetGroupArns, signal) {
      return Promise.all(
        targetGroupArns.map(async (targetGroupArn) => {
          const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), {
            abortSignal: signal,
          });
          return { targetGroupArn, targets: out.TargetHealthDescriptions ?? [] };
        }),
      );
    },
    async firingAlarms(prefix, signal) {
      const firing: FiringAlarm[] = [];
      const pages = paginateDescribeAlarms(
        { client: cloudWatch, pageSize: 100 },
        { AlarmNamePrefix: prefix, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      );
      for await (const page of pages) {
        // The paginator takes no abort signal: stop between pages once the check has timed out.
        if (signal.aborted) break;
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          firing.push({ name: alarm.AlarmName ?? '?', reason: alarm.StateReason });
        }
      }
      return firing;
    },
    async metricData(metrics, windowMinutes, now, signal) {
      const out = await cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now.getTime() - windowMinutes * 60_000),
          EndTime: now,
          MetricDataQueries: metrics.map((metric, index) => ({
            Id: queryId(index),
            Label: metric.label,
            MetricStat: {
              Metric: {
                Namespace: metric.namespace,
                MetricName: metric.metricName,
                Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
              },
              Period: 60,
              Stat: metric.statistic,
            },
          })),
        }),
        { abortSignal: signal },
      );
      return out.MetricDataResults ?? [];
    },
  };
}
