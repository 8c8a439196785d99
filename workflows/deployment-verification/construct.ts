/**
 * DeploymentVerificationWorkflow: every check of the seed's "Deployment Verification", in parallel,
 * for one environment. Started by the CI hook (the CLI waits for it), by a blue/green lifecycle hook
 * (with the new revision's test URL and task definitions), by hand, or as a drift check (a schedule
 * and ECS deployment state changes, handed over to a run named from the event). The run SUCCEEDS
 * whenever it could check, failed checks included: its output carries the verdict and every check's
 * result, and the report is filed and, on failure, notified. It FAILS (catch-all: notify + fail) only
 * when it could not check at all. See README.md.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { VerificationConfig } from '../../infra/config/verification.js';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { POSTGRES_PORT, REDIS_PORT } from '../../infra/constructs/network.js';
import { names, WORKFLOWS } from '../../shared/naming.js';
import { elastiCacheArn } from '../common/arns.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { NestedExecution } from '../common/nested-execution.js';
import { TRANSIENT_BACKOFF } from '../common/retry.js';
import { isScheduleExpression } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { workflowFunction } from '../common/workflow-function.js';
import { type AutomationWorkflow, type AutomationWorkflowProps, workflowSettings } from '../common/workflow-props.js';
import { COMPONENTS } from './contract.js';

const WORKFLOW = 'deployment-verification';
const CONSTRUCT = 'DeploymentVerificationWorkflow';

/** The field of a rule's target input that carries the triggering event (schedule or ECS deployment). */
const DELIVERED_EVENT_FIELD = 'deliveredEvent';

/** Prefix of the name of a drift run started from an event: `drift-<event id>`. */
const DRIFT_RUN_PREFIX = 'drift-';

/** State names tests, runbooks and dashboards refer to. */
export const VERIFICATION_STATES = {
  delivered: 'Delivered by an event?',
  handOver: 'Start drift run named from the event',
  handedOver: 'Handed over',
  duplicate: 'Skip duplicate delivery',
  readTags: 'Read deployed image tags',
  checks: 'Run checks in parallel',
  deploymentState: 'Check deployment state',
  deploymentStateChecked: 'Deployment state checked',
  deploymentStateFailed: 'Deployment state not checked',
  probes: 'Run probes',
  probesChecked: 'Probes checked',
  probesFailed: 'Probes not run',
  summarize: 'Summarize verdict',
  anyFailed: 'Any check failed?',
  reportFailed: 'Report failed checks',
  reportPassed: 'Report passed checks',
  output: 'Build output',
  done: 'Deployment checked',
} as const;

/** A metric of the dashboards that must have datapoints (CloudWatch's namespace, name, dimensions). */
export interface KeyMetricProps {
  /** How the finding names it, e.g. "backend CPU". */
  readonly label: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** @default 'SampleCount' */
  readonly statistic?: string;
}

/** Props of DeploymentVerificationWorkflow. */
export interface DeploymentVerificationWorkflowProps extends AutomationWorkflowProps {
  /** The probes' settings (config `verification`): HTTP checks, login, frontend, cache key, timeouts. */
  readonly verification: VerificationConfig;
  /**
   * VPC the probes run in, to reach the database, the cache and internal test listeners.
   * @default outside any VPC: the database and cache checks cannot connect (use only in tests)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Security groups of the probes function in `vpc`, used as given (they must let the probes out).
   * @default `probeSecurityGroup`: out only on HTTPS, the test listener port and the data ports
   */
  readonly probeSecurityGroups?: readonly ec2.ISecurityGroup[];
  /**
   * Port of the ALB's blue/green test listener, which a lifecycle hook's run probes (`targetUrl`).
   * @default no test listener (rolling deployments): the probes' own group sends nothing out on it
   */
  readonly testListenerPort?: number;
  /** The environment's URL the HTTP, API and auth probes call. @default none: those probes are skipped unless a run gives `targetUrl` */
  readonly appUrl?: string;
  /** The CDN's URL the frontend assets probe calls. @default none: the frontend probe is skipped */
  readonly cdnUrl?: string;
  /** Secret with the synthetic user (`{ "username", "password" }`). @default `/interactions/<env>/verification-login`; a missing secret skips the auth probe */
  readonly loginSecretName?: string;
  /** Secret of the database credentials (RDS JSON with host, port, dbname). @default `names.dbCredentialsSecret(envName)` */
  readonly databaseSecretName?: string;
  /**
   * The cache the cache probe connects to. @default the environment's replication group, without TLS
   */
  readonly cache?: {
    /** @default `names.cacheReplicationGroup(envName)` */
    readonly replicationGroupId?: string;
    /** In-transit encryption: TLS plus the AUTH token of `authSecretName`. */
    readonly tls: boolean;
    /** The AUTH token's secret. @default `/interactions/<env>/redis-auth-token` with `tls`, else no AUTH */
    readonly authSecretName?: string;
  };
  /** Longest a single check may take, in seconds. @default 20 */
  readonly checkTimeoutSeconds?: number;
  /** Metrics of the dashboards that must have datapoints. @default ECS CPU of both services, RDS CPU and cache CPU of the environment */
  readonly keyMetrics?: readonly KeyMetricProps[];
  /** How far back a key metric's datapoints count, in minutes. @default 10 */
  readonly metricWindowMinutes?: number;
  /** EventBridge schedule of the drift check (cron or rate). @default no scheduled drift check */
  readonly driftScheduleExpression?: string;
  /**
   * Start a drift run after each ECS deployment of the environment's cluster completes or fails.
   * @default true
   */
  readonly verifyAfterDeploymentEvents?: boolean;
  /** Overall execution timeout. @default 10 minutes */
  readonly timeout?: Duration;
}

/** The key metrics checked by default: what the operations dashboard plots for the services, the database and the cache. */
export function defaultKeyMetrics(envName: DeploymentVerificationWorkflowProps['envName']): KeyMetricProps[] {
  const cluster = names.cluster(envName);
  return [
    ...COMPONENTS.map((component) => ({
      label: `${component} CPU`,
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: { ClusterName: cluster, ServiceName: names.service(envName, component) },
    })),
    {
      label: 'database CPU',
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      dimensions: { DBInstanceIdentifier: names.databaseInstance(envName) },
    },
    {
      label: 'cache CPU',
      namespace: 'AWS/ElastiCache',
      metricName: 'CPUUtilization',
      // The primary node of the replication group (cluster mode disabled): `<group>-001`.
      dimensions: { CacheClusterId: `${names.cacheReplicationGroup(envName)}-001` },
    },
  ];
}

function positiveNumber(prop: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${CONSTRUCT}: ${prop} must be positive (got ${value})`);
  return value;
}

/** The deployment verification of one environment (see the module comment). */
export class DeploymentVerificationWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-deployment-verification`: a lifecycle hook starts it (README, input contract). */
  readonly stateMachine: sfn.StateMachine;
  /** The check functions, for alarms and dashboards. */
  readonly functions: {
    readonly deploymentState: lambda.IFunction;
    readonly probes: lambda.IFunction;
    readonly summarize: lambda.IFunction;
  };
  /** The drift schedule, when `driftScheduleExpression` is given. */
  readonly schedule?: events.Rule;
  /** The rule that starts a drift run after each ECS deployment of the cluster, unless turned off. */
  readonly deploymentEventsRule?: events.Rule;
  /** The probes function's own group, when it runs in a VPC without `probeSecurityGroups`. */
  readonly probeSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DeploymentVerificationWorkflowProps) {
    super(scope, id);
    const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, { timeout: Duration.minutes(10) });
    const envName = props.envName;
    const checkTimeoutSeconds = positiveNumber('checkTimeoutSeconds', props.checkTimeoutSeconds ?? 20);
    const metricWindowMinutes = positiveNumber('metricWindowMinutes', props.metricWindowMinutes ?? 10);
    if (!Number.isInteger(metricWindowMinutes)) {
      throw new Error(`${CONSTRUCT}: metricWindowMinutes must be a whole number (got ${metricWindowMinutes})`);
    }
    if (props.driftScheduleExpression !== undefined && !isScheduleExpression(props.driftScheduleExpression)) {
      throw new Error(
        `${CONSTRUCT}: driftScheduleExpression must be a cron(...) or rate(...) expression (got "${props.driftScheduleExpression}")`,
      );
    }
    const keyMetrics = (props.keyMetrics ?? defaultKeyMetrics(envName)).map((m) => ({
      ...m,
      statistic: m.statistic ?? 'SampleCount',
    }));
    const stateMachineName = names.stateMachine(envName, WORKFLOW);
    const stack = Stack.of(this);

    // The checks' own function timeout: every check's budget plus time to start and answer.
    const deploymentState = workflowFunction(this, 'DeploymentStateFunction', {
      envName,
      name: 'check-deployment-state',
      description: `Checks the ECS services, ALB targets, alarms and key metrics of ${names.prefix(envName)}`,
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      timeout: Duration.seconds(checkTimeoutSeconds + 10),
    });
    const summarizeFunction = workflowFunction(this, 'SummarizeFunction', {
      envName,
      name: 'summarize-verification',
      description: 'Turns the deployment checks into the verdict and the report',
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
    });
    const probeTimeoutSeconds = Math.max(...Object.values(props.verification.timeoutsSeconds));
    if (props.vpc !== undefined && props.probeSecurityGroups === undefined) {
      this.probeSecurityGroup = this.createProbeSecurityGroup(props.vpc, props);
    }
    const probes = workflowFunction(this, 'ProbesFunction', {
      envName,
      name: 'run-deployment-probes',
      description: `Probes ${names.prefix(envName)} from the VPC: HTTP and API, auth flow, frontend assets, cache, database`,
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      // The probes run at once: the slowest one's budget, plus time to start and answer.
      timeout: Duration.seconds(Math.ceil(probeTimeoutSeconds) + 10),
      memorySize: 512,
      vpc: props.vpc,
      securityGroups:
        props.probeSecurityGroups ?? (this.probeSecurityGroup === undefined ? undefined : [this.probeSecurityGroup]),
    });
    if (props.vpc !== undefined) {
      // AutomationFunction grants the Lambda VPC ENI actions (AWSLambdaVPCAccessExecutionRole's) on "*" for a VPC function.
      for (const action of [
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ]) {
        Validations.of(probes.role).acknowledge({
          id: `Interactions-NoMutatingWildcard[Action::${action}]`,
          reason:
            'Lambda manages the network interfaces of a VPC function itself (as in AWSLambdaVPCAccessExecutionRole); the ENIs are named by Lambda at run time, so no resource can be named.',
        });
      }
    }
    this.functions = {
      deploymentState: deploymentState.function,
      probes: probes.function,
      summarize: summarizeFunction.function,
    };
    this.grantDeploymentStateReads(deploymentState.role, props);
    const probeTargets = this.grantProbeReads(probes.role, props);

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `Deployment verification of ${envName} could not run: the deployment was NOT verified`,
    });

    const tagParameters = COMPONENTS.map((c) => `${names.parameterPrefix(envName)}/images/${c}-tag`);
    const readTags = failure.catch(
      new tasks.CallAwsService(this, VERIFICATION_STATES.readTags, {
        service: 'ssm',
        action: 'getParameters',
        parameters: { Names: tagParameters },
        iamResources: tagParameters.map((name) =>
          stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) }),
        ),
        iamAction: 'ssm:GetParameters',
        resultSelector: { 'parameters.$': '$.Parameters' },
        resultPath: '$.deployed',
      }),
    );
    readTags.addRetry({ ...TRANSIENT_BACKOFF, errors: ['Ssm.SsmException', 'Ssm.SdkClientException'] });

    const request = sfn.JsonPath.objectAt('$.request');
    const checkDeploymentState = lambdaTask(this, VERIFICATION_STATES.deploymentState, {
      workflow: WORKFLOW,
      lambdaFunction: deploymentState.function,
      payload: {
        request,
        deployedTags: sfn.JsonPath.listAt('$.deployed.parameters'),
        policy: {
          alarmPrefix: `${names.prefix(envName)}-`,
          ignoredAlarmPrefixes: WORKFLOWS.map((w) => `${names.stateMachine(envName, w)}-`),
          keyMetrics,
          metricWindowMinutes,
          checkTimeoutSeconds,
        },
      },
      resultPath: '$.result',
    });
    // The branch's result is the group's checks alone: the Parallel output stays small.
    const deploymentStateChecked = new sfn.Pass(this, VERIFICATION_STATES.deploymentStateChecked, {
      parameters: { 'checks.$': '$.result.checks' },
    });
    checkDeploymentState.next(deploymentStateChecked);
    // One group that could not run is a failed check, never a reason to lose the others' results.
    checkDeploymentState.addCatch(
      new sfn.Pass(this, VERIFICATION_STATES.deploymentStateFailed, {
        parameters: { group: 'deployment-state', 'error.$': '$.error' },
      }),
      { errors: ['States.ALL'], resultPath: '$.error' },
    );

    const runProbes = lambdaTask(this, VERIFICATION_STATES.probes, {
      workflow: WORKFLOW,
      lambdaFunction: probes.function,
      payload: { request, verification: props.verification, targets: probeTargets },
      resultPath: '$.result',
    });
    runProbes.next(
      new sfn.Pass(this, VERIFICATION_STATES.probesChecked, { parameters: { 'checks.$': '$.result.checks' } }),
    );
    runProbes.addCatch(
      new sfn.Pass(this, VERIFICATION_STATES.probesFailed, { parameters: { group: 'probes', 'error.$': '$.error' } }),
      { errors: ['States.ALL'], resultPath: '$.error' },
    );

    const checks = failure.catch(
      new sfn.Parallel(this, VERIFICATION_STATES.checks, {
        // Each branch sees the request only: the branches' outputs stay small.
        parameters: {
          'request.$': '$.request',
          'deployed.$': '$.deployed',
        },
        resultPath: '$.groups',
      })
        .branch(checkDeploymentState)
        .branch(runProbes),
    );

    const summarize = failure.catch(
      lambdaTask(this, VERIFICATION_STATES.summarize, {
        workflow: WORKFLOW,
        lambdaFunction: summarizeFunction.function,
        payload: { request, groups: sfn.JsonPath.listAt('$.groups'), failureSeverity },
        resultPath: '$.verdict',
      }),
    );

    const notifyPayload = {
      environment: envName,
      status: sfn.JsonPath.stringAt('$.verdict.report.status'),
      severity: sfn.JsonPath.stringAt('$.verdict.report.severity'),
      summary: sfn.JsonPath.stringAt('$.verdict.summary'),
      'publish.$': '$.verdict.report.publish',
      details: {
        'verdict.$': '$.verdict.verdict',
        // The request as the functions read it (defaults filled): the input may omit every field.
        'request.$': '$.verdict.request',
        'checks.$': '$.verdict.checks',
      },
    };
    const reportFailed = failure.catch(
      lambdaTask(this, VERIFICATION_STATES.reportFailed, {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: {
          ...notifyPayload,
          error: 'DeploymentVerificationFailed',
          cause: sfn.JsonPath.stringAt('$.verdict.summary'),
        },
        resultPath: '$.notification',
      }),
    );
    const reportPassed = failure.catch(
      lambdaTask(this, VERIFICATION_STATES.reportPassed, {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: notifyPayload,
        resultPath: '$.notification',
      }),
    );
    const output = new sfn.Pass(this, VERIFICATION_STATES.output, {
      parameters: {
        'verdict.$': '$.verdict.verdict',
        'summary.$': '$.verdict.summary',
        'trigger.$': '$.verdict.request.trigger',
        'checks.$': '$.verdict.checks',
        report: {
          'json.$': "States.Format('s3://{}/{}', $.notification.reports.bucket, $.notification.reports.json)",
          'markdown.$': "States.Format('s3://{}/{}', $.notification.reports.bucket, $.notification.reports.markdown)",
        },
      },
    });
    reportFailed.next(output);
    reportPassed.next(output);
    output.next(new sfn.Succeed(this, VERIFICATION_STATES.done));

    // The whole input becomes `$.request`, so every task receives the request as it was started.
    const start = new sfn.Pass(this, 'Keep the request', { parameters: { 'request.$': '$' } });
    start
      .next(readTags)
      .next(checks)
      .next(summarize)
      .next(
        new sfn.Choice(this, VERIFICATION_STATES.anyFailed)
          .when(sfn.Condition.stringEquals('$.verdict.verdict', 'failed'), reportFailed)
          .otherwise(reportPassed),
      );

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: this.handOverEvents(stateMachineName, start, failure),
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Verifies the deployment of ${names.prefix(envName)}: ECS, ALB, alarms, monitoring, probes, in parallel`,
    });
    this.stateMachine = machine.stateMachine;

    if (props.driftScheduleExpression !== undefined) {
      this.schedule = new events.Rule(this, 'DriftSchedule', {
        schedule: events.Schedule.expression(props.driftScheduleExpression),
        description: `Starts a drift check of ${names.prefix(envName)} (${stateMachineName})`,
        targets: [this.ruleTarget()],
      });
      this.acknowledgeNoDlq(this.schedule);
    }
    if (props.verifyAfterDeploymentEvents ?? true) {
      this.deploymentEventsRule = new events.Rule(this, 'DeploymentEvents', {
        description: `Starts a drift check of ${names.prefix(envName)} after each ECS deployment completes or fails`,
        eventPattern: {
          source: ['aws.ecs'],
          detailType: ['ECS Deployment State Change'],
          resources: events.Match.prefix(
            stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${names.cluster(envName)}/` }),
          ),
          detail: { eventName: ['SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED'] },
        },
        targets: [this.ruleTarget()],
      });
      this.acknowledgeNoDlq(this.deploymentEventsRule);
    }
  }

  /**
   * "Delivered by an event?": a rule's delivery (`{ deliveredEvent }`) starts the drift run named
   * `drift-<event id>` with `{ trigger: 'drift', event }` and ends; EventBridge delivers at least once
   * and execution names are unique for 90 days, so a second delivery is a no-op. Anything else is
   * the request itself and runs at once.
   */
  private handOverEvents(stateMachineName: string, run: sfn.IChainable, failure: FailurePath): sfn.Choice {
    const event = `$.${DELIVERED_EVENT_FIELD}`;
    const self = sfn.StateMachine.fromStateMachineName(this, 'DriftRunNamedFromEvent', stateMachineName);
    const start = new NestedExecution(this, 'HandOver', {
      stateName: VERIFICATION_STATES.handOver,
      stateMachine: self,
      executionName: sfn.JsonPath.format(`${DRIFT_RUN_PREFIX}{}`, sfn.JsonPath.stringAt(`${event}.id`)),
      input: sfn.TaskInput.fromObject({
        trigger: 'drift',
        requestedBy: sfn.JsonPath.format(
          '{} {}',
          sfn.JsonPath.stringAt(`${event}.detail-type`),
          sfn.JsonPath.stringAt(`${event}.id`),
        ),
        event: sfn.JsonPath.objectAt(event),
      }),
      resultSelector: { 'executionArn.$': '$.ExecutionArn' },
      resultPath: '$.run',
      alreadyStarted: new sfn.Succeed(this, VERIFICATION_STATES.duplicate),
      alreadyStartedResultPath: '$.duplicate',
      failure,
    });
    start.next(new sfn.Succeed(this, VERIFICATION_STATES.handedOver));
    return new sfn.Choice(this, VERIFICATION_STATES.delivered)
      .when(sfn.Condition.isPresent(`${event}.id`), start)
      .otherwise(run);
  }

  /**
   * The probes' group: out only where they go. HTTPS for the environment's URL, the CDN and the AWS
   * APIs (through NAT); the data ports inside the VPC; and, with blue/green, the test listener port.
   */
  private createProbeSecurityGroup(vpc: ec2.IVpc, props: DeploymentVerificationWorkflowProps): ec2.SecurityGroup {
    const port = props.testListenerPort;
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new Error(`${CONSTRUCT}: testListenerPort must be a TCP port in 1-65535 (got ${port})`);
    }
    const group = new ec2.SecurityGroup(this, 'ProbesSecurityGroup', {
      vpc,
      description: `Deployment probes of ${names.prefix(props.envName)}: HTTPS, data ports and the test listener out; nothing in`,
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Environment URL, CDN and AWS APIs');
    group.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(POSTGRES_PORT), 'Database probe');
    group.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(REDIS_PORT), 'Cache probe');
    if (port !== undefined) {
      // The probes call the test listener by the ALB's public DNS name: its public addresses change
      // and are not known at synth time, so anywhere, on this one port only.
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), 'Blue/green test listener of the ALB');
    }
    return group;
  }

  /** The rules' target: the event wrapped for the hand-over; EventBridge retries a failed start for an hour. */
  private ruleTarget(): targets.SfnStateMachine {
    return new targets.SfnStateMachine(this.stateMachine, {
      input: events.RuleTargetInput.fromObject({ [DELIVERED_EVENT_FIELD]: events.EventField.fromPath('$') }),
      retryAttempts: 8,
      maxEventAge: Duration.hours(1),
    });
  }

  private acknowledgeNoDlq(rule: events.Rule): void {
    Validations.of(rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a drift check that never starts is caught by the next schedule or deployment event.',
    });
  }

  /**
   * The probes' targets (secrets by name, the cache) and their read grants: GetSecretValue on those
   * secrets only, DescribeReplicationGroups on the one group.
   */
  private grantProbeReads(role: iam.IRole, props: DeploymentVerificationWorkflowProps) {
    const stack = Stack.of(this);
    const envName = props.envName;
    const cache = props.cache ?? { tls: false };
    const replicationGroupId = cache.replicationGroupId ?? names.cacheReplicationGroup(envName);
    const authSecretId = cache.authSecretName ?? (cache.tls ? `/interactions/${envName}/redis-auth-token` : undefined);
    const targets = {
      appUrl: props.appUrl,
      cdnUrl: props.cdnUrl,
      databaseSecretId: props.databaseSecretName ?? names.dbCredentialsSecret(envName),
      loginSecretId: props.loginSecretName ?? `/interactions/${envName}/verification-login`,
      cache: { replicationGroupId, tls: cache.tls, authSecretId },
    };
    const secretIds = [targets.databaseSecretId, targets.loginSecretId, ...(authSecretId ? [authSecretId] : [])];
    // Secrets Manager appends six random characters to a secret's name in its ARN.
    const secretArns = secretIds.map((id) =>
      stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${id}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeReplicationGroups'],
        resources: [elastiCacheArn(this, 'replicationgroup', replicationGroupId)],
      }),
    );
    for (const arn of secretArns) {
      acknowledgeWildcard(
        role,
        arn,
        'Read-only: the six characters Secrets Manager appends to the secret name are unknown until it exists; the name is exact.',
      );
    }
    // CDK drops undefined payload values; the state machine passes them through as given.
    return JSON.parse(JSON.stringify(targets)) as typeof targets;
  }

  /** Read-only grants of the deployment-state checks, each on the narrowest resource IAM accepts. */
  private grantDeploymentStateReads(role: iam.IRole, props: DeploymentVerificationWorkflowProps): void {
    const stack = Stack.of(this);
    const envName = props.envName;
    const services = COMPONENTS.map((c) =>
      stack.formatArn({
        service: 'ecs',
        resource: 'service',
        resourceName: `${names.cluster(envName)}/${names.service(envName, c)}`,
      }),
    );
    const alarms = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${names.prefix(envName)}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeServices'], resources: services }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarms] }));
    // DescribeTaskDefinition, DescribeTargetHealth and GetMetricData support no resource-level permissions.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ecs:DescribeTaskDefinition',
          'elasticloadbalancing:DescribeTargetHealth',
          'cloudwatch:GetMetricData',
        ],
        resources: ['*'],
      }),
    );
    acknowledgeWildcard(
      role,
      '*',
      'Read-only: ecs:DescribeTaskDefinition, elasticloadbalancing:DescribeTargetHealth and cloudwatch:GetMetricData support no resource-level permissions (IAM accepts only "*").',
    );
    acknowledgeWildcard(
      role,
      alarms,
      "Read-only: DescribeAlarms of the environment's alarms, named interactions-<env>-* by the monitoring construct.",
    );
  }
}
