/**
 * RecoveryTestWorkflow: the monthly point-in-time recovery drill. Describes the platform's database,
 * plans the restore (restore point inside the restorable window, checked before anything is
 * created; temporary instance named from the execution), restores into that instance with every
 * placement explicit, waits with a Wait -> Describe -> Choice loop, verifies the data from a Lambda
 * in the VPC, ALWAYS deletes the instance (success and every failure path go through one delete),
 * measures RTO and RPO (EMF metrics, alarms on the environment's objectives) and files the evidence
 * report. The restore, wait and delete are the shared TemporaryDbInstance fragment. See README.md.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { RecoveryObjectives } from '../../infra/config/drills.js';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { NoMutatingWildcard, safetyFindingId } from '../../infra/safety-rules/index.js';
import type { RecoveryTestMetricName } from '../../shared/metrics-contract.js';
import { names } from '../../shared/naming.js';
import { drillVerdict } from '../common/drill-verdict.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { retrySdkTransient } from '../common/retry.js';
import { isScheduleExpression, nightlySchedule, oncePerScheduledEvent } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { TemporaryDbInstance } from '../common/temporary-db-instance.js';
import { workflowFunction } from '../common/workflow-function.js';
import { type AutomationWorkflow, type AutomationWorkflowProps, workflowSettings } from '../common/workflow-props.js';
import { RECOVERY_TEST_PURPOSE, type RestorePointMode } from './contract.js';
import { drillNetwork } from './network.js';
import { objectiveAlarms, objectiveWidgets } from './objectives.js';

const WORKFLOW = 'recovery-test';
const CONSTRUCT = 'RecoveryTestWorkflow';

/**
 * Time the execution keeps after the wait loop's budget: verification (its task timeout), the
 * delete with its busy retries (about 8 minutes), the evaluation and the report.
 */
const AFTER_WAIT_RESERVE = Duration.minutes(30);

/** The writes on "*" every function in a VPC needs for its network interfaces (see AutomationFunction). */
const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** The sweeper may delete a leftover instance this long after the execution's timeout. */
const EXPIRY_MARGIN = Duration.hours(1);

/** Props of RecoveryTestWorkflow (the automation stack maps config onto them). */
export interface RecoveryTestWorkflowProps extends AutomationWorkflowProps {
  /** The platform's database: the restore's source. */
  readonly database: rds.IDatabaseInstance;
  /** The key of the database's storage (the restored copy is encrypted with it). */
  readonly encryptionKey: kms.IKey;
  /** The database's credentials secret: the restored copy has the same users. */
  readonly databaseSecret: secretsmanager.ISecret;
  /** The database the checks connect to (config `database.databaseName`). */
  readonly databaseName: string;
  /** The environment's parameter group: the copy runs with the same settings. */
  readonly parameterGroup: rds.IParameterGroup;
  /** The platform's VPC. */
  readonly vpc: ec2.IVpc;
  /** The private data subnets the temporary instance is placed in (its DB subnet group). */
  readonly dataSubnets: ec2.SubnetSelection;
  /** Subnets of the verifier (it reaches Secrets Manager, and the instance). @default the VPC's private subnets with egress */
  readonly verifierSubnets?: ec2.SubnetSelection;
  /** EventBridge cron or rate expression of the monthly drill (config `drills.pitr.schedule`). */
  readonly scheduleExpression: string;
  /** Whether the schedule rule is enabled (config `drills.pitr.scheduleEnabled`). @default true */
  readonly scheduleEnabled?: boolean;
  /** Restore point when the request names none (config `drills.pitr.restorePointMode`). @default 'latest' */
  readonly restorePointMode?: RestorePointMode;
  /** Instance class of the temporary instance (config `drills.pitr.instanceClass`). @default 'db.t4g.medium' */
  readonly instanceClass?: string;
  /** Pause between polls of the restore, the resolution of the measured RTO (config `drills.pitr.pollInterval`). @default 1 minute */
  readonly pollInterval?: Duration;
  /** Overall execution timeout (config `drills.pitr.timeout`). @default 3 hours */
  readonly timeout?: Duration;
  /** RTO and RPO objectives the alarms compare with (config `drills.objectives`; the verifier reads the same config). */
  readonly objectives: RecoveryObjectives;
  /** Topic the objective alarms notify. @default alarms without actions (the dashboard shows them) */
  readonly alarmTopic?: sns.ITopic;
}

/** The checked timing of the drill. */
interface DrillTiming {
  readonly timeout: Duration;
  readonly pollInterval: Duration;
  readonly waitBudget: Duration;
}

/** Fills and checks the timing; throws `RecoveryTestWorkflow: <prop> must ...` naming the prop. */
function drillTiming(timeout: Duration, props: RecoveryTestWorkflowProps): DrillTiming {
  const pollInterval = props.pollInterval ?? Duration.minutes(1);
  if (pollInterval.toSeconds() < 1) {
    throw new Error(`${CONSTRUCT}: pollInterval must be at least 1 second (got ${pollInterval.toHumanString()})`);
  }
  const waitBudget = timeout.toSeconds() - AFTER_WAIT_RESERVE.toSeconds();
  if (waitBudget < pollInterval.toSeconds()) {
    throw new Error(
      `${CONSTRUCT}: timeout (${timeout.toHumanString()}) must exceed ${AFTER_WAIT_RESERVE.toHumanString()} (verification, cleanup, report) by at least one pollInterval (${pollInterval.toHumanString()})`,
    );
  }
  return { timeout, pollInterval, waitBudget: Duration.seconds(waitBudget) };
}

function checkObjectives(objectives: RecoveryObjectives): void {
  for (const [prop, value] of Object.entries(objectives)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`${CONSTRUCT}: objectives.${prop} must be a positive number of minutes (got ${value})`);
    }
  }
}

/** The monthly point-in-time recovery drill (see the module comment). */
export class RecoveryTestWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-recovery-test`. */
  readonly stateMachine: sfn.StateMachine;
  /** The drill's functions, for alarms and dashboards. */
  readonly functions: {
    readonly plan: lambda.IFunction;
    readonly verify: lambda.IFunction;
    readonly evaluate: lambda.IFunction;
  };
  /** The monthly EventBridge rule. */
  readonly schedule: events.Rule;
  /** The verifier's security group: the only one the temporary instance admits. */
  readonly verifierSecurityGroup: ec2.SecurityGroup;
  /** The temporary instance's security group. */
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  /** The DB subnet group of the temporary instances (the data subnets). */
  readonly subnetGroup: rds.SubnetGroup;
  /** Alarms on the measured RTO and RPO against the objectives. */
  readonly objectiveAlarms: Readonly<Record<RecoveryTestMetricName, cloudwatch.Alarm>>;
  /** Dashboard graphs of the measured RTO and RPO against their objectives (one point per drill). */
  readonly objectiveWidgets: readonly cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: RecoveryTestWorkflowProps) {
    super(scope, id);
    const { envName } = props;
    const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, { timeout: Duration.hours(3) });
    const timing = drillTiming(timeout, props);
    checkObjectives(props.objectives);
    if (!isScheduleExpression(props.scheduleExpression)) {
      throw new Error(
        `${CONSTRUCT}: scheduleExpression must be a cron(...) or rate(...) expression (got "${props.scheduleExpression}")`,
      );
    }
    const instanceId = props.database.instanceIdentifier;
    const machineName = names.stateMachine(envName, WORKFLOW);

    const network = drillNetwork(this, {
      vpc: props.vpc,
      dataSubnets: props.dataSubnets,
      name: machineName,
    });
    this.verifierSecurityGroup = network.verifierSecurityGroup;
    this.instanceSecurityGroup = network.instanceSecurityGroup;
    this.subnetGroup = network.subnetGroup;

    const plan = workflowFunction(this, 'PlanFunction', {
      envName,
      name: 'plan-point-in-time-restore',
      description: `Chooses the restore point of ${instanceId} and names the drill's temporary instance (no AWS calls)`,
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
    });
    const verify = workflowFunction(this, 'VerifyFunction', {
      envName,
      name: 'verify-restored-data',
      description: `Runs the data checks against a restored copy of ${instanceId} (read-only, TLS)`,
      // The checks, RPO objective and timeouts are its environment's config.drills, compiled in.
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      // Restored instances load blocks lazily from S3: the first queries are slow.
      timeout: Duration.minutes(5),
      vpc: props.vpc,
      vpcSubnets: props.verifierSubnets,
      securityGroups: [this.verifierSecurityGroup],
    });
    // Principal policy only, not grantRead: that would also write the platform stack's key policy,
    // a reference back into this stack (a dependency cycle); the key's policy admits account IAM.
    verify.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [props.databaseSecret.secretArn],
      }),
    );
    verify.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` },
        },
      }),
    );
    const evaluate = workflowFunction(this, 'EvaluateFunction', {
      envName,
      name: 'evaluate-recovery-test',
      description: 'Measures RTO and RPO of the drill against the objectives and publishes them (EMF)',
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
    });
    this.functions = { plan: plan.function, verify: verify.function, evaluate: evaluate.function };

    const temporary = new TemporaryDbInstance(this, 'TemporaryInstance', {
      envName,
      source: props.database,
      encryptionKey: props.encryptionKey,
      namePrefix: `${names.prefix(envName)}-${RECOVERY_TEST_PURPOSE}-`,
      planPath: '$.plan',
      placement: {
        subnetGroupName: this.subnetGroup.subnetGroupName,
        securityGroups: [this.instanceSecurityGroup],
        parameterGroupName: props.parameterGroup.bindToInstance({}).parameterGroupName,
        instanceClass: props.instanceClass ?? 'db.t4g.medium',
      },
      pollInterval: timing.pollInterval,
      waitBudget: timing.waitBudget,
    });

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `Point-in-time recovery drill of ${instanceId} failed`,
      cleanup: (next) => temporary.deletion(next),
    });
    const describeSource = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Describe source database', {
          service: 'rds',
          action: 'describeDBInstances',
          parameters: { DbInstanceIdentifier: instanceId },
          iamResources: [props.database.instanceArn],
          iamAction: 'rds:DescribeDBInstances',
          resultSelector: { 'instance.$': '$.DbInstances[0]' },
          resultPath: '$.source',
        }),
        'Rds',
      ),
    );
    // No create before this passes: a restore point RDS could not honour fails here.
    const planRestore = failure.catch(
      lambdaTask(this, 'Plan restore', {
        workflow: WORKFLOW,
        lambdaFunction: plan.function,
        payload: {
          environment: envName,
          purpose: RECOVERY_TEST_PURPOSE,
          mode: props.restorePointMode ?? 'latest',
          expiresAfterMinutes: timing.timeout.plus(EXPIRY_MARGIN).toMinutes(),
          request: sfn.JsonPath.objectAt('$$.Execution.Input'),
          source: sfn.JsonPath.objectAt('$.source.instance'),
        },
        resultPath: '$.plan',
      }),
    );

    const verifyData = lambdaTask(this, 'Verify restored data', {
      workflow: WORKFLOW,
      lambdaFunction: verify.function,
      payload: {
        endpoint: {
          address: sfn.JsonPath.stringAt(temporary.endpointAddressPath),
          port: sfn.JsonPath.numberAt(temporary.endpointPortPath),
        },
        databaseName: props.databaseName,
        secretArn: props.databaseSecret.secretArn,
        restorePoint: sfn.JsonPath.stringAt('$.plan.restorePoint'),
      },
      resultPath: '$.verification',
    });
    // A verifier that cannot run is a failed drill, but first the instance goes: through the one delete.
    const deletion = temporary.deletion(failure.startState);
    verifyData.addCatch(deletion, { errors: ['States.ALL'], resultPath: '$.verificationError' });
    verifyData.next(deletion);

    const evaluateDrill = failure.catch(
      lambdaTask(this, 'Evaluate drill', {
        workflow: WORKFLOW,
        lambdaFunction: evaluate.function,
        payload: { objectives: { ...props.objectives }, drill: sfn.JsonPath.objectAt('$') },
        resultPath: '$.evaluation',
      }),
    );
    temporary.continueAfterDeletion(evaluateDrill);

    evaluateDrill.next(
      drillVerdict(this, {
        workflow: WORKFLOW,
        envName,
        notifyFunction: props.notifyFunction,
        failure,
        choiceName: 'Data verified and cleaned up?',
        errorName: 'RecoveryTestFailed',
        outputFields: [
          'restorePoint',
          'restorePointMode',
          'temporaryInstance',
          'rtoSeconds',
          'rpoSeconds',
          'objectivesMet',
          'checks',
        ],
      }),
    );

    describeSource.next(planRestore).next(temporary.restoreAndWait(failure, verifyData));

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: oncePerScheduledEvent(this, { stateMachineName: machineName, run: describeSource, failure }),
      timeout: timing.timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Point-in-time recovery drill of ${instanceId}: plan, restore into a temporary instance, verify, delete, measure RTO/RPO, report`,
    });
    this.stateMachine = machine.stateMachine;

    this.schedule = nightlySchedule(this, 'MonthlySchedule', {
      schedule: props.scheduleExpression,
      stateMachine: this.stateMachine,
      description: `Starts ${machineName} every month`,
      enabled: props.scheduleEnabled,
      // The first state starts the run named from the event: a duplicate delivery is a no-op.
      handOver: true,
    });
    this.objectiveAlarms = objectiveAlarms(this, envName, props.objectives, props.alarmTopic);
    this.objectiveWidgets = objectiveWidgets(envName, this.objectiveAlarms);

    acknowledgeWildcard(
      this.stateMachine,
      temporary.instancesArnPattern,
      'Temporary instances are named from the execution at run time under the drill prefix; restore and tagging require the automation request tags, delete requires the automation resource tags.',
    );
    // The ENI actions AWSLambdaVPCAccessExecutionRole grants (AutomationFunction, for any function in a VPC).
    for (const action of VPC_ENI_ACTIONS) {
      Validations.of(verify.role).acknowledge({
        id: safetyFindingId(NoMutatingWildcard, `Action::${action}`),
        reason:
          'Lambda creates and removes the network interfaces of a function in a VPC on "*", as AWSLambdaVPCAccessExecutionRole grants; the function itself never calls them.',
      });
    }
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a month that still never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
    });
  }
}
