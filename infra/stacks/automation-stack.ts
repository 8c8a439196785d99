/**
 * `interactions-<env>-automation`: the automation layer's shared foundation (the tasks log group,
 * the reports bucket, the notify-outcome function every workflow ends with, the dead-man check)
 * and the place workflows are added to, each with its own monitoring.
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { names, type WorkflowName } from '../../shared/naming.js';
import { AlarmRemediationWorkflow } from '../../workflows/alarm-remediation/construct.js';
import { BackupVerificationWorkflow } from '../../workflows/backup-verification/construct.js';
import { CacheSnapshotWorkflow } from '../../workflows/cache-snapshot/construct.js';
import { AutomationStateMachine } from '../../workflows/common/state-machine.js';
import { DeploymentVerificationWorkflow } from '../../workflows/deployment-verification/construct.js';
import { DrillLeftoverSweepWorkflow } from '../../workflows/drill-leftover-sweep/construct.js';
import { FailoverDrillWorkflow } from '../../workflows/failover-drill/construct.js';
import {
  type FailoverPlatformRefs,
  failoverDrillConfig,
  failoverDrillPlatformProps,
} from '../../workflows/failover-drill/platform.js';
import { FullRestoreTestWorkflow } from '../../workflows/full-restore-test/construct.js';
import { fullRestorePlatformRefs } from '../../workflows/full-restore-test/platform-refs.js';
import { OnDemandSnapshotWorkflow } from '../../workflows/on-demand-snapshot/construct.js';
import { RecoveryTestWorkflow } from '../../workflows/recovery-test/construct.js';
import { SnapshotHousekeepingWorkflow } from '../../workflows/snapshot-housekeeping/construct.js';
import type { EnvironmentConfig, Severity } from '../config/index.js';
import { AutomationDashboard } from '../constructs/automation-dashboard.js';
import { AutomationFunction } from '../constructs/automation-function.js';
import { acknowledgeWildcard } from '../constructs/nag.js';
import { POSTGRES_PORT, REDIS_PORT, SUBNET_GROUPS } from '../constructs/network.js';
import { WorkflowMonitoring } from '../constructs/workflow-monitoring.js';
import {
  alarmRemediationConfig,
  backupVerificationConfig,
  deploymentVerificationConfig,
  drillLeftoverSweepConfig,
  drillLeftoverSweepPeriod,
  fullRestoreTestConfig,
  nightlyCacheSnapshot,
  recoveryTestConfig,
  snapshotHousekeepingConfig,
  snapshotWorkflowConfig,
} from './workflow-config.js';

/**
 * What the automation needs from the platform stack. PlatformStack satisfies it structurally;
 * tests pass a small stack of the same shape.
 */
export interface AutomationPlatformRefs {
  /** The severity topics of the alert table. */
  readonly monitoring: { readonly topics: Readonly<Record<Severity, sns.ITopic>> };
  /**
   * The database the backups and drills work on, the key its storage and snapshots use, and what a
   * drill restores a copy with: its credentials secret and parameter group.
   */
  readonly database: {
    readonly instance: rds.IDatabaseInstance;
    readonly encryptionKey: kms.IKey;
    readonly secret: secretsmanager.ISecret;
    readonly parameterGroup: rds.IParameterGroup;
  };
  /** The VPC (with the platform's subnet groups, SUBNET_GROUPS), for functions that must reach the database or cache. */
  readonly network: {
    readonly vpc: ec2.IVpc;
    /**
     * The data tier's security groups, which admit only what is allowed in: the deployment
     * verification's probes are. @default none: the probes cannot reach the database or cache
     */
    readonly databaseSecurityGroup?: ec2.ISecurityGroup;
    readonly cacheSecurityGroup?: ec2.ISecurityGroup;
  };
  /** What the failover drill needs besides (config `failoverDrill.enabled`). @default none: no drill can be added */
  readonly failover?: FailoverPlatformRefs;
}

/** Props of AutomationStack. */
export interface AutomationStackProps extends StackProps {
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
  /** References into the platform stack. */
  readonly platform: AutomationPlatformRefs;
}

/** Options of AutomationStack.addWorkflowMonitoring. */
export interface WorkflowMonitoringOptions {
  /** The workflow the state machine runs: names the alarms. */
  readonly workflow: WorkflowName;
  /** How often the workflow must succeed. @default no dead-man's switch (on-demand workflows) */
  readonly schedulePeriod?: Duration;
  /** @default a quarter of the period, at least 2 hours */
  readonly slack?: Duration;
  /**
   * The state machine's execution log (level ALL, with execution data).
   * @default the log group of the AutomationStateMachine that built `stateMachine`
   */
  readonly executionLog?: logs.ILogGroup;
}

export class AutomationStack extends Stack {
  /** `/aws/lambda/interactions-<env>-tasks`: every automation function logs here. */
  readonly logGroup: logs.LogGroup;
  /** `interactions-<env>-automation-reports`: the evidence of every drill and verification. */
  readonly reportsBucket: s3.Bucket;
  /** Last task of every workflow: writes the reports and notifies the severity topic. */
  readonly notifyFunction: lambda.Function;
  /** Daily dead-man check for workflows scheduled less often than weekly. */
  readonly lastSuccessCheckFunction: lambda.Function;
  /** The platform's severity topics. */
  readonly topics: Readonly<Record<Severity, sns.ITopic>>;
  /** `interactions-<env>-automation`: the backups row and one row per monitored workflow. */
  readonly dashboard: AutomationDashboard;
  /** The environment's configuration, for the workflows added to this stack. */
  readonly config: EnvironmentConfig;
  /** The state machines of this environment, by workflow. */
  readonly workflows: {
    readonly onDemandSnapshot: OnDemandSnapshotWorkflow;
    readonly cacheSnapshot: CacheSnapshotWorkflow;
    readonly backupVerification: BackupVerificationWorkflow;
    readonly snapshotHousekeeping: SnapshotHousekeepingWorkflow;
    readonly drillLeftoverSweep: DrillLeftoverSweepWorkflow;
    readonly alarmRemediation: AlarmRemediationWorkflow;
    readonly deploymentVerification: DeploymentVerificationWorkflow;
    readonly recoveryTest: RecoveryTestWorkflow;
    readonly fullRestoreTest: FullRestoreTestWorkflow;
    /** Present where config `failoverDrill.enabled`. */
    readonly failoverDrill?: FailoverDrillWorkflow;
  };

  constructor(scope: Construct, id: string, props: AutomationStackProps) {
    super(scope, id, props);
    const { config } = props;
    const envName = config.name;
    this.config = config;
    this.topics = props.platform.monitoring.topics;
    const retain = envName === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.logGroup = new logs.LogGroup(this, 'TasksLogGroup', {
      logGroupName: names.lambdaLogGroup(envName),
      retention: config.monitoring.lambdaLogRetentionDays as logs.RetentionDays,
      removalPolicy: retain,
    });

    const accessLogs = new s3.Bucket(this, 'ReportsAccessLogs', {
      bucketName: `${names.reportsBucket(envName)}-access-logs`,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(config.automation.reportsRetentionDays) }],
      removalPolicy: retain,
    });
    this.reportsBucket = new s3.Bucket(this, 'ReportsBucket', {
      bucketName: names.reportsBucket(envName),
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [
        {
          id: 'expire-reports',
          expiration: Duration.days(config.automation.reportsRetentionDays),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: retain,
    });

    const notify = new AutomationFunction(this, 'NotifyOutcome', {
      envName,
      name: 'notify-outcome',
      description: 'Writes a workflow outcome report (JSON + Markdown) and notifies the severity topic',
      logGroup: this.logGroup,
      environment: {
        REPORTS_BUCKET: this.reportsBucket.bucketName,
        TOPIC_ARN_HIGH: this.topics.high.topicArn,
        TOPIC_ARN_MEDIUM: this.topics.medium.topicArn,
        TOPIC_ARN_LOW: this.topics.low.topicArn,
      },
    });
    this.notifyFunction = notify.function;
    // Write only, and only under reports/: the function never reads or deletes evidence.
    const reportObjects = this.reportsBucket.arnForObjects('reports/*');
    notify.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [reportObjects] }));
    // grantPublish also grants the topics' KMS key (GenerateDataKey*, Decrypt) when they are encrypted.
    for (const topic of Object.values(this.topics)) topic.grantPublish(this.notifyFunction);
    acknowledgeWildcard(
      notify.role,
      reportObjects,
      'Report keys are named per execution at run time; PutObject only, under the reports/ prefix',
    );
    Validations.of(notify.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "Publishing to a KMS-encrypted topic needs GenerateDataKey on the topics' key (CDK's grantPublish), scoped to that key",
    });
    Validations.of(this.notifyFunction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions: a failure returns to the state machine, which retries and catches it',
    });

    const check = new AutomationFunction(this, 'CheckLastSuccess', {
      envName,
      name: 'check-last-success',
      description: 'Dead-man check: publishes the time since the last successful execution of a workflow',
      logGroup: this.logGroup,
    });
    this.lastSuccessCheckFunction = check.function;
    Validations.of(this.lastSuccessCheckFunction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'A lost daily check publishes no metric, and the dead-man alarm treats missing data as breaching',
    });

    // Config is mapped to workflow props once (workflow-config.ts, shared with the testbed): the
    // workflows see props, never the config.
    const base = { envName, notifyFunction: this.notifyFunction, functionLogGroup: this.logGroup };
    // Backups: the seed's "Manual Snapshots: taken before major updates" and Redis snapshots.
    const snapshotProps = { ...base, ...snapshotWorkflowConfig(config) };
    const onDemandSnapshot = new OnDemandSnapshotWorkflow(this, 'OnDemandSnapshot', {
      ...snapshotProps,
      database: props.platform.database.instance,
    });
    const cacheSnapshot = new CacheSnapshotWorkflow(this, 'CacheSnapshot', snapshotProps);

    // Nightly: verify the backups (read-only), then housekeeping (retention, DR copies, Redis snapshot).
    const backupVerification = new BackupVerificationWorkflow(this, 'BackupVerification', {
      ...base,
      ...backupVerificationConfig(config),
    });
    const snapshotHousekeeping = new SnapshotHousekeepingWorkflow(this, 'SnapshotHousekeeping', {
      ...base,
      ...snapshotHousekeepingConfig(config),
      sourceKmsKey: props.platform.database.encryptionKey,
      cacheSnapshotStateMachine: nightlyCacheSnapshot(config) ? cacheSnapshot.stateMachine : undefined,
    });

    // The backstop behind every drill's own cleanup.
    const drillLeftoverSweep = new DrillLeftoverSweepWorkflow(this, 'DrillLeftoverSweep', {
      ...base,
      ...drillLeftoverSweepConfig(config),
    });

    // Alarm remediation: started by the platform's alarms; approval requests go to the high topic.
    const alarmRemediation = new AlarmRemediationWorkflow(this, 'AlarmRemediation', {
      ...base,
      ...alarmRemediationConfig(config),
      approvalTopic: this.topics.high,
    });

    // After every deployment (CI hook, lifecycle hook) and as a drift check.
    const deploymentVerification = new DeploymentVerificationWorkflow(this, 'DeploymentVerification', {
      ...base,
      ...deploymentVerificationConfig(config),
      vpc: props.platform.network.vpc,
    });
    // The probes' database and cache checks connect from the VPC: the data tier admits them by group.
    const { databaseSecurityGroup, cacheSecurityGroup } = props.platform.network;
    const probes = deploymentVerification.probeSecurityGroup;
    if (probes !== undefined && databaseSecurityGroup !== undefined && cacheSecurityGroup !== undefined) {
      probes.connections.allowTo(databaseSecurityGroup, ec2.Port.tcp(POSTGRES_PORT), 'Deployment probes to PostgreSQL');
      probes.connections.allowTo(cacheSecurityGroup, ec2.Port.tcp(REDIS_PORT), 'Deployment probes to Redis');
    }

    // Monthly: the point-in-time recovery drill, into a temporary instance in the data subnets.
    const { database } = props.platform;
    const recoveryTest = new RecoveryTestWorkflow(this, 'RecoveryTest', {
      ...base,
      ...recoveryTestConfig(config),
      database: database.instance,
      encryptionKey: database.encryptionKey,
      databaseSecret: database.secret,
      parameterGroup: database.parameterGroup,
      vpc: props.platform.network.vpc,
      dataSubnets: { subnetGroupName: SUBNET_GROUPS.data },
      verifierSubnets: { subnetGroupName: SUBNET_GROUPS.app },
      alarmTopic: this.topics[config.automation.failureSeverity],
    });

    // Quarterly: database and cache restored, the running backend image smoke-tested against them.
    const fullRestoreTest = new FullRestoreTestWorkflow(this, 'FullRestoreTest', {
      ...base,
      ...fullRestoreTestConfig(config),
      ...fullRestorePlatformRefs(this, config),
      database: database.instance,
      encryptionKey: database.encryptionKey,
      parameterGroup: database.parameterGroup,
      vpc: props.platform.network.vpc,
      dataSubnets: { subnetGroupName: SUBNET_GROUPS.data },
      // One DB subnet group for the drills' temporary instances: the PITR drill's, over the same subnets.
      dataSubnetGroupName: recoveryTest.subnetGroup.subnetGroupName,
      // One plan-point-in-time-restore per environment: its name is unique.
      planFunction: recoveryTest.functions.plan,
      appSubnets: { subnetGroupName: SUBNET_GROUPS.app },
    });

    // Monitoring of every workflow, in one place: on-demand workflows get the failure alarm only;
    // addWorkflowMonitoring also adds each workflow's dashboard row.
    this.dashboard = new AutomationDashboard(this, 'Dashboard', { envName, thresholds: config.automation });
    const nightly = Duration.days(1);
    const monitored: readonly [sfn.IStateMachine, WorkflowMonitoringOptions][] = [
      [onDemandSnapshot.stateMachine, { workflow: 'on-demand-snapshot' }],
      [cacheSnapshot.stateMachine, { workflow: 'cache-snapshot' }],
      [backupVerification.stateMachine, { workflow: 'backup-verification', schedulePeriod: nightly }],
      [snapshotHousekeeping.stateMachine, { workflow: 'snapshot-housekeeping', schedulePeriod: nightly }],
      [
        drillLeftoverSweep.stateMachine,
        { workflow: 'drill-leftover-sweep', schedulePeriod: drillLeftoverSweepPeriod(config) },
      ],
      [alarmRemediation.stateMachine, { workflow: 'alarm-remediation' }],
      [deploymentVerification.stateMachine, { workflow: 'deployment-verification' }],
      // The longest month, so a drill on the first of each month never trips it.
      [recoveryTest.stateMachine, { workflow: 'recovery-test', schedulePeriod: Duration.days(31) }],
      // A quarter is at most 92 days.
      [fullRestoreTest.stateMachine, { workflow: 'full-restore-test', schedulePeriod: Duration.days(92) }],
    ];
    for (const [stateMachine, options] of monitored) this.addWorkflowMonitoring(stateMachine, options);
    this.dashboard.addSection('Recovery tests (monthly point-in-time drill)', recoveryTest.objectiveWidgets);
    // Every six months where config enables it (staging by default); the dead-man allows a month of slack.
    const failoverDrill = config.failoverDrill.enabled ? this.addFailoverDrill(props.platform, base) : undefined;
    this.workflows = {
      onDemandSnapshot,
      cacheSnapshot,
      backupVerification,
      snapshotHousekeeping,
      drillLeftoverSweep,
      alarmRemediation,
      deploymentVerification,
      recoveryTest,
      fullRestoreTest,
      failoverDrill,
    };
  }

  /** The failover drill, its prober's access to the data tier, and its monitoring. */
  private addFailoverDrill(platform: AutomationPlatformRefs, base: FailoverDrillBase): FailoverDrillWorkflow {
    const refs = platform.failover;
    if (refs === undefined) {
      throw new Error(
        `AutomationStack: config failoverDrill.enabled is true for ${this.config.name} but the platform gives no failover references (platform.failover)`,
      );
    }
    const drill = new FailoverDrillWorkflow(this, 'FailoverDrill', {
      ...base,
      ...failoverDrillConfig(this.config),
      ...failoverDrillPlatformProps(refs, this.config),
      reportsBucket: this.reportsBucket,
    });
    this.addWorkflowMonitoring(drill.stateMachine, { workflow: 'failover-drill', schedulePeriod: Duration.days(183) });
    this.dashboard.addFailoverDowntime();
    return drill;
  }

  /**
   * Adds failure and dead-man alarms for a workflow's state machine, notifying the configured
   * failure severity topic, adds its row to the automation dashboard, and lets the dead-man check
   * read that machine's executions. The failure alarm pages only for executions that ended without
   * their own notification: one page per incident.
   */
  addWorkflowMonitoring(stateMachine: sfn.IStateMachine, options: WorkflowMonitoringOptions): WorkflowMonitoring {
    const { workflow } = options;
    const monitoring = new WorkflowMonitoring(this, `${pascal(workflow)}Monitoring`, {
      envName: this.config.name,
      workflow,
      stateMachine,
      executionLog: options.executionLog ?? executionLogOf(stateMachine, workflow),
      topic: this.topics[this.config.automation.failureSeverity],
      schedulePeriod: options.schedulePeriod,
      slack: options.slack,
      lastSuccessCheck: this.lastSuccessCheckFunction,
    });
    this.dashboard.addWorkflow(workflow, stateMachine, monitoring);
    this.lastSuccessCheckFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:ListExecutions', 'states:DescribeStateMachine'],
        resources: [stateMachine.stateMachineArn],
      }),
    );
    return monitoring;
  }
}

/**
 * The log group an AutomationStateMachine gave `stateMachine`; throws for other state machines,
 * whose logging (level ALL with execution data, which the unreported-failure count reads) is unknown.
 */
function executionLogOf(stateMachine: sfn.IStateMachine, workflow: WorkflowName): logs.ILogGroup {
  const owner = stateMachine.node.scope;
  if (owner instanceof AutomationStateMachine && owner.stateMachine === stateMachine) return owner.logGroup;
  throw new Error(
    `addWorkflowMonitoring ${workflow}: the state machine was not built by AutomationStateMachine; pass executionLog (its log group, level ALL with execution data)`,
  );
}

/** The props every workflow of this stack gets. */
type FailoverDrillBase = {
  envName: EnvironmentConfig['name'];
  notifyFunction: lambda.IFunction;
  functionLogGroup: logs.ILogGroup;
};

function pascal(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
