/**
 * The platform's compute: the seed's "Amazon ECS Configuration", "Container Scaling Policies",
 * "IAM Policies" and "Containerization" for one environment. ECS Fargate cluster
 * `interactions-<env>` with a frontend and a backend service behind the ALB `interactions-<env>`,
 * their ECR repositories and the four IAM roles.
 */
import { Duration, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import type { BlueGreenDeploymentConfig, ComputeConfig, EnvironmentName } from '../config/index.js';
import { AppService, type Component } from './compute/app-service.js';
import { blueGreenInfrastructureRole, deploymentAlarmNames, openTestListenerToVpc } from './compute/blue-green.js';
import { DeploymentGate } from './compute/deployment-gate.js';
import { isFirstDeploy } from './compute/first-deploy.js';
import { PublicLoadBalancer } from './compute/load-balancer.js';
import { ComputeRoles } from './compute/roles.js';
import { fixedNameRemovalPolicy } from './removal.js';

/** Images kept per repository by the ECR lifecycle policy (older ones expire). */
export const IMAGES_KEPT_PER_REPOSITORY = 30;

/** Properties of {@link Compute}. */
export interface ComputeProps {
  /** Environment; part of every physical name. */
  readonly envName: EnvironmentName;
  /** The environment's compute slice of the configuration. */
  readonly config: ComputeConfig;
  /** VPC with the subnet groups `public` (ALB) and `private-app` (tasks). */
  readonly vpc: ec2.IVpc;
  /** Security group of the ALB. */
  readonly albSecurityGroup: ec2.ISecurityGroup;
  /** Security group of the tasks of both services. */
  readonly serviceSecurityGroup: ec2.ISecurityGroup;
  /** Database credentials (JSON with `username` and `password`), injected into the backend. */
  readonly databaseSecret: secretsmanager.ISecret;
  /** PostgreSQL endpoint address for the backend. */
  readonly databaseEndpoint: string;
  /** Redis primary endpoint address for the backend. */
  readonly cacheEndpoint: string;
  /** Redis port for the backend. */
  readonly cachePort: number;
  /**
   * Redis AUTH token (the whole secret value), injected into the backend as `REDIS_AUTH_TOKEN`.
   * @default no token: Redis is reached without AUTH
   */
  readonly cacheAuthToken?: secretsmanager.ISecret;
  /**
   * Whether the backend connects to Redis over TLS (`REDIS_TLS`).
   * @default true when `cacheAuthToken` is given (ElastiCache accepts AUTH only over TLS), else false
   */
  readonly cacheTransitEncryption?: boolean;
  /** Bucket of the static assets: the tasks read it, CI/CD writes it. */
  readonly assetsBucketName: string;
}

/**
 * ECS Fargate cluster `interactions-<env>` (Container Insights enhanced), services
 * `interactions-<env>-frontend` and `-backend` behind the ALB, ECR repositories
 * `interactions-<env>-frontend` / `-backend`, and the roles `interactions-<env>-ecs-execution`,
 * `-ecs-task`, `-ci-cd`, `-monitoring`.
 *
 * The repositories live in this stack, so on an environment's first deploy no image exists yet:
 * `-c firstDeploy=true` creates the services with zero tasks (compute/first-deploy.ts); the next
 * deploy, after the images are pushed, starts them.
 */
export class Compute extends Construct {
  /** The ECS cluster `interactions-<env>`. */
  readonly cluster: ecs.Cluster;
  /** Service `interactions-<env>-frontend`. */
  readonly frontendService: ecs.FargateService;
  /** Service `interactions-<env>-backend`. */
  readonly backendService: ecs.FargateService;
  /** Internet-facing ALB `interactions-<env>`. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** HTTPS:443 listener. */
  readonly httpsListener: elbv2.ApplicationListener;
  /** Target group of the frontend tasks (default route). */
  readonly frontendTargetGroup: elbv2.ApplicationTargetGroup;
  /** Target group of the backend tasks (`/api/*`). */
  readonly backendTargetGroup: elbv2.ApplicationTargetGroup;
  /** ECR repositories `interactions-<env>-frontend` / `-backend`. */
  readonly repositories: { readonly frontend: ecr.IRepository; readonly backend: ecr.IRepository };
  /** The seed's four roles, named `interactions-<env>-<role>`. */
  readonly roles: {
    readonly execution: iam.Role;
    readonly task: iam.Role;
    readonly ciCd: iam.Role;
    readonly monitoring: iam.Role;
  };
  /** Cloud Map HTTP namespace `interactions-<env>.local` used by Service Connect. */
  readonly serviceConnectNamespace: string;
  /**
   * Blue/green only: the second target group of each service. Production traffic is in one of a
   * service's two groups, which one swaps with every deployment, so per-group metrics must cover both.
   */
  readonly alternateTargetGroups?: {
    readonly frontend: elbv2.ApplicationTargetGroup;
    readonly backend: elbv2.ApplicationTargetGroup;
  };
  /** Blue/green only: the ALB's HTTP test listener, open to the VPC only. */
  readonly testListener?: elbv2.ApplicationListener;
  /**
   * Blue/green only, and not on a first deploy (no service runs a task yet, and the automation stack
   * with the verification comes after this one): the lifecycle hook gating every deployment.
   */
  readonly deploymentGate?: DeploymentGate;

  constructor(scope: Construct, id: string, props: ComputeProps) {
    super(scope, id);
    const { envName, config } = props;
    if (config.clusterName !== names.cluster(envName)) {
      throw new Error(`Compute: config.clusterName must be '${names.cluster(envName)}', got '${config.clusterName}'`);
    }
    const prefix = names.prefix(envName);
    this.serviceConnectNamespace = `${prefix}.local`;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: config.clusterName,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
      defaultCloudMapNamespace: {
        name: this.serviceConnectNamespace,
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      },
    });

    const repository = (component: Component): ecr.Repository =>
      new ecr.Repository(this, component === 'frontend' ? 'FrontendRepository' : 'BackendRepository', {
        // ECR names are account-wide: the environment keeps dev, staging and prod apart.
        repositoryName: `${prefix}-${component}`,
        imageScanOnPush: true,
        // A tag names one build (`{component}-{semver}-{env}-{hash}`): it must never move.
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        // KMS with the AWS-managed `aws/ecr` key: encrypted at rest, no key to administer.
        encryption: ecr.RepositoryEncryption.KMS,
        lifecycleRules: [
          {
            description: 'Drop untagged layers after a day',
            tagStatus: ecr.TagStatus.UNTAGGED,
            maxImageAge: Duration.days(1),
          },
          {
            description: `Keep the last ${IMAGES_KEPT_PER_REPOSITORY} images`,
            maxImageCount: IMAGES_KEPT_PER_REPOSITORY,
          },
        ],
        // Images are the rollback path of the seed's DR table ("Deploy from last stable image"):
        // kept outside dev, except when the create that made the repository rolls back (the name
        // would block the retry). Dev's repositories go with their stack, images included.
        removalPolicy: fixedNameRemovalPolicy(envName),
        emptyOnDelete: envName === 'dev',
      });
    this.repositories = { frontend: repository('frontend'), backend: repository('backend') };

    const roles = new ComputeRoles(this, 'Roles', {
      envName,
      clusterName: config.clusterName,
      assetsBucketName: props.assetsBucketName,
      githubRepository: config.githubRepository,
    });
    this.roles = { execution: roles.execution, task: roles.task, ciCd: roles.ciCd, monitoring: roles.monitoring };
    for (const repo of Object.values(this.repositories)) repo.grantPullPush(roles.ciCd);

    const common = {
      envName,
      cluster: this.cluster,
      executionRole: roles.execution,
      taskRole: roles.task,
      securityGroup: props.serviceSecurityGroup,
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      scaling: config.scaling,
      healthCheckPath: config.healthCheckPath,
      logRetentionDays: config.logRetentionDays,
    };
    const strategy = config.deploymentStrategy;
    const blueGreen = (component: Component) =>
      strategy.type === 'blue-green'
        ? {
            blueGreen: {
              bakeTime: Duration.minutes(strategy.bakeTimeMinutes),
              alarmNames: deploymentAlarmNames(envName, component),
            },
          }
        : {};
    const shared = {
      APP_ENV: envName,
      PARAMETER_PREFIX: names.parameterPrefix(envName),
      ASSETS_BUCKET: props.assetsBucketName,
    };

    const redisTls = props.cacheTransitEncryption ?? props.cacheAuthToken !== undefined;
    const backend = new AppService(this, 'Backend', {
      ...common,
      ...blueGreen('backend'),
      component: 'backend',
      size: config.backend,
      port: config.backendPort,
      repository: this.repositories.backend,
      imageTag: config.images.backendTag,
      publishServiceConnect: true,
      environment: {
        ...shared,
        PORT: String(config.backendPort),
        DB_HOST: props.databaseEndpoint,
        REDIS_HOST: props.cacheEndpoint,
        // The port may be a token (an attribute of the replication group).
        REDIS_PORT: Tokenization.stringifyNumber(props.cachePort),
        REDIS_TLS: String(redisTls),
      },
      secrets: {
        DB_USERNAME: ecs.Secret.fromSecretsManager(props.databaseSecret, 'username'),
        DB_PASSWORD: ecs.Secret.fromSecretsManager(props.databaseSecret, 'password'),
        ...(props.cacheAuthToken ? { REDIS_AUTH_TOKEN: ecs.Secret.fromSecretsManager(props.cacheAuthToken) } : {}),
      },
    });
    const frontend = new AppService(this, 'Frontend', {
      ...common,
      ...blueGreen('frontend'),
      component: 'frontend',
      size: config.frontend,
      port: config.frontendPort,
      repository: this.repositories.frontend,
      imageTag: config.images.frontendTag,
      environment: {
        ...shared,
        PORT: String(config.frontendPort),
        // Resolved by the Service Connect proxy in every frontend task.
        BACKEND_URL: `http://backend:${config.backendPort}`,
      },
    });
    // Service Connect traffic goes task to task inside the tasks' security group.
    props.serviceSecurityGroup.addIngressRule(
      props.serviceSecurityGroup,
      ec2.Port.tcp(config.backendPort),
      'Service Connect: frontend tasks to the backend',
    );
    props.serviceSecurityGroup.addEgressRule(
      props.serviceSecurityGroup,
      ec2.Port.tcp(config.backendPort),
      'Service Connect: frontend tasks to the backend',
    );
    this.frontendService = frontend.service;
    this.backendService = backend.service;
    this.frontendTargetGroup = frontend.targetGroup;
    this.backendTargetGroup = backend.targetGroup;

    const alb = new PublicLoadBalancer(this, 'LoadBalancer', {
      envName,
      vpc: props.vpc,
      securityGroup: props.albSecurityGroup,
      certificateArn: config.albCertificateArn,
      frontendTargetGroup: this.frontendTargetGroup,
      backendTargetGroup: this.backendTargetGroup,
      blueGreen:
        strategy.type === 'blue-green' && frontend.alternateTargetGroup && backend.alternateTargetGroup
          ? {
              frontendAlternateTargetGroup: frontend.alternateTargetGroup,
              backendAlternateTargetGroup: backend.alternateTargetGroup,
              testListenerPort: strategy.testListenerPort,
            }
          : undefined,
    });
    this.loadBalancer = alb.loadBalancer;
    this.httpsListener = alb.httpsListener;

    if (strategy.type === 'blue-green') {
      const wired = this.wireBlueGreen(props, strategy, alb, { frontend, backend });
      this.testListener = wired.testListener;
      this.alternateTargetGroups = wired.alternateTargetGroups;
      this.deploymentGate = wired.deploymentGate;
    }
    frontend.addScalingPolicies();
    backend.addScalingPolicies();
  }

  /**
   * Blue/green: the test listener opened to the VPC, the ECS infrastructure role, the gate (not on a
   * first deploy: no task runs yet, and the automation stack with the verification comes after this
   * one) and each service attached to its rules.
   */
  private wireBlueGreen(
    props: ComputeProps,
    strategy: BlueGreenDeploymentConfig,
    alb: PublicLoadBalancer,
    services: { readonly frontend: AppService; readonly backend: AppService },
  ): Pick<Compute, 'testListener' | 'alternateTargetGroups' | 'deploymentGate'> {
    const { frontend, backend } = services;
    const { blueGreenRules: rules, testListener } = alb;
    if (!rules || !testListener || !frontend.alternateTargetGroup || !backend.alternateTargetGroup) {
      throw new Error('Compute: blue/green needs the load balancer rules and both alternate target groups');
    }
    openTestListenerToVpc(props.albSecurityGroup, props.vpc, strategy.testListenerPort);
    const infrastructureRole = blueGreenInfrastructureRole(this, 'BlueGreenInfrastructureRole', props.envName);
    const both = (service: AppService, alternate: elbv2.ApplicationTargetGroup) => [
      service.targetGroup.targetGroupArn,
      alternate.targetGroupArn,
    ];
    const deploymentGate = isFirstDeploy(this)
      ? undefined
      : new DeploymentGate(this, 'DeploymentGate', {
          envName: props.envName,
          testUrl: `http://${alb.loadBalancer.loadBalancerDnsName}:${strategy.testListenerPort}`,
          targetGroupArns: {
            backend: both(backend, backend.alternateTargetGroup),
            frontend: both(frontend, frontend.alternateTargetGroup),
          },
          callbackDelaySeconds: strategy.hookCallbackDelaySeconds,
        });
    backend.attachBlueGreen({
      productionRule: rules.backendProduction,
      testRule: rules.backendTest,
      infrastructureRole,
      hook: deploymentGate?.hook('BackendVerificationGate'),
    });
    frontend.attachBlueGreen({
      productionRule: rules.frontendProduction,
      testRule: rules.frontendTest,
      infrastructureRole,
      hook: deploymentGate?.hook('FrontendVerificationGate'),
    });
    return {
      testListener,
      alternateTargetGroups: { frontend: frontend.alternateTargetGroup, backend: backend.alternateTargetGroup },
      deploymentGate,
    };
  }
}
