/**
 * FailoverDrillWorkflow: the bi-annual Multi-AZ failover drill (issue 7). Gathers the facts (SDK
 * integrations), pre-checks them in a Lambda (Multi-AZ, available, no alarm, no deployment, no
 * freeze, no other drill; the cache target's tags select exactly the platform's group) and stops
 * cleanly with a report when any fails. Otherwise it starts the FIS experiment of the AZ where the
 * cache primary is (client token: the execution name), and while it runs, the downtime prober
 * (a VPC Lambda) measures the database, the cache and the application for one window at a time,
 * between Describe experiment polls, bounded by the experiment budget. When the experiment ends it
 * probes one more window, describes where the primaries are now and the RDS events, and judges:
 * passed, stopped (a stop condition fired), failed (FIS), or post-checks failed. Every failure path
 * stops an experiment still running, notifies and fails. See README.md.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { emptySummary } from '../../functions/downtime-prober/timeline.js';
import type { ChangeFreeze } from '../../infra/config/failover-drill.js';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { names, WORKFLOWS } from '../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../../shared/tags.js';
import { elastiCacheArn } from '../common/arns.js';
import { catchCleanup, FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { maxPolls } from '../common/poll-loop.js';
import { retrySdkTransient, TRANSIENT_BACKOFF } from '../common/retry.js';
import { isScheduleExpression, nightlySchedule } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { workflowFunction } from '../common/workflow-function.js';
import { type AutomationWorkflow, type AutomationWorkflowProps, workflowSettings } from '../common/workflow-props.js';
import { ALARMS_IN_ALARM_PAGE_SIZE, EXPERIMENT_STOPPED_ERROR } from './contract.js';
import { experimentsArn, FailoverExperiment } from './experiment.js';

const WORKFLOW = 'failover-drill';
const CONSTRUCT = 'FailoverDrillWorkflow';

/** FIS experiment states after which no fault is injected any more. */
const FINISHED_EXPERIMENT_STATES = ['completed', 'stopped', 'failed', 'cancelled'] as const;

/** Errors of the FIS SDK integration a retry can fix (throttling and network errors). */
const FIS_TRANSIENT_ERRORS = ['Fis.FisException', 'Fis.SdkClientException', 'Fis.ThrottlingException'];

/** Where the prober connects: the platform's endpoints and the secrets holding their credentials. */
export interface ProbeTargets {
  /** Database endpoint address and port. */
  readonly databaseHost: string;
  readonly databasePort: number;
  readonly databaseName: string;
  /** The database credentials secret (`username`, `password`). */
  readonly databaseSecret: secretsmanager.ISecret;
  /** Cache primary endpoint address and port (follows failover). */
  readonly cacheHost: string;
  readonly cachePort: number;
  /** Whether Redis speaks TLS. */
  readonly cacheTls: boolean;
  /** Redis AUTH token secret. @default no AUTH */
  readonly cacheAuthToken?: secretsmanager.ISecret;
  /** The application's health endpoint, a full URL. */
  readonly healthUrl: string;
}

/** Props of FailoverDrillWorkflow. */
export interface FailoverDrillWorkflowProps extends AutomationWorkflowProps {
  /** The Multi-AZ database to fail over. */
  readonly database: rds.IDatabaseInstance;
  /** Replication group to fail over. @default `names.cacheReplicationGroup(envName)` */
  readonly cacheReplicationGroupId?: string;
  /** Number of cache nodes (for the drill dashboard). */
  readonly cacheNodeCount: number;
  /** Tags that select the replication group for FIS (tags are its only target selection). */
  readonly cacheTargetTags: Readonly<Record<string, string>>;
  /** The environment's AZs: one experiment template each. */
  readonly availabilityZones: readonly string[];
  /** The environment's high-severity alarms: the experiment's stop conditions. */
  readonly stopConditionAlarms: readonly cloudwatch.IAlarm[];
  /** The VPC the prober runs in (private-app subnets, which the data tier admits). */
  readonly vpc: ec2.IVpc;
  /**
   * The data tier's security groups. The prober's access is added from THIS stack (an egress of the
   * prober's group, and an ingress rule the CDK places beside it), so the platform stack does not
   * come to depend on the automation stack.
   */
  readonly dataSecurityGroups: { readonly database: ec2.ISecurityGroup; readonly cache: ec2.ISecurityGroup };
  /** Subnets of the prober. @default the VPC's private subnets with egress */
  readonly proberSubnets?: ec2.SubnetSelection;
  /** What the prober measures. */
  readonly probeTargets: ProbeTargets;
  /** EventBridge cron of the drill (config `failoverDrill.schedule`). */
  readonly scheduleExpression: string;
  /** Whether the schedule starts the drill. @default true */
  readonly scheduleEnabled?: boolean;
  /** Periods in which the drill refuses to start. @default none */
  readonly changeFreezes?: readonly ChangeFreeze[];
  /** How long the cache's AZ is powered off. @default 5 minutes */
  readonly cacheInterruption?: Duration;
  /** Longest the experiment may run before the drill stops it and fails. @default 30 minutes */
  readonly experimentBudget?: Duration;
  /** Length of one prober invocation. @default 60 seconds */
  readonly probeWindow?: Duration;
  /** Bucket for FIS's experiment report. @default no experiment report */
  readonly reportsBucket?: s3.IBucket;
  /** Overall execution timeout. @default the experiment budget plus 30 minutes */
  readonly timeout?: Duration;
}

/** The failover drill (see the module comment). */
export class FailoverDrillWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-failover-drill`. */
  readonly stateMachine: sfn.StateMachine;
  /** The drill's functions, for alarms and dashboards. */
  readonly functions: {
    readonly prechecks: lambda.IFunction;
    readonly prober: lambda.IFunction;
    readonly report: lambda.IFunction;
  };
  /** The six-monthly EventBridge rule. */
  readonly schedule: events.Rule;
  /** The FIS experiment templates, stop condition, log group and role. */
  readonly experiment: FailoverExperiment;
  /** The prober's security groups: the data tier must admit them (PostgreSQL, Redis). */
  readonly proberSecurityGroups: readonly ec2.ISecurityGroup[];

  constructor(scope: Construct, id: string, props: FailoverDrillWorkflowProps) {
    super(scope, id);
    const envName = props.envName;
    const budget = props.experimentBudget ?? Duration.minutes(30);
    const window = props.probeWindow ?? Duration.seconds(60);
    const cacheInterruption = props.cacheInterruption ?? Duration.minutes(5);
    if (budget.toSeconds() <= cacheInterruption.toSeconds()) {
      throw new Error(
        `${CONSTRUCT}: experimentBudget (${budget.toHumanString()}) must exceed cacheInterruption (${cacheInterruption.toHumanString()})`,
      );
    }
    if (window.toSeconds() < 10 || window.toSeconds() > 600) {
      throw new Error(`${CONSTRUCT}: probeWindow must be 10 s to 10 min (got ${window.toHumanString()})`);
    }
    if (!isScheduleExpression(props.scheduleExpression)) {
      throw new Error(
        `${CONSTRUCT}: scheduleExpression must be a cron(...) or rate(...) expression (got "${props.scheduleExpression}")`,
      );
    }
    const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, {
      timeout: budget.plus(Duration.minutes(30)),
    });
    const instanceId = props.database.instanceIdentifier;
    const groupId = props.cacheReplicationGroupId ?? names.cacheReplicationGroup(envName);
    const groupArn = elastiCacheArn(this, 'replicationgroup', groupId);
    const machineName = names.stateMachine(envName, WORKFLOW);
    const serviceNames = [names.service(envName, 'frontend'), names.service(envName, 'backend')];
    const clusterName = names.cluster(envName);

    this.experiment = new FailoverExperiment(this, 'Experiment', {
      envName,
      database: props.database,
      cacheReplicationGroupId: groupId,
      cacheNodeCount: props.cacheNodeCount,
      cacheTargetTags: props.cacheTargetTags,
      availabilityZones: props.availabilityZones,
      stopConditionAlarms: props.stopConditionAlarms,
      cacheInterruption,
      reportsBucket: props.reportsBucket,
    });
    const templateIds = Object.fromEntries(
      props.availabilityZones.map((az) => [az, this.experiment.templates[az]?.attrId ?? '']),
    );

    const fns = this.createFunctions(props, window);
    this.functions = { prechecks: fns.prechecks.function, prober: fns.prober.function, report: fns.report.function };
    this.proberSecurityGroups = fns.prober.function.connections.securityGroups;
    const prober = fns.prober.function.connections;
    prober.allowTo(
      props.dataSecurityGroups.database,
      ec2.Port.tcp(props.probeTargets.databasePort),
      'Failover drill prober to PostgreSQL',
    );
    prober.allowTo(
      props.dataSecurityGroups.cache,
      ec2.Port.tcp(props.probeTargets.cachePort),
      'Failover drill prober to Redis',
    );

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `Failover drill of ${envName} failed`,
      cleanup: (next) => this.stopExperimentIfRunning(next),
    });

    // --- Pre-checks -------------------------------------------------------------------------
    const describeDatabase = (name: string) =>
      retrySdkTransient(
        new tasks.CallAwsService(this, name, {
          service: 'rds',
          action: 'describeDBInstances',
          parameters: { DbInstanceIdentifier: instanceId },
          iamResources: [props.database.instanceArn],
          iamAction: 'rds:DescribeDBInstances',
          resultSelector: { 'instance.$': '$.DbInstances[0]' },
        }),
        'Rds',
      );
    const describeCache = (name: string) =>
      retrySdkTransient(
        new tasks.CallAwsService(this, name, {
          service: 'elasticache',
          action: 'describeReplicationGroups',
          parameters: { ReplicationGroupId: groupId },
          iamResources: [groupArn],
          iamAction: 'elasticache:DescribeReplicationGroups',
          resultSelector: { 'group.$': '$.ReplicationGroups[0]' },
        }),
        'ElastiCache',
      );
    const describeServices = (name: string) =>
      retrySdkTransient(
        new tasks.CallAwsService(this, name, {
          service: 'ecs',
          action: 'describeServices',
          parameters: { Cluster: clusterName, Services: serviceNames },
          iamResources: serviceNames.map((service) =>
            Stack.of(this).formatArn({
              service: 'ecs',
              resource: 'service',
              resourceName: `${clusterName}/${service}`,
            }),
          ),
          iamAction: 'ecs:DescribeServices',
          resultSelector: { 'services.$': '$.Services' },
        }),
        'Ecs',
      );
    const resolveCacheTarget = retryOn(
      new tasks.CallAwsService(this, 'Resolve cache target', {
        service: 'resourcegroupstaggingapi',
        action: 'getResources',
        parameters: {
          ResourceTypeFilters: ['elasticache:replicationgroup'],
          TagFilters: Object.entries(props.cacheTargetTags).map(([Key, Value]) => ({ Key, Values: [Value] })),
        },
        // tag:GetResources has no resource type: IAM accepts only "*" (read-only).
        iamResources: ['*'],
        iamAction: 'tag:GetResources',
        resultSelector: { 'targets.$': '$.ResourceTagMappingList' },
      }),
      [
        'ResourceGroupsTaggingApi.ResourceGroupsTaggingApiException',
        'ResourceGroupsTaggingApi.ThrottledException',
        'ResourceGroupsTaggingApi.SdkClientException',
      ],
    );
    const listAlarms = retrySdkTransient(
      new tasks.CallAwsService(this, 'List alarms in ALARM', {
        service: 'cloudwatch',
        action: 'describeAlarms',
        parameters: {
          AlarmNamePrefix: `${names.prefix(envName)}-`,
          StateValue: 'ALARM',
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: ALARMS_IN_ALARM_PAGE_SIZE,
        },
        iamResources: [
          Stack.of(this).formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: `${names.prefix(envName)}-*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
        iamAction: 'cloudwatch:DescribeAlarms',
        resultSelector: { 'MetricAlarms.$': '$.MetricAlarms', 'CompositeAlarms.$': '$.CompositeAlarms' },
      }),
      'CloudWatch',
    );
    const self = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: machineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const listDrills = retrySdkTransient(
      new tasks.CallAwsService(this, 'List running drills', {
        service: 'sfn',
        action: 'listExecutions',
        parameters: { StateMachineArn: self, StatusFilter: 'RUNNING', MaxResults: 100 },
        iamResources: [self],
        iamAction: 'states:ListExecutions',
        resultSelector: { 'executions.$': '$.Executions' },
      }),
      'Sfn',
    );
    const listExperiments = retryOn(
      new tasks.CallAwsService(this, 'List experiments', {
        service: 'fis',
        action: 'listExperiments',
        parameters: { MaxResults: 100 },
        iamResources: [experimentsArn(this)],
        iamAction: 'fis:ListExperiments',
        resultSelector: { 'experiments.$': '$.Experiments' },
      }),
      FIS_TRANSIENT_ERRORS,
    );
    const gather = failure.catch(
      new sfn.Parallel(this, 'Gather drill facts', { resultPath: '$.facts' })
        .branch(describeDatabase('Describe database'))
        .branch(describeCache('Describe cache'))
        .branch(resolveCacheTarget)
        .branch(listAlarms)
        .branch(describeServices('Describe services'))
        .branch(listDrills)
        .branch(listExperiments),
    );

    const checkPreconditions = failure.catch(
      lambdaTask(this, 'Check preconditions', {
        workflow: WORKFLOW,
        lambdaFunction: fns.prechecks.function,
        payload: {
          environment: envName,
          dryRun: sfn.JsonPath.objectAt('$.mode.dryRun'),
          database: sfn.JsonPath.objectAt('$.facts[0].instance'),
          cache: sfn.JsonPath.objectAt('$.facts[1].group'),
          cacheGroupArn: groupArn,
          cacheTargets: sfn.JsonPath.listAt('$.facts[2].targets'),
          alarms: sfn.JsonPath.objectAt('$.facts[3]'),
          services: sfn.JsonPath.listAt('$.facts[4].services'),
          expectedServices: serviceNames,
          runningExecutions: sfn.JsonPath.listAt('$.facts[5].executions'),
          experiments: sfn.JsonPath.listAt('$.facts[6].experiments'),
          templates: templateIds,
          changeFreezes: (props.changeFreezes ?? []).map((f) => ({ ...f })),
          // The automation's own alarms (its executions and dead-man alarms) say nothing about the platform.
          ignoredAlarmPrefixes: WORKFLOWS.map((workflow) => `${names.stateMachine(envName, workflow)}-`),
        },
        resultPath: '$.precheck',
      }),
    );

    // CDK drops absent payload fields: a Choice turns the optional dryRun into a boolean first.
    const dryRunFlag = new sfn.Choice(this, 'Dry run requested?')
      .when(
        sfn.Condition.and(sfn.Condition.isPresent('$.dryRun'), sfn.Condition.booleanEquals('$.dryRun', true)),
        new sfn.Pass(this, 'Note dry run', {
          result: sfn.Result.fromObject({ dryRun: true }),
          resultPath: '$.mode',
        }).next(gather),
      )
      .otherwise(
        new sfn.Pass(this, 'Note real run', {
          result: sfn.Result.fromObject({ dryRun: false }),
          resultPath: '$.mode',
        }).next(gather),
      );
    gather.next(checkPreconditions);

    // --- Ends before any failover: skipped or dry run --------------------------------------------
    const reportNoFailover = failure.catch(
      lambdaTask(this, 'Report pre-check outcome', {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: {
          environment: envName,
          status: 'SUCCEEDED',
          severity: sfn.JsonPath.stringAt('$.precheck.severity'),
          summary: sfn.JsonPath.stringAt('$.precheck.summary'),
          details: {
            'decision.$': '$.precheck.decision',
            'checks.$': '$.precheck.checks',
            'plan.$': '$.precheck.plan',
          },
        },
        resultPath: '$.notification',
      }),
    );
    reportNoFailover
      .next(buildOutput(this, 'Build pre-check output', '$.precheck.result'))
      .next(new sfn.Succeed(this, 'Stopped before failover'));

    // --- The experiment ----------------------------------------------------------------------
    const start = failure.catch(
      retryOn(
        new tasks.CallAwsService(this, 'Start experiment', {
          service: 'fis',
          action: 'startExperiment',
          parameters: {
            // The execution name: a retried start is the same experiment, never a second failover.
            ClientToken: sfn.JsonPath.executionName,
            ExperimentTemplateId: sfn.JsonPath.stringAt('$.precheck.plan.templateId'),
            Tags: {
              [TAG_KEYS.managedBy]: MANAGED_BY,
              [TAG_KEYS.environment]: envName,
              [TAG_KEYS.execution]: sfn.JsonPath.executionName,
            },
          },
          iamResources: [...props.availabilityZones.map((az) => this.experiment.templateArn(az)), experimentsArn(this)],
          iamAction: 'fis:StartExperiment',
          additionalIamStatements: [
            new iam.PolicyStatement({ actions: ['fis:TagResource'], resources: [experimentsArn(this)] }),
          ],
          resultSelector: { 'id.$': '$.Experiment.Id' },
          resultPath: '$.experiment',
        }),
        FIS_TRANSIENT_ERRORS,
      ),
    );
    const startMeasuring = new sfn.Pass(this, 'Start measuring', {
      result: sfn.Result.fromObject(emptySummary()),
      resultPath: '$.downtime',
    });
    const startPolls = new sfn.Pass(this, 'Start polling experiment', {
      result: sfn.Result.fromObject({ count: 0, max: maxPolls(budget, window) }),
      resultPath: '$.poll',
    });
    const probe = (name: string) =>
      failure.catch(
        lambdaTask(this, name, {
          workflow: WORKFLOW,
          lambdaFunction: fns.prober.function,
          payload: { windowSeconds: window.toSeconds(), summary: sfn.JsonPath.objectAt('$.downtime') },
          resultPath: '$.downtime',
        }),
      );
    const probeDowntime = probe('Probe downtime');
    // No Retry: a transient error counts as a poll (see workflows/common/poll-loop.ts for why).
    const describeExperiment = new tasks.CallAwsService(this, 'Describe experiment', {
      service: 'fis',
      action: 'getExperiment',
      parameters: { Id: sfn.JsonPath.stringAt('$.experiment.id') },
      iamResources: [experimentsArn(this)],
      iamAction: 'fis:GetExperiment',
      resultSelector: { 'status.$': '$.Experiment.State.Status', 'experiment.$': '$.Experiment' },
      resultPath: '$.experimentState',
    });
    const count = new sfn.Pass(this, 'Count probe window', {
      parameters: { 'count.$': 'States.MathAdd($.poll.count, 1)', 'max.$': '$.poll.max' },
      resultPath: '$.poll',
    });
    describeExperiment.addCatch(count, { errors: FIS_TRANSIENT_ERRORS, resultPath: '$.pollError' });
    failure.catch(describeExperiment);

    // An object, not a bare boolean: the local engine drops a Pass's `Result: false`-like scalars.
    const ended = new sfn.Pass(this, 'Note experiment ended', {
      result: sfn.Result.fromObject({ at: 'experiment finished' }),
      resultPath: '$.experimentEnded',
    });
    const overran = failure.raise('Experiment overran', 'WaitTimedOutError', {
      format: `States.Format('Experiment {} was still running after {} probe windows ({} minutes): the drill stops it', $.experiment.id, $.poll.count, ${budget.toMinutes()})`,
    });
    const finished = new sfn.Choice(this, 'Experiment finished?')
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.experimentState.status'),
          sfn.Condition.or(
            ...FINISHED_EXPERIMENT_STATES.map((s) => sfn.Condition.stringEquals('$.experimentState.status', s)),
          ),
        ),
        ended,
      )
      .when(sfn.Condition.numberGreaterThanEqualsJsonPath('$.poll.count', '$.poll.max'), overran)
      .otherwise(probeDowntime);

    // --- After the experiment: post-checks, correlation, verdict ------------------------------
    const rdsEvents = retrySdkTransient(
      new tasks.CallAwsService(this, 'Describe RDS events', {
        service: 'rds',
        action: 'describeEvents',
        parameters: {
          SourceIdentifier: instanceId,
          SourceType: 'db-instance',
          // Minutes back from now: the whole drill, whatever its length.
          Duration: Math.ceil(timeout.toMinutes()) + 10,
        },
        // DescribeEvents has no resource type: IAM accepts only "*" (read-only).
        iamResources: ['*'],
        iamAction: 'rds:DescribeEvents',
        resultSelector: { 'events.$': '$.Events' },
      }),
      'Rds',
    );
    const gatherAfter = failure.catch(
      new sfn.Parallel(this, 'Gather post-failover facts', { resultPath: '$.after' })
        .branch(describeDatabase('Describe database after'))
        .branch(describeCache('Describe cache after'))
        .branch(describeServices('Describe services after'))
        .branch(rdsEvents),
    );
    const evaluate = failure.catch(
      lambdaTask(this, 'Evaluate drill', {
        workflow: WORKFLOW,
        lambdaFunction: fns.report.function,
        payload: {
          plan: sfn.JsonPath.objectAt('$.precheck.plan'),
          prechecks: sfn.JsonPath.listAt('$.precheck.checks'),
          experiment: sfn.JsonPath.objectAt('$.experimentState.experiment'),
          downtime: sfn.JsonPath.objectAt('$.downtime'),
          database: sfn.JsonPath.objectAt('$.after[0].instance'),
          cache: sfn.JsonPath.objectAt('$.after[1].group'),
          services: sfn.JsonPath.listAt('$.after[2].services'),
          expectedServices: serviceNames,
          rdsEvents: sfn.JsonPath.listAt('$.after[3].events'),
        },
        resultPath: '$.evaluation',
      }),
    );
    const reportPassed = failure.catch(
      lambdaTask(this, 'Report drill passed', {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: {
          environment: envName,
          status: 'SUCCEEDED',
          severity: 'low',
          summary: sfn.JsonPath.stringAt('$.evaluation.summary'),
          details: sfn.JsonPath.objectAt('$.evaluation.result'),
        },
        resultPath: '$.notification',
      }),
    );
    reportPassed
      .next(buildOutput(this, 'Build drill output', '$.evaluation.result'))
      .next(new sfn.Succeed(this, 'Drill passed'));
    const cause = { format: "States.Format('{}', $.evaluation.summary)" };
    const verdict = new sfn.Choice(this, 'Drill passed?')
      .when(sfn.Condition.stringEquals('$.evaluation.verdict', 'passed'), reportPassed)
      .when(
        sfn.Condition.stringEquals('$.evaluation.verdict', 'experiment-stopped'),
        failure.raise('Experiment stopped', EXPERIMENT_STOPPED_ERROR, cause),
      )
      .when(
        sfn.Condition.stringEquals('$.evaluation.verdict', 'experiment-failed'),
        failure.raise('Experiment failed', 'ResourceFailedError', cause),
      )
      .otherwise(failure.raise('Post-checks failed', 'VerificationFailedError', cause));
    ended.next(probe('Probe recovery')).next(gatherAfter).next(evaluate).next(verdict);

    start.next(startMeasuring).next(startPolls).next(probeDowntime).next(describeExperiment).next(count).next(finished);

    checkPreconditions.next(
      new sfn.Choice(this, 'Preconditions met?')
        .when(sfn.Condition.stringEquals('$.precheck.decision', 'run'), start)
        .otherwise(reportNoFailover),
    );

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: dryRunFlag,
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Multi-AZ failover drill of ${instanceId} and ${groupId} through AWS FIS, with measured downtime`,
    });
    this.stateMachine = machine.stateMachine;

    // No hand-over: the dead-man check (check-last-success) counts the succeeded executions of a
    // half-yearly workflow; a duplicate delivery is stopped by the concurrency pre-check instead.
    this.schedule = nightlySchedule(this, 'Schedule', {
      schedule: props.scheduleExpression,
      stateMachine: this.stateMachine,
      description: `Starts ${machineName} (every six months)`,
      enabled: props.scheduleEnabled,
    });

    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'Read-only calls without a resource type (IAM accepts only "*"): tag:GetResources (the cache target check) and rds:DescribeEvents (the failover events).',
    );
    acknowledgeWildcard(
      this.stateMachine,
      experimentsArn(this),
      'FIS names experiments when they start: start (only with the templates of this drill), describe, list, tag (at start) and stop experiments; the state machine stops only the experiment this execution started.',
    );
    acknowledgeWildcard(
      this.stateMachine,
      Stack.of(this).formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${names.prefix(envName)}-*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      'Read-only: DescribeAlarms of the alarms of this environment (its name prefix), to refuse a drill while one is in ALARM.',
    );
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a drill that never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
    });
  }

  /** The three functions: pre-checks (pure), the VPC prober, the verdict (pure). */
  private createFunctions(props: FailoverDrillWorkflowProps, window: Duration) {
    const base = { envName: props.envName, logGroup: props.functionLogGroup, environment: { WORKFLOW } };
    const prechecks = workflowFunction(this, 'PrechecksFunction', {
      ...base,
      name: 'failover-prechecks',
      description: 'Failover drill pre-checks: decides from the gathered facts whether the failover may be injected',
    });
    const report = workflowFunction(this, 'ReportFunction', {
      ...base,
      name: 'failover-report',
      description: 'Failover drill verdict: experiment end, post-checks, RDS events correlated with the downtime',
    });
    const targets = props.probeTargets;
    // Outbound only where the probes go: the data tier (rules added by allowTo) and HTTPS (the health
    // endpoint, Secrets Manager).
    const proberGroup = new ec2.SecurityGroup(this, 'ProberSecurityGroup', {
      vpc: props.vpc,
      description: `Failover drill prober of ${props.envName}: PostgreSQL, Redis, HTTPS out; nothing in`,
      allowAllOutbound: false,
    });
    proberGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Health endpoint and Secrets Manager');
    const prober = workflowFunction(this, 'ProberFunction', {
      ...base,
      name: 'downtime-prober',
      description: 'Failover drill prober: database, Redis and health endpoint about once a second for one window',
      // The window plus one probe timeout and the connection set-up: it never sleeps past its window.
      timeout: window.plus(Duration.seconds(30)),
      vpc: props.vpc,
      vpcSubnets: props.proberSubnets,
      securityGroups: [proberGroup],
      environment: {
        WORKFLOW,
        DB_HOST: targets.databaseHost,
        DB_PORT: String(targets.databasePort),
        DB_NAME: targets.databaseName,
        DB_SECRET_ARN: targets.databaseSecret.secretArn,
        REDIS_HOST: targets.cacheHost,
        REDIS_PORT: String(targets.cachePort),
        REDIS_TLS: String(targets.cacheTls),
        ...(targets.cacheAuthToken ? { REDIS_AUTH_SECRET_ARN: targets.cacheAuthToken.secretArn } : {}),
        HEALTH_URL: targets.healthUrl,
      },
    });
    // CDK's inline VPC access policy (what AWSLambdaVPCAccessExecutionRole grants): ENI actions have no resource scope.
    Validations.of(prober.role).acknowledge(
      ...[
        'CreateNetworkInterface',
        'DeleteNetworkInterface',
        'AssignPrivateIpAddresses',
        'UnassignPrivateIpAddresses',
      ].map((action) => ({
        id: `Interactions-NoMutatingWildcard[Action::ec2:${action}]`,
        reason:
          'Lambda in a VPC manages its own network interfaces; these EC2 actions accept only "*" (the AWSLambdaVPCAccessExecutionRole set).',
      })),
    );
    for (const secret of [targets.databaseSecret, targets.cacheAuthToken]) {
      if (secret !== undefined) grantSecretRead(prober.role, secret);
    }
    return { prechecks, prober, report };
  }

  /** Failure-path cleanup: stop the experiment when one was started and not seen ending. */
  private stopExperimentIfRunning(next: sfn.IChainable): sfn.IChainable {
    const stop = retryOn(
      new tasks.CallAwsService(this, 'Stop experiment', {
        service: 'fis',
        action: 'stopExperiment',
        parameters: { Id: sfn.JsonPath.stringAt('$.experiment.id') },
        iamResources: [experimentsArn(this)],
        iamAction: 'fis:StopExperiment',
        resultPath: '$.stopped',
      }),
      FIS_TRANSIENT_ERRORS,
    );
    catchCleanup(stop, next);
    stop.next(next);
    return new sfn.Choice(this, 'Experiment running?')
      .when(sfn.Condition.isPresent('$.experimentEnded'), next)
      .when(sfn.Condition.isPresent('$.experiment.id'), stop)
      .otherwise(next);
  }
}

/**
 * Read access to a platform secret through the prober's own policy only. `secret.grantRead` would
 * also add the role to the secret key's policy in the platform stack, making the platform depend on
 * the automation stack (a cycle); the keys' default policy lets the account's IAM grant them.
 */
function grantSecretRead(role: iam.IRole, secret: secretsmanager.ISecret): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
    }),
  );
  if (secret.encryptionKey !== undefined) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [secret.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(role).region}.amazonaws.com` } },
      }),
    );
  }
}

/** Adds the transient retry (jittered backoff) for services retry.ts has no prefix for. */
function retryOn<T extends sfn.TaskStateBase>(task: T, errors: readonly string[]): T {
  task.addRetry({ ...TRANSIENT_BACKOFF, errors: [...errors] });
  return task;
}

/** "Build output": the drill result at `path` plus the report's S3 URIs. */
function buildOutput(scope: Construct, name: string, path: string): sfn.Pass {
  return new sfn.Pass(scope, name, {
    parameters: {
      'outcome.$': `${path}.outcome`,
      'summary.$': `${path}.summary`,
      'checks.$': `${path}.checks`,
      'experiment.$': `${path}.experiment`,
      'downtime.$': `${path}.downtime`,
      'rdsEvents.$': `${path}.rdsEvents`,
      report: {
        'json.$': "States.Format('s3://{}/{}', $.notification.reports.bucket, $.notification.reports.json)",
        'markdown.$': "States.Format('s3://{}/{}', $.notification.reports.bucket, $.notification.reports.markdown)",
      },
    },
  });
}
