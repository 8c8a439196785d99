/**
 * FullRestoreTestWorkflow: the quarterly full application restore test. Reads the backend's running
 * task definition and plans the restore before anything is created; restores the cache from its
 * newest snapshot into a temporary replication group (TemporaryReplicationGroup) while the database
 * restores to its latest restorable time into a temporary instance (TemporaryDbInstance, as the PITR
 * drill); starts the running backend image as a one-off Fargate task pointed at both (container
 * overrides of DB_HOST, REDIS_HOST, REDIS_PORT) in a group of dedicated security groups that admit
 * nothing of the platform; runs the configured health and API checks against the task's private IP;
 * ALWAYS tears down (stop task, delete group, delete instance: success and every failure path go
 * through the same three states); measures each phase and the RTO (EMF) and files the evidence report.
 * See README.md.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { HttpCheckConfig } from '../../infra/config/verification.js';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { POSTGRES_PORT, REDIS_PORT } from '../../infra/constructs/network.js';
import { NoMutatingWildcard, safetyFindingId } from '../../infra/safety-rules/index.js';
import { names } from '../../shared/naming.js';
import { drillVerdict } from '../common/drill-verdict.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { retrySdkTransient } from '../common/retry.js';
import { isScheduleExpression, nightlySchedule, oncePerScheduledEvent } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { TemporaryDbInstance } from '../common/temporary-db-instance.js';
import { type CacheAuthToken, TemporaryReplicationGroup } from '../common/temporary-replication-group.js';
import { workflowFunction } from '../common/workflow-function.js';
import { type AutomationWorkflow, type AutomationWorkflowProps, workflowSettings } from '../common/workflow-props.js';
import { FULL_RESTORE_PURPOSE } from './contract.js';
import { BACKEND_TASK_STATES, type FullRestoreBackendRefs, RestoredBackendTask } from './restored-backend-task.js';

const WORKFLOW = 'full-restore-test';
const CONSTRUCT = 'FullRestoreTestWorkflow';

/** The waits after the database's: the cache (started before the database, usually ready) and the task. */
const CACHE_WAIT_BUDGET = Duration.minutes(30);
const TASK_WAIT_BUDGET = Duration.minutes(15);
/** After the waits: the smoke checks, the teardown with its busy retries (up to ~25 min), the evaluation, the report. */
const AFTER_WAIT_RESERVE = Duration.minutes(45);

/** The sweeper may delete a leftover this long after the execution's timeout. */
const EXPIRY_MARGIN = Duration.hours(1);

/** The writes on "*" every function in a VPC needs for its network interfaces (see AutomationFunction). */
const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** State names tests, runbooks and dashboards refer to (besides TemporaryDbInstance's and TemporaryReplicationGroup's). */
export const FULL_RESTORE_STATES = {
  ...BACKEND_TASK_STATES,
  describeBackend: 'Describe backend service',
  noteDatabaseAvailable: 'Note database available',
  noteCacheAvailable: 'Note cache available',
  smoke: 'Run smoke checks',
  evaluate: 'Evaluate drill',
  verdict: 'Restore verified and torn down?',
} as const;

/** The platform's cache, as the restore needs it. */
export interface FullRestoreCacheRefs {
  /** The platform's replication group (`interactions-<env>`): the snapshots' source. */
  readonly replicationGroupId: string;
  /** Its cache subnet group: the temporary group goes into the same subnets. */
  readonly subnetGroupName: string;
  /** Its Redis engine version. */
  readonly engineVersion: string;
  /** Its AUTH token. @default none: the platform has no AUTH and no transit encryption (dev) */
  readonly authToken?: CacheAuthToken;
}

export type { FullRestoreBackendRefs } from './restored-backend-task.js';

/** Props of FullRestoreTestWorkflow (the automation stack maps config onto them). */
export interface FullRestoreTestWorkflowProps extends AutomationWorkflowProps {
  /** The platform's database: the restore's source. */
  readonly database: rds.IDatabaseInstance;
  /** The key of the database's storage (the restored copy is encrypted with it). */
  readonly encryptionKey: kms.IKey;
  /** The environment's parameter group: the copy runs with the same settings. */
  readonly parameterGroup: rds.IParameterGroup;
  /** The platform's cache. */
  readonly cache: FullRestoreCacheRefs;
  /** The platform's backend service. */
  readonly backend: FullRestoreBackendRefs;
  /** The platform's VPC. */
  readonly vpc: ec2.IVpc;
  /** The private data subnets the temporary instance is placed in (its DB subnet group). */
  readonly dataSubnets: ec2.SubnetSelection;
  /**
   * An existing DB subnet group of exactly `dataSubnets` to restore into (the PITR drill's), so the
   * drills share one. @default a DB subnet group of this workflow's own over `dataSubnets`
   */
  readonly dataSubnetGroupName?: string;
  /**
   * The PITR drill's plan-point-in-time-restore function, shared: function names are unique per
   * environment (`interactions-<env>-plan-point-in-time-restore`), so two drills in one stack cannot
   * each own one. It makes no AWS call, so it needs no permission of this workflow's.
   * @default a function of this workflow's own (a stack without the PITR drill, e.g. the testbed)
   */
  readonly planFunction?: lambda.IFunction;
  /** Subnets of the task and the smoke checks (the task pulls its image through NAT). */
  readonly appSubnets: ec2.SubnetSelection;
  /** The configured health and API checks (config `verification.httpChecks`). */
  readonly smokeChecks: readonly HttpCheckConfig[];
  /** Each check's timeout (config `verification.timeoutsSeconds.http`). */
  readonly smokeCheckTimeout: Duration;
  /** EventBridge cron expression of the quarterly run (config `drills.fullRestore.schedule`). */
  readonly scheduleExpression: string;
  /** Whether the schedule rule is enabled (config `drills.fullRestore.scheduleEnabled`). @default true */
  readonly scheduleEnabled?: boolean;
  /** Instance class of the temporary instance (config `drills.fullRestore.instanceClass`). @default 'db.t4g.medium' */
  readonly instanceClass?: string;
  /** Node type of the temporary replication group (config `drills.fullRestore.cacheNodeType`). @default 'cache.t4g.small' */
  readonly cacheNodeType?: string;
  /** Pause between polls, the resolution of the phases and the RTO (config `drills.fullRestore.pollIntervalSeconds`). @default 1 minute */
  readonly pollInterval?: Duration;
  /** Overall execution timeout (config `drills.fullRestore.timeoutMinutes`). @default 4 hours */
  readonly timeout?: Duration;
  /** RTO objective of the full restore, in minutes (config `drills.objectives.rtoMinutes`). */
  readonly rtoObjectiveMinutes: number;
}

/** The checked timing. */
interface DrillTiming {
  readonly timeout: Duration;
  readonly pollInterval: Duration;
  readonly databaseWaitBudget: Duration;
}

function drillTiming(timeout: Duration, props: FullRestoreTestWorkflowProps): DrillTiming {
  const pollInterval = props.pollInterval ?? Duration.minutes(1);
  if (pollInterval.toSeconds() < 1) {
    throw new Error(`${CONSTRUCT}: pollInterval must be at least 1 second (got ${pollInterval.toHumanString()})`);
  }
  const after = CACHE_WAIT_BUDGET.toSeconds() + TASK_WAIT_BUDGET.toSeconds() + AFTER_WAIT_RESERVE.toSeconds();
  const databaseWait = timeout.toSeconds() - after;
  if (databaseWait < pollInterval.toSeconds()) {
    throw new Error(
      `${CONSTRUCT}: timeout (${timeout.toHumanString()}) must exceed ${after / 60} minutes (cache and task waits, checks, teardown, report) by at least one pollInterval`,
    );
  }
  return { timeout, pollInterval, databaseWaitBudget: Duration.seconds(databaseWait) };
}

/** A Fargate task starts in a minute or two: it is polled at most every 15 seconds. */
function taskPollInterval(timing: DrillTiming): Duration {
  return Duration.seconds(Math.min(timing.pollInterval.toSeconds(), 15));
}

/** The quarterly full application restore test (see the module comment). */
export class FullRestoreTestWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-full-restore-test`. */
  readonly stateMachine: sfn.StateMachine;
  /** The drill's functions, for alarms and dashboards. */
  readonly functions: {
    readonly plan: lambda.IFunction;
    readonly restoreCache: lambda.IFunction;
    readonly smokeChecks: lambda.IFunction;
    readonly evaluate: lambda.IFunction;
  };
  /** The quarterly EventBridge rule. */
  readonly schedule: events.Rule;
  /**
   * The drill's dedicated security groups, created once with the stack: the restored task admits
   * only the smoke checks, the restored instance and group admit only the task, and nothing of the
   * platform admits any of them, so the restored backend cannot reach the live database or cache.
   */
  readonly securityGroups: {
    readonly task: ec2.SecurityGroup;
    readonly smokeChecks: ec2.SecurityGroup;
    readonly database: ec2.SecurityGroup;
    readonly cache: ec2.SecurityGroup;
  };

  constructor(scope: Construct, id: string, props: FullRestoreTestWorkflowProps) {
    super(scope, id);
    const { envName, backend } = props;
    const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, { timeout: Duration.hours(4) });
    const timing = drillTiming(timeout, props);
    if (!Number.isFinite(props.rtoObjectiveMinutes) || props.rtoObjectiveMinutes <= 0) {
      throw new Error(`${CONSTRUCT}: rtoObjectiveMinutes must be a positive number (got ${props.rtoObjectiveMinutes})`);
    }
    if (props.smokeChecks.length === 0)
      throw new Error(`${CONSTRUCT}: smokeChecks must name at least the health check`);
    if (!isScheduleExpression(props.scheduleExpression)) {
      throw new Error(
        `${CONSTRUCT}: scheduleExpression must be a cron(...) or rate(...) expression (got "${props.scheduleExpression}")`,
      );
    }
    const machineName = names.stateMachine(envName, WORKFLOW);
    const stack = Stack.of(this);
    this.securityGroups = this.isolatedGroups(props, machineName);
    const subnetGroupName =
      props.dataSubnetGroupName ??
      new rds.SubnetGroup(this, 'SubnetGroup', {
        vpc: props.vpc,
        vpcSubnets: props.dataSubnets,
        description: `${machineName} temporary instances: the private data subnets`,
        subnetGroupName: `${machineName}-data`,
        removalPolicy: RemovalPolicy.DESTROY,
      }).subnetGroupName;

    const planFunction =
      props.planFunction ??
      workflowFunction(this, 'PlanFunction', {
        envName,
        name: 'plan-point-in-time-restore',
        description: `Plans the full restore test of ${props.database.instanceIdentifier}: latest point, temporary names (no AWS calls)`,
        environment: { WORKFLOW },
        logGroup: props.functionLogGroup,
      }).function;
    const restoreCache = workflowFunction(this, 'RestoreCacheFunction', {
      envName,
      name: 'restore-cache-snapshot',
      description: `Restores the newest snapshot of ${props.cache.replicationGroupId} into the drill's temporary replication group`,
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
    });
    const smoke = workflowFunction(this, 'SmokeChecksFunction', {
      envName,
      name: 'smoke-check-restored-backend',
      description: 'Runs the health and API checks against the restored backend task (HTTP, inside the VPC)',
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      vpc: props.vpc,
      vpcSubnets: props.appSubnets,
      securityGroups: [this.securityGroups.smokeChecks],
    });
    const evaluate = workflowFunction(this, 'EvaluateFunction', {
      envName,
      name: 'evaluate-full-restore',
      description: 'Measures the phases and the RTO of the full restore test and publishes the RTO (EMF)',
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
    });
    this.functions = {
      plan: planFunction,
      restoreCache: restoreCache.function,
      smokeChecks: smoke.function,
      evaluate: evaluate.function,
    };

    const database = new TemporaryDbInstance(this, 'TemporaryInstance', {
      envName,
      source: props.database,
      encryptionKey: props.encryptionKey,
      namePrefix: `${names.prefix(envName)}-${FULL_RESTORE_PURPOSE}-`,
      planPath: '$.plan',
      placement: {
        subnetGroupName,
        securityGroups: [this.securityGroups.database],
        parameterGroupName: props.parameterGroup.bindToInstance({}).parameterGroupName,
        instanceClass: props.instanceClass ?? 'db.t4g.medium',
      },
      pollInterval: timing.pollInterval,
      waitBudget: timing.databaseWaitBudget,
    });
    const cache = new TemporaryReplicationGroup(this, 'TemporaryCache', {
      envName,
      workflow: WORKFLOW,
      purpose: FULL_RESTORE_PURPOSE,
      restoreFunction: restoreCache.function,
      sourceReplicationGroupId: props.cache.replicationGroupId,
      subnetGroupName: props.cache.subnetGroupName,
      securityGroupIds: [this.securityGroups.cache.securityGroupId],
      nodeType: props.cacheNodeType ?? 'cache.t4g.small',
      engineVersion: props.cache.engineVersion,
      port: REDIS_PORT,
      authToken: props.cache.authToken,
      tagsPath: '$.plan.instance.tags',
      pollInterval: timing.pollInterval,
      waitBudget: CACHE_WAIT_BUDGET,
    });

    const task = new RestoredBackendTask(this, 'RestoredBackendTask', {
      envName,
      backend,
      subnets: props.vpc.selectSubnets(props.appSubnets).subnetIds,
      securityGroup: this.securityGroups.task,
      taskDefinitionPath: '$.backend.taskDefinition',
      targets: {
        databaseHostPath: database.endpointAddressPath,
        cacheHostPath: cache.endpointAddressPath,
        // The temporary group is created on the platform's port.
        cachePort: REDIS_PORT,
      },
      tagsPath: '$.plan.instance.tags',
      pollInterval: taskPollInterval(timing),
      waitBudget: TASK_WAIT_BUDGET,
    });
    const states = FULL_RESTORE_STATES;

    // Teardown, in dependency order: the task (it holds connections), the group, the instance; the
    // instance's "Deleted after a failure?" then routes to the notification or the evaluation.
    let teardownEntry: sfn.IChainable | undefined;
    const teardown = (afterFailure: sfn.IChainable): sfn.IChainable => {
      teardownEntry ??= task.stop(cache.deletion(database.deletion(afterFailure)));
      return teardownEntry;
    };

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `Full restore test of ${envName} failed`,
      cleanup: (next) => teardown(next),
    });
    const teardownStart = teardown(failure.startState);

    const describeSource = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Describe source database', {
          service: 'rds',
          action: 'describeDBInstances',
          parameters: { DbInstanceIdentifier: props.database.instanceIdentifier },
          iamResources: [props.database.instanceArn],
          iamAction: 'rds:DescribeDBInstances',
          resultSelector: { 'instance.$': '$.DbInstances[0]' },
          resultPath: '$.source',
        }),
        'Rds',
      ),
    );
    const planRestore = failure.catch(
      lambdaTask(this, 'Plan restore', {
        workflow: WORKFLOW,
        lambdaFunction: planFunction,
        payload: {
          environment: envName,
          purpose: FULL_RESTORE_PURPOSE,
          // What an incident would restore to.
          mode: 'latest',
          expiresAfterMinutes: timing.timeout.plus(EXPIRY_MARGIN).toMinutes(),
          request: sfn.JsonPath.objectAt('$$.Execution.Input'),
          source: sfn.JsonPath.objectAt('$.source.instance'),
        },
        resultPath: '$.plan',
      }),
    );
    // The image that runs now: read before anything is created, so a missing service creates nothing.
    const describeBackend = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, states.describeBackend, {
          service: 'ecs',
          action: 'describeServices',
          parameters: { Cluster: backend.clusterName, Services: [backend.serviceName] },
          iamResources: [
            stack.formatArn({
              service: 'ecs',
              resource: 'service',
              resourceName: `${backend.clusterName}/${backend.serviceName}`,
            }),
          ],
          iamAction: 'ecs:DescribeServices',
          resultSelector: { 'taskDefinition.$': '$.Services[0].TaskDefinition' },
          resultPath: '$.backend',
        }),
        'Ecs',
      ),
    );

    const smokeChecks = lambdaTask(this, states.smoke, {
      workflow: WORKFLOW,
      lambdaFunction: smoke.function,
      payload: {
        task: sfn.JsonPath.objectAt(task.describedPath),
        port: backend.port,
        checks: props.smokeChecks.map((check) => ({ ...check })),
        timeoutSeconds: props.smokeCheckTimeout.toSeconds(),
      },
      resultPath: '$.smoke',
    });
    // Checks that cannot run fail the drill, but first everything goes: through the one teardown.
    smokeChecks.addCatch(teardownStart, { errors: ['States.ALL'], resultPath: '$.smokeError' });
    smokeChecks.next(teardownStart);

    const evaluateDrill = failure.catch(
      lambdaTask(this, states.evaluate, {
        workflow: WORKFLOW,
        lambdaFunction: evaluate.function,
        payload: {
          rtoObjectiveMinutes: props.rtoObjectiveMinutes,
          pollIntervalSeconds: {
            restores: timing.pollInterval.toSeconds(),
            task: taskPollInterval(timing).toSeconds(),
          },
          drill: sfn.JsonPath.objectAt('$'),
        },
        resultPath: '$.evaluation',
      }),
    );
    database.continueAfterDeletion(evaluateDrill);

    evaluateDrill.next(
      drillVerdict(this, {
        workflow: WORKFLOW,
        envName,
        notifyFunction: props.notifyFunction,
        failure,
        choiceName: states.verdict,
        errorName: 'FullRestoreTestFailed',
        outputFields: [
          'restorePoint',
          'cacheSnapshot',
          'temporaryInstance',
          'temporaryReplicationGroup',
          'taskDefinition',
          'rtoSeconds',
          'objectiveMet',
          'phases',
          'checks',
        ],
      }),
    );

    const cacheReady = this.mark(states.noteCacheAvailable, 'cacheAvailable');
    cacheReady.next(task.runAndWait(failure, smokeChecks));
    const databaseReady = this.mark(states.noteDatabaseAvailable, 'databaseAvailable');
    databaseReady.next(cache.waitUntilAvailable(failure, cacheReady));

    describeSource
      .next(planRestore)
      .next(describeBackend)
      .next(cache.create(failure))
      .next(database.restoreAndWait(failure, databaseReady));

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: oncePerScheduledEvent(this, { stateMachineName: machineName, run: describeSource, failure }),
      timeout: timing.timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Full restore test of ${envName}: database and cache restored, backend task smoke-tested, everything torn down, RTO measured, report`,
    });
    this.stateMachine = machine.stateMachine;

    this.schedule = nightlySchedule(this, 'QuarterlySchedule', {
      schedule: props.scheduleExpression,
      stateMachine: this.stateMachine,
      description: `Starts ${machineName} every quarter`,
      enabled: props.scheduleEnabled,
      handOver: true,
    });
    this.acknowledge(database, cache, task, smoke.role);
  }

  /**
   * A Pass noting how many polls the wait that just ended took (`$.marks.<field>.polls`): the phase
   * lasted at most that many poll intervals, the resolution of every measured phase.
   */
  private mark(stateName: string, field: string): sfn.Pass {
    return new sfn.Pass(this, stateName, {
      parameters: { 'polls.$': '$.poll.count' },
      resultPath: `$.marks.${field}`,
    });
  }

  /** The drill's four security groups (see `securityGroups`). */
  private isolatedGroups(props: FullRestoreTestWorkflowProps, machineName: string) {
    const group = (id: string, description: string) =>
      new ec2.SecurityGroup(this, id, {
        vpc: props.vpc,
        description: `${machineName} ${description}`,
        allowAllOutbound: false,
      });
    const task = group(
      'TaskSecurityGroup',
      'restored backend task: from the smoke checks, to the restored copies and HTTPS',
    );
    const smokeChecks = group('SmokeChecksSecurityGroup', 'smoke checks: to the restored backend task only');
    const database = group(
      'RestoredInstanceSecurityGroup',
      'temporary instances: PostgreSQL from the restored task only',
    );
    const cache = group(
      'RestoredCacheSecurityGroup',
      'temporary replication groups: Redis from the restored task only',
    );
    const port = ec2.Port.tcp(props.backend.port);
    task.addIngressRule(smokeChecks, port, 'Smoke checks');
    smokeChecks.addEgressRule(task, port, 'To the restored backend task');
    database.addIngressRule(task, ec2.Port.tcp(POSTGRES_PORT), 'PostgreSQL from the restored task');
    task.addEgressRule(database, ec2.Port.tcp(POSTGRES_PORT), 'PostgreSQL to the restored instance');
    cache.addIngressRule(task, ec2.Port.tcp(REDIS_PORT), 'Redis from the restored task');
    task.addEgressRule(cache, ec2.Port.tcp(REDIS_PORT), 'Redis to the restored replication group');
    task.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: image pull, secrets and logs (through NAT)');
    return { task, smokeChecks, database, cache };
  }

  /** The narrow acknowledgements this construct's grants cause. */
  private acknowledge(
    database: TemporaryDbInstance,
    cache: TemporaryReplicationGroup,
    task: RestoredBackendTask,
    smokeRole: iam.IRole,
  ): void {
    acknowledgeWildcard(
      this.stateMachine,
      database.instancesArnPattern,
      'Temporary instances are named from the execution at run time under the drill prefix; restore and tagging require the automation request tags, delete requires the automation resource tags.',
    );
    for (const pattern of cache.arnPatterns) {
      acknowledgeWildcard(
        this.stateMachine,
        pattern,
        'Temporary replication groups are named from the execution at run time under the drill prefix; delete requires the automation resource tags.',
      );
    }
    acknowledgeWildcard(
      this.stateMachine,
      task.tasksArnPattern,
      'Task ids are assigned by ECS at run time; run requires the automation request tags and the backend family, stop requires the automation resource tags.',
    );
    acknowledgeWildcard(
      this.stateMachine,
      task.taskDefinitionsArnPattern,
      'Every revision of the backend family: the drill runs the revision the service runs now, read at run time.',
    );
    for (const action of VPC_ENI_ACTIONS) {
      Validations.of(smokeRole).acknowledge({
        id: safetyFindingId(NoMutatingWildcard, `Action::${action}`),
        reason:
          'Lambda creates and removes the network interfaces of a function in a VPC on "*", as AWSLambdaVPCAccessExecutionRole grants; the function itself never calls them.',
      });
    }
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a quarter that still never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
    });
  }
}
