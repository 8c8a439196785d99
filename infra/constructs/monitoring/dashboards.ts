/**
 * The seed's three CloudWatch dashboards: operations (infrastructure health), application
 * (performance and errors as users see them) and database (PostgreSQL in detail).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { names } from '../../../shared/naming.js';
import type { EnvironmentName } from '../../config/index.js';
import type { ServiceName } from './alarms.js';
import { cacheNodeMetric, storageUsedPercent } from './metrics.js';

/**
 * Metrics the application itself publishes (EMF or PutMetricData), dimensioned by
 * `Environment=<env>`: the backend emits one `AuthenticationSuccess` / `AuthenticationFailure`
 * (Count) per login attempt and `SearchLatency` (Milliseconds) per search or list query.
 * AWS cannot see these, so the application dashboard reads them from this namespace.
 */
export const APPLICATION_METRICS = {
  namespace: 'Interactions/Application',
  environmentDimension: 'Environment',
  authenticationSuccess: 'AuthenticationSuccess',
  authenticationFailure: 'AuthenticationFailure',
  searchLatency: 'SearchLatency',
} as const;

const SERVICES: readonly ServiceName[] = ['frontend', 'backend'];
const WIDTH = 8;
const HEIGHT = 6;

/** Props of {@link PlatformDashboards}. */
export interface PlatformDashboardsProps {
  /** Environment shown; it names the dashboards and filters the application metrics. */
  readonly envName: EnvironmentName;
  /** The PostgreSQL instance. */
  readonly database: rds.IDatabaseInstance;
  /** Allocated storage of the instance, the denominator of the storage-used percentage. */
  readonly databaseAllocatedStorageGiB: number;
  /**
   * The parameter group's `max_connections`, drawn as a line on the connections graph.
   * @default no line: the graph shows connections alone
   */
  readonly databaseMaxConnections?: number;
  /** Member cluster ids of the cache replication group, one per node. */
  readonly cacheNodeIds: readonly string[];
  /** The public load balancer. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Target group of each service. */
  readonly targetGroups: Record<ServiceName, elbv2.IApplicationTargetGroup>;
  /** The ECS services. */
  readonly services: Record<ServiceName, ecs.FargateService>;
  /** Alarms shown in the application dashboard's alarm status widget. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** Dashboards `interactions-<env>-operations`, `-application` and `-database`. */
export class PlatformDashboards extends Construct {
  /** Infrastructure health and resource utilization. */
  readonly operations: cloudwatch.Dashboard;
  /** Application performance, errors, authentication and search. */
  readonly application: cloudwatch.Dashboard;
  /** Query performance, connections, slow queries and storage. */
  readonly database: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardsProps) {
    super(scope, id);
    const prefix = names.prefix(props.envName);
    this.operations = new cloudwatch.Dashboard(this, 'Operations', { dashboardName: `${prefix}-operations` });
    this.application = new cloudwatch.Dashboard(this, 'Application', { dashboardName: `${prefix}-application` });
    this.database = new cloudwatch.Dashboard(this, 'Database', { dashboardName: `${prefix}-database` });

    this.operations.addWidgets(...operationsWidgets(props));
    this.application.addWidgets(...applicationWidgets(props));
    this.database.addWidgets(...databaseWidgets(props));
  }
}

function graph(title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) {
  return new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...extra });
}

const PERCENT_AXIS: cloudwatch.YAxisProps = { min: 0, max: 100, label: '%', showUnits: false };

function operationsWidgets(props: PlatformDashboardsProps): cloudwatch.IWidget[] {
  const { services, database, loadBalancer, cacheNodeIds } = props;
  const containerInsights = (service: ServiceName, metricName: string) =>
    new cloudwatch.Metric({
      // Task counts come from Container Insights on the cluster; AWS/ECS only has CPU and memory.
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: {
        ClusterName: services[service].cluster.clusterName,
        ServiceName: services[service].serviceName,
      },
      statistic: 'Average',
      label: `${service} ${metricName === 'RunningTaskCount' ? 'running' : 'desired'}`,
    });
  const cache = cacheNodeMetric;
  const nodeLabel = (i: number) => `node ${String(i + 1).padStart(3, '0')}`;

  return [
    new cloudwatch.TextWidget({
      markdown: `# ${props.envName}: operations\nECS services, RDS, ElastiCache and the load balancer.`,
      width: 24,
      height: 2,
    }),
    graph(
      'ECS tasks: running vs desired',
      SERVICES.flatMap((s) => [containerInsights(s, 'RunningTaskCount'), containerInsights(s, 'DesiredTaskCount')]),
    ),
    // Steps in the desired count are the auto scaling events.
    graph(
      'ECS scaling events (desired task count)',
      SERVICES.map((s) => containerInsights(s, 'DesiredTaskCount')),
    ),
    graph(
      'ECS CPU utilization (%)',
      SERVICES.map((s) => services[s].metricCpuUtilization({ label: s })),
      { leftYAxis: PERCENT_AXIS },
    ),
    graph(
      'ECS memory utilization (%)',
      SERVICES.map((s) => services[s].metricMemoryUtilization({ label: s })),
      { leftYAxis: PERCENT_AXIS },
    ),
    graph('RDS CPU utilization (%)', [database.metricCPUUtilization()], { leftYAxis: PERCENT_AXIS }),
    graph('RDS freeable memory (bytes)', [database.metricFreeableMemory()]),
    graph('RDS connections', [database.metricDatabaseConnections()]),
    graph(
      'ElastiCache engine CPU (%)',
      cacheNodeIds.map((id, i) => cache('EngineCPUUtilization', id).with({ label: nodeLabel(i) })),
      { leftYAxis: PERCENT_AXIS },
    ),
    graph(
      'ElastiCache memory used (%)',
      cacheNodeIds.map((id, i) => cache('DatabaseMemoryUsagePercentage', id).with({ label: nodeLabel(i) })),
      { leftYAxis: PERCENT_AXIS },
    ),
    graph(
      'ElastiCache hit rate (%)',
      cacheNodeIds.map(
        (id, i) =>
          new cloudwatch.MathExpression({
            expression: `100 * hits${i} / (hits${i} + misses${i})`,
            usingMetrics: {
              [`hits${i}`]: cache('CacheHits', id, 'Sum'),
              [`misses${i}`]: cache('CacheMisses', id, 'Sum'),
            },
            label: nodeLabel(i),
          }),
      ),
      { leftYAxis: PERCENT_AXIS },
    ),
    graph('ALB request count', [loadBalancer.metrics.requestCount({ statistic: 'Sum' })]),
    graph('ALB target response time (p50/p99)', [
      loadBalancer.metrics.targetResponseTime({ statistic: 'p50', label: 'p50' }),
      loadBalancer.metrics.targetResponseTime({ statistic: 'p99', label: 'p99' }),
    ]),
    graph('ALB 5xx errors', [
      loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
        statistic: 'Sum',
        label: 'load balancer 5xx',
      }),
      loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
        statistic: 'Sum',
        label: 'target 5xx',
      }),
    ]),
  ];
}

function applicationWidgets(props: PlatformDashboardsProps): cloudwatch.IWidget[] {
  const { targetGroups } = props;
  const backend = targetGroups.backend.metrics;
  const app = (metricName: string, statistic: string, label: string) =>
    new cloudwatch.Metric({
      namespace: APPLICATION_METRICS.namespace,
      metricName,
      dimensionsMap: { [APPLICATION_METRICS.environmentDimension]: props.envName },
      statistic,
      label,
    });
  const errorRate = (service: ServiceName, code: elbv2.HttpCodeTarget, kind: '4xx' | '5xx') =>
    new cloudwatch.MathExpression({
      expression: `100 * FILL(e${kind}_${service}, 0) / requests_${service}`,
      usingMetrics: {
        [`e${kind}_${service}`]: targetGroups[service].metrics.httpCodeTarget(code, { statistic: 'Sum' }),
        [`requests_${service}`]: targetGroups[service].metrics.requestCount({ statistic: 'Sum' }),
      },
      label: `${service} ${kind}`,
    });

  return [
    new cloudwatch.TextWidget({
      markdown: `# ${props.envName}: application\nAuthentication and search metrics are published by the backend in the \`${APPLICATION_METRICS.namespace}\` namespace.`,
      width: 24,
      height: 2,
    }),
    graph('API response time (backend p50/p90/p99)', [
      backend.targetResponseTime({ statistic: 'p50', label: 'p50' }),
      backend.targetResponseTime({ statistic: 'p90', label: 'p90' }),
      backend.targetResponseTime({ statistic: 'p99', label: 'p99' }),
    ]),
    graph('API request count (backend)', [backend.requestCount({ statistic: 'Sum', label: 'requests' })]),
    graph(
      'Error rates by service (4xx/5xx %)',
      SERVICES.flatMap((s) => [
        errorRate(s, elbv2.HttpCodeTarget.TARGET_4XX_COUNT, '4xx'),
        errorRate(s, elbv2.HttpCodeTarget.TARGET_5XX_COUNT, '5xx'),
      ]),
      { leftYAxis: { min: 0, label: '%', showUnits: false } },
    ),
    graph('User authentication (success/failure)', [
      app(APPLICATION_METRICS.authenticationSuccess, 'Sum', 'success'),
      app(APPLICATION_METRICS.authenticationFailure, 'Sum', 'failure'),
    ]),
    graph('Search/query latency (p50/p99, ms)', [
      app(APPLICATION_METRICS.searchLatency, 'p50', 'p50'),
      app(APPLICATION_METRICS.searchLatency, 'p99', 'p99'),
    ]),
    new cloudwatch.AlarmStatusWidget({
      title: 'Alarm status',
      alarms: [...props.alarms],
      sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      width: WIDTH,
      height: HEIGHT,
    }),
  ];
}

/**
 * PostgreSQL writes `duration: <ms> ms  statement: <sql>` for every statement slower than
 * `log_min_duration_statement`; this lists the slowest of the dashboard's time range.
 */
export const SLOW_QUERY_INSIGHTS = [
  'fields @timestamp, @message',
  'filter @message like /duration: [0-9.]+ ms/',
  'parse @message /duration: (?<durationMs>[0-9.]+) ms\\s+(?<statement>.*)/',
  'sort durationMs desc',
  'limit 50',
];

function databaseWidgets(props: PlatformDashboardsProps): cloudwatch.IWidget[] {
  const { database } = props;
  const connections = graph('Connection utilization', [database.metricDatabaseConnections({ label: 'connections' })], {
    leftAnnotations:
      props.databaseMaxConnections === undefined
        ? undefined
        : [{ value: props.databaseMaxConnections, label: 'max_connections', color: '#d62728' }],
    leftYAxis: { min: 0 },
  });
  return [
    new cloudwatch.TextWidget({
      markdown: `# ${props.envName}: database\nPostgreSQL instance \`${database.instanceIdentifier}\`.`,
      width: 24,
      height: 2,
    }),
    graph('Query latency (read/write)', [
      database.metric('ReadLatency', { statistic: 'Average', label: 'read' }),
      database.metric('WriteLatency', { statistic: 'Average', label: 'write' }),
    ]),
    graph('Query throughput (read/write IOPS)', [
      database.metricReadIOPS({ label: 'read' }),
      database.metricWriteIOPS({ label: 'write' }),
    ]),
    connections,
    new cloudwatch.LogQueryWidget({
      title: 'Slow queries',
      logGroupNames: [names.rdsLogGroup(database.instanceIdentifier)],
      queryLines: SLOW_QUERY_INSIGHTS,
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width: 24,
      height: HEIGHT,
    }),
    graph('Storage: free space (bytes)', [database.metricFreeStorageSpace({ statistic: 'Minimum', label: 'free' })]),
    graph(
      'Storage used (%)',
      [storageUsedPercent(database, props.databaseAllocatedStorageGiB).with({ label: 'used' })],
      { leftYAxis: PERCENT_AXIS },
    ),
  ];
}
