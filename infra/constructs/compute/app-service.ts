/**
 * One of the platform's two Fargate services (frontend or backend): its log group, task
 * definition, service, ALB target group and the seed's target-tracking scaling policies.
 */
import { Annotations, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { names } from '../../../shared/naming.js';
import type { ContainerSize, EnvironmentName, ScalingRule } from '../../config/index.js';
import { FIRST_DEPLOY_CONTEXT, isFirstDeploy } from './first-deploy.js';

/** The two application components; also their container and Service Connect port names. */
export type Component = 'frontend' | 'backend';

/** Properties of {@link AppService}. */
export interface AppServiceProps {
  /** Environment the service runs in; part of every name. */
  readonly envName: EnvironmentName;
  /** Which component this is; names the service, log group, container and port mapping. */
  readonly component: Component;
  /** Cluster to run in; its default Cloud Map namespace is used for Service Connect. */
  readonly cluster: ecs.ICluster;
  /** Fargate CPU units and memory of one task. */
  readonly size: ContainerSize;
  /** Port the container listens on (and the ALB forwards to). */
  readonly port: number;
  /** ECR repository of the image. */
  readonly repository: ecr.IRepository;
  /** Image tag, `{component}-{semver}-{env}-{git_short_hash}` (validated by the config). */
  readonly imageTag: string;
  /** Role the ECS agent uses; the task definition grants it what the container needs. */
  readonly executionRole: iam.IRole;
  /** Role the application assumes. */
  readonly taskRole: iam.IRole;
  /** Security group of the tasks. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Plain (non-secret) environment variables of the container. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Secrets injected by ECS at start.
   * @default no secrets
   */
  readonly secrets?: Readonly<Record<string, ecs.Secret>>;
  /**
   * Publish this service in the cluster's Service Connect namespace as `<component>:<port>`.
   * @default false: the service is a Service Connect client only
   */
  readonly publishServiceConnect?: boolean;
  /**
   * Tasks at least / at most; the service starts with `minCapacity` tasks, or with none on a first
   * deploy (`-c firstDeploy=true`, see first-deploy.ts), when both bounds are zero.
   */
  readonly minCapacity: number;
  /** Upper bound of the auto scaling. */
  readonly maxCapacity: number;
  /** The seed's three scaling rules. */
  readonly scaling: {
    readonly cpuPercent: ScalingRule;
    readonly memoryPercent: ScalingRule;
    readonly requestsPerTargetPerMinute: ScalingRule;
  };
  /** Path the ALB health check probes. */
  readonly healthCheckPath: string;
  /** Retention of the container log group, in days (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /**
   * Deploy with ECS native blue/green instead of a rolling update: a second (alternate) target
   * group, the bake time and the alarms that roll a deployment back; the listener rules and the
   * lifecycle hook are attached later with {@link AppService.attachBlueGreen}.
   * @default rolling update guarded by the circuit breaker with rollback
   */
  readonly blueGreen?: AppServiceBlueGreen;
}

/** The blue/green settings of one service. */
export interface AppServiceBlueGreen {
  /** Blue and green both run this long after production traffic moved to green. */
  readonly bakeTime: Duration;
  /** Alarms that roll the deployment back while it runs and during the bake time (by name: they watch this service). */
  readonly alarmNames: readonly string[];
}

/** What {@link AppService.attachBlueGreen} wires a blue/green service to. */
export interface BlueGreenAttachment {
  /** The rule of the production (HTTPS) listener that forwards to this service's two target groups. */
  readonly productionRule: elbv2.ApplicationListenerRule;
  /** The rule of the test listener that forwards to this service's two target groups. */
  readonly testRule: elbv2.ApplicationListenerRule;
  /** Role ECS assumes to move the rules' weights and register targets (AmazonECSInfrastructureRolePolicyForLoadBalancers). */
  readonly infrastructureRole: iam.IRole;
  /**
   * The gate run after test traffic moved to green.
   * @default no lifecycle hook: green gets production traffic once its tasks are healthy
   */
  readonly hook?: ecs.IDeploymentLifecycleHookTarget;
}

/**
 * A Fargate service behind the ALB with the seed's deployment and scaling behaviour:
 * X86_64 Linux tasks (the app team builds the images on `node:18-alpine` / `python:3.11-slim`
 * for amd64), private subnets without public IPs, rolling deploys at 100%/200% guarded by the
 * circuit breaker with rollback (or ECS native blue/green, `blueGreen`), no ECS Exec, logs to
 * `/aws/ecs/interactions-<env>-<component>`.
 *
 * Scaling is added by {@link addScalingPolicies} once the target group has a listener.
 * On a first deploy (`-c firstDeploy=true`) the service runs no task until its image is pushed.
 */
export class AppService extends Construct {
  /** The ECS service `interactions-<env>-<component>`. */
  readonly service: ecs.FargateService;
  /** Task definition family `interactions-<env>-<component>`. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The application container. */
  readonly container: ecs.ContainerDefinition;
  /** Log group of the container (and its Service Connect proxy). */
  readonly logGroup: logs.LogGroup;
  /** IP target group the ALB forwards to; health-checked on the configured path. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /**
   * Blue/green only: the second target group, alike. ECS registers each new revision in whichever
   * of the two does not serve production, so the roles swap with every deployment.
   */
  readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;

  private readonly props: AppServiceProps;
  /** Tasks at least / at most: the configured bounds, or zero on a first deploy. */
  private readonly capacity: { readonly min: number; readonly max: number };

  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id);
    this.props = props;
    const { envName, component, port } = props;
    const serviceName = names.service(envName, component);
    this.capacity = isFirstDeploy(this) ? { min: 0, max: 0 } : { min: props.minCapacity, max: props.maxCapacity };

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: names.ecsLogGroup(envName, component),
      // Config validation guarantees a value CloudWatch Logs accepts; the enum's values are days.
      retention: props.logRetentionDays as logs.RetentionDays,
      // Fixed name: prod keeps it, but not after a rolled-back first create (see removal.ts).
      removalPolicy: envName === 'prod' ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: serviceName,
      cpu: props.size.cpu,
      memoryLimitMiB: props.size.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      executionRole: props.executionRole,
      taskRole: props.taskRole,
    });
    this.container = this.taskDefinition.addContainer('Container', {
      containerName: component,
      image: ecs.ContainerImage.fromEcrRepository(props.repository, props.imageTag),
      essential: true,
      portMappings: [
        { name: component, containerPort: port, protocol: ecs.Protocol.TCP, appProtocol: ecs.AppProtocol.http },
      ],
      environment: { ...props.environment },
      secrets: { ...(props.secrets ?? {}) },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: component }),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings (environment name, ports, endpoints, the Service Connect URL); credentials and the Redis token are injected as ECS secrets from Secrets Manager.',
    });

    // App Mesh reached end of support on 2026-09-30; ECS Service Connect is its successor for the
    // seed's "Service Discovery": every service is a client of the namespace, the backend also
    // publishes `backend:<port>` for the frontend.
    const serviceConnectLogs = ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'service-connect' });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      serviceName,
      taskDefinition: this.taskDefinition,
      desiredCount: this.capacity.min,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      ...(props.blueGreen
        ? {
            // The circuit breaker applies to rolling updates only; blue/green rolls back on a failed
            // hook, unhealthy green tasks, or one of these alarms until the bake time is over.
            deploymentStrategy: ecs.DeploymentStrategy.BLUE_GREEN,
            bakeTime: props.blueGreen.bakeTime,
            deploymentAlarms: {
              alarmNames: [...props.blueGreen.alarmNames],
              behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
            },
          }
        : { circuitBreaker: { enable: true, rollback: true } }),
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      assignPublicIp: false,
      vpcSubnets: { subnetGroupName: 'private-app' },
      securityGroups: [props.securityGroup],
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      serviceConnectConfiguration: props.publishServiceConnect
        ? {
            services: [{ portMappingName: component, discoveryName: component, dnsName: component, port }],
            logDriver: serviceConnectLogs,
          }
        : { logDriver: serviceConnectLogs },
    });

    if (props.blueGreen) {
      Annotations.of(this.service).acknowledgeWarning(
        '@aws-cdk/aws-ecs:shouldUseCircuitBreaker',
        'Blue/green: the circuit breaker applies to rolling updates only; green tasks that fail their health checks, the lifecycle hook and the deployment alarms roll back instead',
      );
    }
    if (this.capacity.max === 0) {
      Annotations.of(this.service).addWarningV2(
        '@interactions/compute:firstDeploy',
        `${serviceName} runs no task (-c ${FIRST_DEPLOY_CONTEXT}=true): push its image, then deploy again without -c ${FIRST_DEPLOY_CONTEXT}`,
      );
    }

    const targetGroup = (targetGroupId: string, targets?: elbv2.IApplicationLoadBalancerTarget[]) =>
      new elbv2.ApplicationTargetGroup(this, targetGroupId, {
        vpc: props.cluster.vpc,
        port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(30),
        healthCheck: {
          path: props.healthCheckPath,
          healthyHttpCodes: '200-299',
          interval: Duration.seconds(30),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
        targets,
      });
    if (props.blueGreen) {
      // Registered in attachBlueGreen: the alternate target needs the listener rules.
      this.targetGroup = targetGroup('TargetGroup');
      this.alternateTargetGroup = targetGroup('AlternateTargetGroup');
    } else {
      this.targetGroup = targetGroup('TargetGroup', [
        this.service.loadBalancerTarget({ containerName: component, containerPort: port }),
      ]);
    }
  }

  /**
   * Blue/green: registers the service with its target group, the alternate target group and the
   * production and test listener rules, and adds the lifecycle hook. Call it once, after the rules exist.
   */
  attachBlueGreen(attachment: BlueGreenAttachment): void {
    const { component, port } = this.props;
    if (this.alternateTargetGroup === undefined) {
      throw new Error(`AppService ${component}: attachBlueGreen needs the blueGreen prop`);
    }
    this.targetGroup.addTarget(
      this.service.loadBalancerTarget({
        containerName: component,
        containerPort: port,
        alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
          alternateTargetGroup: this.alternateTargetGroup,
          productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(attachment.productionRule),
          testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(attachment.testRule),
          role: attachment.infrastructureRole,
        }),
      }),
    );
    if (attachment.hook) this.service.addLifecycleHook(attachment.hook);
  }

  /**
   * Adds the seed's auto scaling: `minCapacity`-`maxCapacity` tasks, target tracking on CPU,
   * memory and ALB requests per target. Call it once {@link targetGroup} is attached to a
   * listener: the request-count policy needs the target group's load balancer.
   */
  addScalingPolicies(): void {
    const props = this.props;
    const serviceName = names.service(props.envName, props.component);
    // Target tracking has no separate scale-in threshold: Application Auto Scaling creates both
    // alarms itself, scale-out after 3 minutes above the target (the seed's "for 3 minutes") and
    // scale-in after 15 minutes below about 90% of it, removing only as many tasks as keeps the
    // metric under the target. The seed's scale-in thresholds (40% CPU, 50% memory, 500 req/min
    // for 10 minutes) are therefore informative: loads that low do scale in, 15 rather than 10
    // minutes later.
    const { cpuPercent, memoryPercent, requestsPerTargetPerMinute } = props.scaling;
    const cooldowns = (rule: ScalingRule) => ({
      scaleInCooldown: Duration.seconds(rule.cooldownSeconds),
      scaleOutCooldown: Duration.seconds(rule.cooldownSeconds),
    });
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: this.capacity.min,
      maxCapacity: this.capacity.max,
    });
    scaling.scaleOnCpuUtilization('CpuScaling', {
      policyName: `${serviceName}-cpu`,
      targetUtilizationPercent: cpuPercent.scaleOutAbove,
      ...cooldowns(cpuPercent),
    });
    scaling.scaleOnMemoryUtilization('MemoryScaling', {
      policyName: `${serviceName}-memory`,
      targetUtilizationPercent: memoryPercent.scaleOutAbove,
      ...cooldowns(memoryPercent),
    });
    if (this.alternateTargetGroup === undefined) {
      scaling.scaleOnRequestCount('RequestScaling', {
        policyName: `${serviceName}-requests`,
        // ALBRequestCountPerTarget is a per-minute sum, the seed's "req/min" unit.
        requestsPerTarget: requestsPerTargetPerMinute.scaleOutAbove,
        targetGroup: this.targetGroup,
        ...cooldowns(requestsPerTargetPerMinute),
      });
      return;
    }
    // Blue/green: production traffic moves between the two target groups with every deployment,
    // and ALBRequestCountPerTarget reads one group only. CDK's target tracking takes no metric math,
    // so the policy's L1 configuration gets the requests per healthy target of both groups.
    scaling.scaleToTrackCustomMetric('RequestScaling', {
      policyName: `${serviceName}-requests`,
      metric: this.targetGroup.metrics.requestCount({ statistic: 'Sum' }),
      targetValue: requestsPerTargetPerMinute.scaleOutAbove,
      ...cooldowns(requestsPerTargetPerMinute),
    });
    // ScalableTaskCount returns nothing: the policy is `RequestScaling` under its scalable `Target`.
    const resource = scaling.node.findChild('Target').node.findChild('RequestScaling').node
      .defaultChild as appscaling.CfnScalingPolicy;
    resource.targetTrackingScalingPolicyConfiguration = {
      targetValue: requestsPerTargetPerMinute.scaleOutAbove,
      scaleInCooldown: requestsPerTargetPerMinute.cooldownSeconds,
      scaleOutCooldown: requestsPerTargetPerMinute.cooldownSeconds,
      customizedMetricSpecification: {
        metrics: requestsPerTargetOfBoth(this.targetGroup, this.alternateTargetGroup),
      },
    };
  }
}

/**
 * Requests per minute per healthy target over both target groups, as target tracking metric
 * queries (always one-minute datapoints): the sum of both groups' request counts over the sum of
 * their healthy targets, what ALBRequestCountPerTarget computes for one group. A group without
 * traffic or targets reports nothing: FILL counts it as 0.
 */
function requestsPerTargetOfBoth(
  primary: elbv2.IApplicationTargetGroup,
  alternate: elbv2.IApplicationTargetGroup,
): appscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty[] {
  const query = (id: string, metric: cloudwatch.Metric) => {
    const stat = metric.toMetricConfig().metricStat;
    if (stat === undefined) throw new Error(`AppService: ${id} must be a plain CloudWatch metric`);
    return {
      id,
      returnData: false,
      metricStat: {
        metric: {
          namespace: stat.namespace,
          metricName: stat.metricName,
          dimensions: (stat.dimensions ?? []).map((d) => ({ name: d.name, value: String(d.value) })),
        },
        stat: stat.statistic,
      },
    };
  };
  return [
    query('requests', primary.metrics.requestCount({ statistic: 'Sum' })),
    query('requestsAlt', alternate.metrics.requestCount({ statistic: 'Sum' })),
    query('healthy', primary.metrics.healthyHostCount({ statistic: 'Average' })),
    query('healthyAlt', alternate.metrics.healthyHostCount({ statistic: 'Average' })),
    {
      id: 'requestsPerTarget',
      expression: '(FILL(requests, 0) + FILL(requestsAlt, 0)) / (FILL(healthy, 0) + FILL(healthyAlt, 0))',
      label: 'Requests per healthy target (both target groups)',
      returnData: true,
    },
  ];
}
