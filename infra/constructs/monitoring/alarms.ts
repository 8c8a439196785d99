/**
 * The seed's "Alert Configuration" table as CloudWatch alarms. Every threshold, duration and
 * severity comes from `MonitoringConfig['alarms']`; this file only knows which metric each rule
 * watches and how a gap in that metric should be read.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { names } from '../../../shared/naming.js';
import type { AlarmRule, EnvironmentName, MonitoringConfig, Severity } from '../../config/index.js';
import { evaluationWindow } from './evaluation-window.js';
import { cacheNodeIds, cacheNodeMetric, storageUsedPercent } from './metrics.js';

/** The alarm rules of the config, by key. */
export type AlarmKey = keyof MonitoringConfig['alarms'];

/** The ECS services the platform runs, each behind its own target group. */
export type ServiceName = 'frontend' | 'backend';

/** Props of {@link PlatformAlarms}. */
export interface PlatformAlarmsProps {
  /** Environment the alarms watch; it prefixes their names. */
  readonly envName: EnvironmentName;
  /** Threshold, duration and severity of each alarm. */
  readonly rules: MonitoringConfig['alarms'];
  /** Where each severity notifies, for both ALARM and OK transitions. */
  readonly topics: Record<Severity, sns.ITopic>;
  /** The PostgreSQL instance (CPU and storage alarms). */
  readonly database: rds.IDatabaseInstance;
  /** Allocated storage of the instance, the denominator of the storage-used percentage. */
  readonly databaseAllocatedStorageGiB: number;
  /** Replication group whose member clusters the memory alarms watch. */
  readonly cacheReplicationGroupId: string;
  /** Number of cache nodes (member clusters) in the replication group. */
  readonly cacheNodeCount: number;
  /** The public load balancer (ALB 5xx rate). */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Target group of each service (API error rate on the backend, target health on both). */
  readonly targetGroups: Record<ServiceName, elbv2.IApplicationTargetGroup>;
  /**
   * Blue/green: the second target group of each service. Production traffic moves between a
   * service's two groups with every deployment, so its alarms sum the counts of both.
   * @default none (rolling deployments): each service's alarms read its one target group
   */
  readonly alternateTargetGroups?: Record<ServiceName, elbv2.IApplicationTargetGroup>;
}

/** Every alarm of the seed's alert table, each notifying the topic of its configured severity. */
export class PlatformAlarms extends Construct {
  /** The alarms of each config rule (several for per-service and per-node rules). */
  readonly alarms: Record<AlarmKey, cloudwatch.Alarm[]>;

  private readonly props: PlatformAlarmsProps;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    this.props = props;
    const { rules, loadBalancer, database } = props;
    const nodes = cacheNodeIds(props.cacheReplicationGroupId, props.cacheNodeCount);
    const lb = loadBalancer.metrics;

    this.alarms = {
      apiErrorRatePercent: [
        this.alarm('ApiErrorRate', {
          name: 'api-error-rate',
          rule: rules.apiErrorRatePercent,
          description: 'Backend 5xx responses as a percentage of backend requests',
          metric: this.apiErrorRate(),
          comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // No requests means no errors, not an unknown state.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ],
      databaseCpuPercent: [
        this.alarm('DatabaseCpu', {
          name: 'database-cpu',
          rule: rules.databaseCpuPercent,
          description: 'RDS CPU utilization',
          metric: database.metricCPUUtilization({ statistic: 'Average' }),
          comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // A gap means the instance is not reporting (reboot, stopped dev instance): show
          // INSUFFICIENT_DATA instead of guessing a CPU verdict; availability is watched elsewhere.
          treatMissingData: cloudwatch.TreatMissingData.MISSING,
        }),
      ],
      ecsHealthyTasksPercent: (['frontend', 'backend'] as const).map((service) =>
        this.alarm(`${pascal(service)}HealthyTasks`, {
          name: `ecs-${service}-healthy-tasks`,
          rule: rules.ecsHealthyTasksPercent,
          description: `Healthy ${service} tasks as a percentage of the tasks registered with its target group`,
          metric: this.healthyTasks(service),
          comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          // No datapoint means no target reported at all (every task gone, 0/0): the worst case.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          instantPeriodMinutes: 1,
        }),
      ),
      cacheMemoryPercent: nodes.map((node, i) =>
        this.cacheMemoryAlarm('CacheMemory', '', rules.cacheMemoryPercent, node, i),
      ),
      cacheMemoryWarningPercent: nodes.map((node, i) =>
        this.cacheMemoryAlarm('CacheMemoryWarning', '-warning', rules.cacheMemoryWarningPercent, node, i),
      ),
      cacheMemoryCriticalPercent: nodes.map((node, i) =>
        this.cacheMemoryAlarm('CacheMemoryCritical', '-critical', rules.cacheMemoryCriticalPercent, node, i),
      ),
      rdsStoragePercent: [
        this.alarm('RdsStorage', {
          name: 'rds-storage',
          rule: rules.rdsStoragePercent,
          description: `RDS storage used, as a percentage of the ${props.databaseAllocatedStorageGiB} GiB allocated`,
          metric: storageUsedPercent(database, props.databaseAllocatedStorageGiB),
          comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // Used storage does not change during a reporting gap: keep the last verdict.
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
          // Storage fills slowly; one five-minute datapoint is plenty and avoids flapping.
          instantPeriodMinutes: 5,
        }),
      ],
      alb5xxPercent: [
        this.alarm('Alb5xxRate', {
          name: 'alb-5xx-rate',
          rule: rules.alb5xxPercent,
          description: 'Load balancer 5xx responses as a percentage of all requests',
          metric: new cloudwatch.MathExpression({
            expression: '100 * FILL(errors, 0) / requests',
            usingMetrics: {
              errors: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
              requests: lb.requestCount({ statistic: 'Sum' }),
            },
            label: 'ALB 5xx %',
          }),
          comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // No requests means no errors.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ],
    };
  }

  /** Every alarm, flattened (for the alarm status widget). */
  get all(): cloudwatch.Alarm[] {
    return Object.values(this.alarms).flat();
  }

  /** Backend 5xx as a percentage of backend requests, over both target groups with blue/green. */
  private apiErrorRate(): cloudwatch.MathExpression {
    const groups = this.groupsOf('backend');
    const label = 'Backend 5xx %';
    const errors = (group: elbv2.IApplicationTargetGroup) =>
      group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' });
    const requests = (group: elbv2.IApplicationTargetGroup) => group.metrics.requestCount({ statistic: 'Sum' });
    const [primary, alternate] = groups;
    if (alternate === undefined) {
      return new cloudwatch.MathExpression({
        // A minute with requests but no 5xx has no 5xx datapoint: FILL makes it 0 %.
        expression: '100 * FILL(errors, 0) / requests',
        usingMetrics: { errors: errors(primary), requests: requests(primary) },
        label,
      });
    }
    // The percentage of the summed counts, not a sum of percentages. A group without traffic has no
    // datapoints: FILL makes its counts 0; no requests in either group leaves no datapoint (0 / 0).
    return new cloudwatch.MathExpression({
      expression: '100 * (FILL(errors, 0) + FILL(errorsAlt, 0)) / (FILL(requests, 0) + FILL(requestsAlt, 0))',
      usingMetrics: {
        errors: errors(primary),
        errorsAlt: errors(alternate),
        requests: requests(primary),
        requestsAlt: requests(alternate),
      },
      label,
    });
  }

  /** Healthy tasks as a percentage of registered ones, over both target groups with blue/green. */
  private healthyTasks(service: ServiceName): cloudwatch.MathExpression {
    const [primary, alternate] = this.groupsOf(service);
    const label = `Healthy ${service} tasks %`;
    const healthy = (group: elbv2.IApplicationTargetGroup) => group.metrics.healthyHostCount({ statistic: 'Average' });
    const unhealthy = (group: elbv2.IApplicationTargetGroup) =>
      group.metrics.unhealthyHostCount({ statistic: 'Average' });
    if (alternate === undefined) {
      return new cloudwatch.MathExpression({
        expression: '100 * healthy / (healthy + FILL(unhealthy, 0))',
        usingMetrics: { healthy: healthy(primary), unhealthy: unhealthy(primary) },
        label,
      });
    }
    // After a deployment the tasks are in whichever group production moved to, the other one is
    // empty: FILL counts a silent group as 0. Neither group reporting leaves no datapoint (0 / 0),
    // which the alarm still reads as breaching.
    const healthySum = '(FILL(healthy, 0) + FILL(healthyAlt, 0))';
    return new cloudwatch.MathExpression({
      expression: `100 * ${healthySum} / (${healthySum} + FILL(unhealthy, 0) + FILL(unhealthyAlt, 0))`,
      usingMetrics: {
        healthy: healthy(primary),
        healthyAlt: healthy(alternate),
        unhealthy: unhealthy(primary),
        unhealthyAlt: unhealthy(alternate),
      },
      label,
    });
  }

  /** The service's target group, then its alternate one with blue/green. */
  private groupsOf(service: ServiceName): [elbv2.IApplicationTargetGroup, elbv2.IApplicationTargetGroup | undefined] {
    return [this.props.targetGroups[service], this.props.alternateTargetGroups?.[service]];
  }

  private cacheMemoryAlarm(idPrefix: string, suffix: string, rule: AlarmRule, node: string, index: number) {
    const ordinal = String(index + 1).padStart(3, '0');
    return this.alarm(`${idPrefix}${ordinal}`, {
      name: `cache-memory${suffix}-${ordinal}`,
      rule,
      description: `Redis memory used on cache node ${ordinal}, as a percentage of maxmemory`,
      metric: cacheNodeMetric('DatabaseMemoryUsagePercentage', node, 'Maximum'),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // A gap means the node is not reporting (replacement, failover): INSUFFICIENT_DATA says so.
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
  }

  private alarm(id: string, spec: AlarmSpec): cloudwatch.Alarm {
    const window = evaluationWindow(spec.rule.forMinutes, spec.instantPeriodMinutes);
    const comparisonText = spec.comparison === cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD ? '<' : '>';
    const duration = spec.rule.forMinutes > 0 ? ` for ${spec.rule.forMinutes} min` : '';
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${names.prefix(this.props.envName)}-${spec.name}`,
      alarmDescription: `${spec.description} ${comparisonText} ${spec.rule.threshold}%${duration} (severity ${spec.rule.severity}).`,
      metric: spec.metric.with({ period: Duration.seconds(window.periodSeconds) }),
      threshold: spec.rule.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: window.evaluationPeriods,
      datapointsToAlarm: window.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    const action = new actions.SnsAction(this.props.topics[spec.rule.severity]);
    alarm.addAlarmAction(action);
    // Recovery notifies the same audience, so whoever was paged learns the incident is over.
    alarm.addOkAction(action);
    return alarm;
  }
}

interface AlarmSpec {
  readonly name: string;
  readonly rule: AlarmRule;
  readonly description: string;
  readonly metric: cloudwatch.Metric | cloudwatch.MathExpression;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** Period of the single datapoint when the rule gives no duration. @default 1 minute */
  readonly instantPeriodMinutes?: number;
}

function pascal(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}
