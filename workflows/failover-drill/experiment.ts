/**
 * FailoverExperiment: the AWS FIS experiment templates the failover drill starts, one per
 * Availability Zone of the environment. Each template reboots the database with `forceFailover`
 * (the standby takes over in the other AZ) and cuts the power of the cache's nodes in ITS AZ
 * (the replica in the other AZ is promoted). ElastiCache replication groups can be targeted by
 * tags only (no ARNs, no filters) and the AZ is a target parameter that StartExperiment cannot
 * override, hence a template per AZ: the drill starts the one of the AZ where the cache's primary is.
 *
 * Stop conditions: one composite alarm that is in ALARM when any of the environment's high-severity
 * alarms is (FIS allows at most five stop conditions per template; the composite has no limit that
 * matters here and no actions of its own, so it never pages twice). Every experiment logs to a
 * CloudWatch Logs group and, with `reportsBucket`, FIS files an experiment report (PDF with the drill
 * dashboard's graphs) under `reports/failover-drill/fis/`.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cacheNodeIds } from '../../infra/constructs/monitoring/metrics.js';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { type Environment, names } from '../../shared/naming.js';
import { elastiCacheArn } from '../common/arns.js';

const CONSTRUCT = 'FailoverExperiment';

/** FIS action of the database failover: a reboot that forces the standby to take over. */
const RDS_FAILOVER_ACTION = 'aws:rds:reboot-db-instances';
/** FIS action of the cache failover: power off the nodes of one AZ (the replica elsewhere is promoted). */
const CACHE_AZ_POWER_ACTION = 'aws:elasticache:replicationgroup-interrupt-az-power';

/** Where FIS files its experiment reports in the reports bucket. */
const EXPERIMENT_REPORT_PREFIX = 'reports/failover-drill/fis';

/** Props of FailoverExperiment. */
export interface FailoverExperimentProps {
  /** The environment: names the templates, the alarm, the log group and the role. */
  readonly envName: Environment;
  /** The Multi-AZ database instance to fail over. */
  readonly database: rds.IDatabaseInstance;
  /** Id of the replication group to fail over (for IAM; FIS resolves the target by `cacheTargetTags`). */
  readonly cacheReplicationGroupId: string;
  /**
   * Tags that select the replication group (FIS targets replication groups by tags only). The drill's
   * pre-check refuses to start unless they select exactly `cacheReplicationGroupId`.
   */
  readonly cacheTargetTags: Readonly<Record<string, string>>;
  /** Number of cache nodes (member clusters `<group>-001`...), drawn on the drill dashboard. */
  readonly cacheNodeCount: number;
  /** The environment's Availability Zones: one template each. */
  readonly availabilityZones: readonly string[];
  /** The environment's high-severity alarms: any of them in ALARM stops the experiment. */
  readonly stopConditionAlarms: readonly cloudwatch.IAlarm[];
  /** How long the cache's AZ stays powered off (FIS accepts 1 minute to 12 hours). */
  readonly cacheInterruption: Duration;
  /** Bucket for FIS experiment reports. @default no experiment report (and no drill dashboard) */
  readonly reportsBucket?: s3.IBucket;
  /** Retention of the experiment log group. @default one year: drills are evidence */
  readonly logRetention?: logs.RetentionDays;
}

/** The experiment templates of the failover drill (see the module comment). */
export class FailoverExperiment extends Construct {
  /** The template of each AZ: it fails the cache over AWAY from that AZ. */
  readonly templates: Readonly<Record<string, fis.CfnExperimentTemplate>>;
  /** The composite alarm every template stops on. */
  readonly stopAlarm: cloudwatch.CompositeAlarm;
  /** Where FIS logs every experiment. */
  readonly logGroup: logs.LogGroup;
  /** The role FIS assumes to run the experiments. */
  readonly role: iam.Role;
  /** The dashboard the experiment report draws its graphs from; absent without `reportsBucket`. */
  readonly dashboard?: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: FailoverExperimentProps) {
    super(scope, id);
    const { envName } = props;
    const minutes = props.cacheInterruption.toMinutes({ integral: false });
    if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= 720)) {
      throw new Error(`${CONSTRUCT}: cacheInterruption must be whole minutes from 1 to 720 (got ${minutes})`);
    }
    if (props.availabilityZones.length < 2) {
      throw new Error(
        `${CONSTRUCT}: availabilityZones must list at least 2 AZs to fail over between (got ${props.availabilityZones.length})`,
      );
    }
    if (props.stopConditionAlarms.length === 0) {
      throw new Error(`${CONSTRUCT}: stopConditionAlarms must not be empty: a drill without stop conditions is unsafe`);
    }
    if (Object.keys(props.cacheTargetTags).length === 0) {
      throw new Error(`${CONSTRUCT}: cacheTargetTags must not be empty: FIS would select every replication group`);
    }
    const prefix = names.stateMachine(envName, 'failover-drill');

    this.stopAlarm = new cloudwatch.CompositeAlarm(this, 'StopCondition', {
      compositeAlarmName: `${prefix}-stop`,
      alarmDescription: `Stops the failover drill's FIS experiment: any high-severity alarm of ${envName} is in ALARM. No actions: the alarms it combines page on their own.`,
      alarmRule: cloudwatch.AlarmRule.anyOf(...props.stopConditionAlarms),
      actionsEnabled: false,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/fis/${prefix}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      roleName: `${prefix}-fis`,
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
        // Only this account's FIS experiments may assume it (confused deputy).
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Runs the failover drill experiments of ${envName}: reboots ${props.database.instanceIdentifier} with failover, powers off one AZ of ${props.cacheReplicationGroupId}`,
    });
    this.grantExperimentActions(props);

    if (props.reportsBucket !== undefined) this.dashboard = this.reportDashboard(props);

    const templates: Record<string, fis.CfnExperimentTemplate> = {};
    for (const az of props.availabilityZones) {
      templates[az] = this.template(props, az, `${prefix}-${az}`);
    }
    this.templates = templates;
  }

  /** ARN of the template of `az`, for the StartExperiment grant. */
  templateArn(az: string): string {
    const template = this.templates[az];
    if (template === undefined) throw new Error(`${CONSTRUCT}: no template for AZ ${az}`);
    return experimentTemplateArn(this, template.attrId);
  }

  private template(props: FailoverExperimentProps, az: string, name: string): fis.CfnExperimentTemplate {
    const bucket = props.reportsBucket;
    const dashboard = this.dashboard;
    return new fis.CfnExperimentTemplate(this, `Template-${az}`, {
      description: `Failover drill of ${props.envName}: database failover to its standby, cache nodes in ${az} powered off for ${props.cacheInterruption.toMinutes()} min`,
      roleArn: this.role.roleArn,
      tags: { Name: name },
      stopConditions: [{ source: 'aws:cloudwatch:alarm', value: this.stopAlarm.alarmArn }],
      targets: {
        Database: {
          resourceType: 'aws:rds:db',
          resourceArns: [props.database.instanceArn],
          selectionMode: 'ALL',
        },
        Cache: {
          resourceType: 'aws:elasticache:replicationgroup',
          resourceTags: { ...props.cacheTargetTags },
          parameters: { availabilityZoneIdentifier: az },
          selectionMode: 'ALL',
        },
      },
      actions: {
        FailOverDatabase: {
          actionId: RDS_FAILOVER_ACTION,
          description: 'Reboot with failover: the standby in the other AZ becomes the primary',
          parameters: { forceFailover: 'true' },
          targets: { DBInstances: 'Database' },
        },
        PowerOffCacheAz: {
          actionId: CACHE_AZ_POWER_ACTION,
          description: `Power off the cache nodes in ${az}: the replica in the other AZ is promoted`,
          parameters: { duration: `PT${props.cacheInterruption.toMinutes()}M` },
          targets: { ReplicationGroups: 'Cache' },
        },
      },
      // A target that resolves to nothing fails the experiment instead of silently skipping the action.
      experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
      logConfiguration: {
        logSchemaVersion: 2,
        // An untyped property in the CDK: CloudFormation's own key names.
        cloudWatchLogsConfiguration: { LogGroupArn: this.logGroup.logGroupArn },
      },
      experimentReportConfiguration:
        bucket === undefined || dashboard === undefined
          ? undefined
          : {
              outputs: {
                experimentReportS3Configuration: { bucketName: bucket.bucketName, prefix: EXPERIMENT_REPORT_PREFIX },
              },
              dataSources: { cloudWatchDashboards: [{ dashboardIdentifier: dashboard.dashboardArn }] },
              preExperimentDuration: 'PT10M',
              postExperimentDuration: 'PT10M',
            },
    });
  }

  /** Least privilege: the two fault actions on the two resources, FIS's log delivery, the report. */
  private grantExperimentActions(props: FailoverExperimentProps): void {
    const groupArn = elastiCacheArn(this, 'replicationgroup', props.cacheReplicationGroupId);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FailOverTheDatabase',
        actions: ['rds:RebootDBInstance', 'rds:DescribeDBInstances'],
        resources: [props.database.instanceArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PowerOffOneCacheAz',
        actions: ['elasticache:InterruptClusterAzPower'],
        resources: [groupArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ResolveCacheTargetByTags',
        actions: ['elasticache:DescribeReplicationGroups', 'tag:GetResources'],
        resources: ['*'],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeliverExperimentLogs',
        actions: [
          'logs:CreateLogDelivery',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
    );
    const bucket = props.reportsBucket;
    if (bucket !== undefined) {
      const reports = bucket.arnForObjects(`${EXPERIMENT_REPORT_PREFIX}/*`);
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'FileExperimentReport',
          actions: ['s3:PutObject', 's3:GetObject'],
          resources: [reports],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DrawReportGraphs',
          actions: ['cloudwatch:GetDashboard', 'cloudwatch:GetMetricWidgetImage'],
          resources: ['*'],
        }),
      );
      acknowledgeWildcard(
        this.role,
        reports,
        'FIS names each experiment report object itself, under the drill report prefix; write and read back only there.',
      );
    }
    acknowledgeWildcard(
      this.role,
      '*',
      'Read-only and log-delivery actions FIS needs: tag:GetResources, CloudWatch Logs log delivery and GetMetricWidgetImage have no resource type; DescribeReplicationGroups is how FIS resolves tag targets. None changes a resource.',
    );
    const reason =
      'The drill exists to fail over the platform itself: the grant names the one DB instance and the one replication group of this environment, only FIS (this account) can assume the role, and only the drill state machine can start these templates.';
    Validations.of(this.role).acknowledge(
      { id: 'Interactions-DestructiveTagConditions[Action::rds:RebootDBInstance]', reason },
      { id: 'Interactions-DestructiveTagConditions[Action::elasticache:InterruptClusterAzPower]', reason },
    );
  }

  /** The drill dashboard whose graphs FIS puts into the experiment report. */
  private reportDashboard(props: FailoverExperimentProps): cloudwatch.Dashboard {
    const instanceId = props.database.instanceIdentifier;
    const rdsMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName,
        dimensionsMap: { DBInstanceIdentifier: instanceId },
        period: Duration.minutes(1),
      });
    const cacheMetric = (metricName: string, node: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName,
        dimensionsMap: { CacheClusterId: node },
        period: Duration.minutes(1),
        statistic: 'Maximum',
        label: `${metricName} ${node}`,
      });
    const nodes = cacheNodeIds(props.cacheReplicationGroupId, props.cacheNodeCount);
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${names.stateMachine(props.envName, 'failover-drill')}`,
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Database connections and latency',
        left: [rdsMetric('DatabaseConnections')],
        right: [rdsMetric('WriteLatency'), rdsMetric('ReadLatency')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Cache primary (IsPrimary) and connections per node',
        left: nodes.map((node) => cacheMetric('IsPrimary', node)),
        right: nodes.map((node) => cacheMetric('CurrConnections', node)),
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Stop condition', alarms: [this.stopAlarm], width: 24 }),
    );
    return dashboard;
  }
}

/** `arn:<partition>:fis:<region>:<account>:experiment-template/<id>`. */
export function experimentTemplateArn(scope: Construct, templateId: string): string {
  return Stack.of(scope).formatArn({ service: 'fis', resource: 'experiment-template', resourceName: templateId });
}

/** `arn:<partition>:fis:<region>:<account>:experiment/*`: experiments are named by FIS when they start. */
export function experimentsArn(scope: Construct): string {
  return Stack.of(scope).formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' });
}
