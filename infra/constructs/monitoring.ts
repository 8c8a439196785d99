/**
 * Monitoring and alerting of one environment (the seed's "Monitoring and Alerting"): the three
 * severity topics, every alarm of the alert table routed to its severity, and the operations,
 * application and database dashboards.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { EnvironmentName, MonitoringConfig, Severity } from '../config/index.js';
import { type AlarmKey, PlatformAlarms } from './monitoring/alarms.js';
import { PlatformDashboards } from './monitoring/dashboards.js';
import { cacheNodeIds } from './monitoring/metrics.js';
import { AlertTopics } from './monitoring/topics.js';

export type { AlarmKey } from './monitoring/alarms.js';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  /** Environment monitored; it names topics, alarms and dashboards. */
  readonly envName: EnvironmentName;
  /** Alarm rules (threshold, duration, severity) and topic subscriptions. */
  readonly config: MonitoringConfig;
  /** The PostgreSQL instance. */
  readonly database: rds.IDatabaseInstance;
  /** Allocated storage of the instance, the denominator of the storage-used percentage. */
  readonly databaseAllocatedStorageGiB: number;
  /**
   * The parameter group's `max_connections`, drawn on the database dashboard's connection graph.
   * @default no max_connections line on the graph
   */
  readonly databaseMaxConnections?: number;
  /** Id of the Redis replication group; its member clusters are `<id>-001`, `<id>-002`, ... */
  readonly cacheReplicationGroupId: string;
  /** Number of cache nodes: one set of memory alarms per node. */
  readonly cacheNodeCount: number;
  /** The public Application Load Balancer. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Target group of each ECS service. */
  readonly targetGroups: {
    readonly frontend: elbv2.IApplicationTargetGroup;
    readonly backend: elbv2.IApplicationTargetGroup;
  };
  /**
   * Blue/green: the second target group of each ECS service (`Compute.alternateTargetGroups`).
   * @default none (rolling deployments): the alarms read each service's one target group
   */
  readonly alternateTargetGroups?: {
    readonly frontend: elbv2.IApplicationTargetGroup;
    readonly backend: elbv2.IApplicationTargetGroup;
  };
  /** The ECS services. */
  readonly services: { readonly frontend: ecs.FargateService; readonly backend: ecs.FargateService };
}

/** Alert topics, alarms and dashboards of one environment. */
export class Monitoring extends Construct {
  /** SNS topic `interactions-<env>-alerts-<severity>` of each severity. */
  readonly topics: Record<Severity, sns.Topic>;
  /** The alarms of each config rule (one per service or per cache node where the rule says so). */
  readonly alarms: Record<AlarmKey, cloudwatch.Alarm[]>;
  /** Dashboards `interactions-<env>-operations|application|database`. */
  readonly dashboards: {
    readonly operations: cloudwatch.Dashboard;
    readonly application: cloudwatch.Dashboard;
    readonly database: cloudwatch.Dashboard;
  };

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const topics = new AlertTopics(this, 'Topics', {
      envName: props.envName,
      subscriptions: props.config.subscriptions,
    });
    this.topics = topics.topics;

    const alarms = new PlatformAlarms(this, 'Alarms', {
      envName: props.envName,
      rules: props.config.alarms,
      topics: this.topics,
      database: props.database,
      databaseAllocatedStorageGiB: props.databaseAllocatedStorageGiB,
      cacheReplicationGroupId: props.cacheReplicationGroupId,
      cacheNodeCount: props.cacheNodeCount,
      loadBalancer: props.loadBalancer,
      targetGroups: props.targetGroups,
      alternateTargetGroups: props.alternateTargetGroups,
    });
    this.alarms = alarms.alarms;

    const dashboards = new PlatformDashboards(this, 'Dashboards', {
      envName: props.envName,
      database: props.database,
      databaseAllocatedStorageGiB: props.databaseAllocatedStorageGiB,
      databaseMaxConnections: props.databaseMaxConnections,
      cacheNodeIds: cacheNodeIds(props.cacheReplicationGroupId, props.cacheNodeCount),
      loadBalancer: props.loadBalancer,
      targetGroups: props.targetGroups,
      services: props.services,
      alarms: alarms.all,
    });
    this.dashboards = {
      operations: dashboards.operations,
      application: dashboards.application,
      database: dashboards.database,
    };
  }
}
