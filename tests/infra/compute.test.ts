/**
 * The compute construct against the seed's "Amazon ECS Configuration", "Container Scaling
 * Policies" and "IAM Policies", per environment, plus cdk-nag.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { Compute } from '../../infra/constructs/compute.js';
import { Network } from '../../infra/constructs/network.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

interface Built {
  readonly stack: Stack;
  readonly template: Template;
  readonly compute: Compute;
}

/** GIVEN a VPC with the seed's subnet groups, security groups, secrets and the Compute construct. */
function build(env: EnvironmentName, withAuthToken: boolean): Built {
  const app = testApp();
  const stack = new Stack(app, `Compute-${env}`, { env: { region: 'us-east-1' } });
  const config = loadConfig(env);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'private-app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'private-data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const albSecurityGroup = new ec2.SecurityGroup(stack, 'AlbSg', { vpc, allowAllOutbound: false });
  const serviceSecurityGroup = new ec2.SecurityGroup(stack, 'ServiceSg', { vpc, allowAllOutbound: false });
  const compute = new Compute(stack, 'Compute', {
    envName: env,
    config: config.compute,
    vpc,
    albSecurityGroup,
    serviceSecurityGroup,
    databaseSecret: new secretsmanager.Secret(stack, 'DbSecret'),
    databaseEndpoint: 'db.internal.example',
    cacheEndpoint: 'cache.internal.example',
    cachePort: 6379,
    cacheAuthToken: withAuthToken ? new secretsmanager.Secret(stack, 'CacheToken') : undefined,
    assetsBucketName: config.cdn.bucketName,
  });
  return { stack, template: Template.fromStack(stack), compute };
}

const EXPECTED = {
  dev: { frontend: ['512', '1024'], backend: ['1024', '2048'], min: 1, max: 2 },
  staging: { frontend: ['1024', '2048'], backend: ['1024', '2048'], min: 2, max: 4 },
  prod: { frontend: ['1024', '2048'], backend: ['2048', '4096'], min: 2, max: 6 },
} as const;

const built = {
  dev: build('dev', false),
  staging: build('staging', true),
  prod: build('prod', true),
};

/** Container definition of the task definition with family `family`. */
function containerOf(template: Template, family: string): Record<string, unknown> {
  const defs = Object.values(template.findResources('AWS::ECS::TaskDefinition', { Properties: { Family: family } }));
  expect(defs).toHaveLength(1);
  const containers = defs[0]?.Properties.ContainerDefinitions as Record<string, unknown>[];
  expect(containers).toHaveLength(1);
  return containers[0] as Record<string, unknown>;
}

/** Every Allow statement of every IAM policy in the template, with the role(s) it is attached to. */
function statements(template: Template): { roles: unknown; statement: Record<string, unknown> }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).map((statement) => ({
      roles: policy.Properties.Roles,
      statement,
    })),
  );
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe.each(['dev', 'staging', 'prod'] as const)('Compute in %s', (env) => {
  const { template, stack } = built[env];
  const expected = EXPECTED[env];

  test('cluster interactions-<env> with enhanced Container Insights and a Service Connect namespace', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: `interactions-${env}`,
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: `interactions-${env}.local` });
  });

  test.each(['frontend', 'backend'] as const)(
    '%s task definition has the seed size, X86_64 and the env image tag',
    (component) => {
      const [cpu, memory] = expected[component];
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Family: `interactions-${env}-${component}`,
        Cpu: cpu,
        Memory: memory,
        RequiresCompatibilities: ['FARGATE'],
        RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      });
      const container = containerOf(template, `interactions-${env}-${component}`);
      const image = JSON.stringify(stack.resolve(container.Image));
      expect(image).toContain(`:${component}-0.0.0-${env}-0000000`);
      expect(image).toMatch(new RegExp(`${component === 'frontend' ? 'Frontend' : 'Backend'}Repository`));
      expect(container.PortMappings).toEqual([
        expect.objectContaining({
          ContainerPort: component === 'frontend' ? 3000 : 5000,
          Name: component,
          AppProtocol: 'http',
        }),
      ]);
    },
  );

  test.each(['frontend', 'backend'] as const)(
    '%s service: capacity, the configured deployment strategy, private',
    (component) => {
      template.hasResourceProperties('AWS::ECS::Service', {
        ServiceName: `interactions-${env}-${component}`,
        DesiredCount: expected.min,
        LaunchType: 'FARGATE',
        PlatformVersion: 'LATEST',
        EnableExecuteCommand: false,
        HealthCheckGracePeriodSeconds: Match.anyValue(),
        DeploymentConfiguration: Match.objectLike({
          // Dev rolls tasks over behind the circuit breaker; staging and prod use blue/green (blue-green.test.ts).
          ...(env === 'dev'
            ? { DeploymentCircuitBreaker: { Enable: true, Rollback: true } }
            : { Strategy: 'BLUE_GREEN', DeploymentCircuitBreaker: Match.absent() }),
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
        }),
        NetworkConfiguration: {
          AwsvpcConfiguration: Match.objectLike({
            AssignPublicIp: 'DISABLED',
            Subnets: [
              { Ref: Match.stringLikeRegexp('^VpcprivateappSubnet1') },
              { Ref: Match.stringLikeRegexp('^VpcprivateappSubnet2') },
            ],
          }),
        },
      });
    },
  );

  test.each(['frontend', 'backend'] as const)('%s log group and retention', (component) => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/ecs/interactions-${env}-${component}`,
      RetentionInDays: 30,
    });
    const container = containerOf(template, `interactions-${env}-${component}`);
    expect(container.LogConfiguration).toEqual(
      expect.objectContaining({
        LogDriver: 'awslogs',
        Options: expect.objectContaining({ 'awslogs-stream-prefix': component }),
      }),
    );
  });

  test.each(['frontend', 'backend'] as const)(
    '%s scales between min and max with the three target-tracking policies',
    (component) => {
      const serviceId = `Compute${component === 'frontend' ? 'Frontend' : 'Backend'}Service`;
      const targets = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')).filter(
        ([, t]) => JSON.stringify(t.Properties.ResourceId).includes(serviceId),
      );
      expect(targets).toHaveLength(1);
      const [target, scalable] = targets[0] ?? [];
      expect(scalable?.Properties).toMatchObject({
        MinCapacity: expected.min,
        MaxCapacity: expected.max,
        ScalableDimension: 'ecs:service:DesiredCount',
      });
      const policies = Object.values(
        template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
          Properties: { ScalingTargetId: { Ref: target } },
        }),
      ).map((p) => p.Properties);
      expect(policies).toHaveLength(3);
      // Blue/green's request policy reads both target groups through metric math (blue-green-target-groups.test.ts).
      const byMetric = Object.fromEntries(
        policies.map((p) => [
          p.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification?.PredefinedMetricType ??
            'requests of both target groups',
          { name: p.PolicyName, ...p.TargetTrackingScalingPolicyConfiguration },
        ]),
      );
      const cooldowns = { ScaleInCooldown: 300, ScaleOutCooldown: 300 };
      expect(byMetric.ECSServiceAverageCPUUtilization).toMatchObject({ TargetValue: 70, ...cooldowns });
      expect(byMetric.ECSServiceAverageMemoryUtilization).toMatchObject({ TargetValue: 80, ...cooldowns });
      const requests = env === 'dev' ? byMetric.ALBRequestCountPerTarget : byMetric['requests of both target groups'];
      expect(requests).toMatchObject({
        TargetValue: 1000,
        ...cooldowns,
        name: `interactions-${env}-${component}-requests`,
      });
      expect(byMetric.ECSServiceAverageCPUUtilization.name).toBe(`interactions-${env}-${component}-cpu`);
    },
  );

  test('ALB: internet-facing, public subnets, invalid headers dropped, access logs, deletion protection only in prod', () => {
    const lb = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(lb).toHaveLength(1);
    const attributes = Object.fromEntries(
      ((lb[0]?.Properties.LoadBalancerAttributes ?? []) as { Key: string; Value: unknown }[]).map((a) => [
        a.Key,
        a.Value,
      ]),
    );
    expect(attributes).toMatchObject({
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.prefix': 'alb',
    });
    // Prod: explicitly on; elsewhere absent or off.
    expect(attributes['deletion_protection.enabled'] ?? 'false').toBe(String(env === 'prod'));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Name: `interactions-${env}`,
      Scheme: 'internet-facing',
      Type: 'application',
      Subnets: [
        { Ref: Match.stringLikeRegexp('^VpcpublicSubnet1') },
        { Ref: Match.stringLikeRegexp('^VpcpublicSubnet2') },
      ],
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })]),
      },
    });
  });

  test('HTTP redirects to HTTPS; HTTPS uses TLS 1.2+ and the env certificate; default frontend, /api/* backend', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
    const https = template.findResources('AWS::ElasticLoadBalancingV2::Listener', { Properties: { Port: 443 } });
    expect(Object.keys(https)).toHaveLength(1);
    const [httpsId, listener] = Object.entries(https)[0] ?? [];
    expect(listener?.Properties).toMatchObject({
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: loadConfig(env).compute.albCertificateArn }],
    });
    const { compute } = built[env];
    if (env !== 'dev') {
      // Blue/green routes by weighted rules (blue-green.test.ts); nothing reaches the default action.
      expect(listener?.Properties.DefaultActions).toEqual([
        expect.objectContaining({
          Type: 'fixed-response',
          FixedResponseConfig: expect.objectContaining({ StatusCode: '404' }),
        }),
      ]);
      return;
    }
    expect(stack.resolve(listener?.Properties.DefaultActions)).toEqual([
      { Type: 'forward', TargetGroupArn: stack.resolve(compute.frontendTargetGroup.targetGroupArn) },
    ]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: httpsId },
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: stack.resolve(compute.backendTargetGroup.targetGroupArn) }],
    });
  });

  test('target groups health-check the configured path over IP targets', () => {
    const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Properties: { HealthCheckPath: '/health', TargetType: 'ip', Protocol: 'HTTP' },
    });
    expect(
      Object.values(groups)
        .map((g) => g.Properties.Port)
        .sort(),
    ).toEqual(env === 'dev' ? [3000, 5000] : [3000, 3000, 5000, 5000]);
  });

  test('ECR repositories: env-named, scan on push, immutable tags, encrypted, lifecycle', () => {
    for (const component of ['frontend', 'backend']) {
      template.hasResourceProperties('AWS::ECR::Repository', {
        RepositoryName: `interactions-${env}-${component}`,
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        EncryptionConfiguration: { EncryptionType: 'KMS' },
        LifecyclePolicy: {
          LifecyclePolicyText: Match.stringLikeRegexp('"countType":"imageCountMoreThan","countNumber":30'),
        },
      });
    }
  });

  test('fixed-name resources go with dev (ECR emptied first), elsewhere are kept except after a rolled-back create', () => {
    const policy =
      env === 'dev'
        ? { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }
        : { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' };
    for (const component of ['frontend', 'backend']) {
      template.hasResource('AWS::ECR::Repository', {
        Properties: Match.objectLike({
          RepositoryName: `interactions-${env}-${component}`,
          EmptyOnDelete: env === 'dev',
        }),
        ...policy,
      });
    }
    // ECS log groups: only prod keeps them; dev and staging logs go with their stack.
    for (const component of ['frontend', 'backend']) {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: Match.objectLike({ LogGroupName: `/aws/ecs/interactions-${env}-${component}` }),
        ...(env === 'prod'
          ? { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' }
          : { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }),
      });
    }
    // The ALB access-log bucket: emptied and deleted with dev.
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(1);
    expect(buckets[0]).toMatchObject(policy);
    template.resourceCountIs('Custom::S3AutoDeleteObjects', env === 'dev' ? 1 : 0);
  });

  test('backend gets the database, Redis and Service Connect settings; frontend the backend URL', () => {
    const backend = containerOf(template, `interactions-${env}-backend`);
    const environment = Object.fromEntries(
      (backend.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
    );
    expect(environment).toMatchObject({
      DB_HOST: 'db.internal.example',
      REDIS_HOST: 'cache.internal.example',
      REDIS_PORT: '6379',
      REDIS_TLS: String(env !== 'dev'),
      APP_ENV: env,
      PARAMETER_PREFIX: `/interactions/${env}`,
    });
    const secrets = (backend.Secrets as { Name: string; ValueFrom: unknown }[]).map((s) => [
      s.Name,
      JSON.stringify(stack.resolve(s.ValueFrom)),
    ]);
    expect(secrets.map(([name]) => name).sort()).toEqual(
      env === 'dev' ? ['DB_PASSWORD', 'DB_USERNAME'] : ['DB_PASSWORD', 'DB_USERNAME', 'REDIS_AUTH_TOKEN'],
    );
    expect(Object.fromEntries(secrets).DB_USERNAME).toMatch(/DbSecret.*:username::/);
    expect(Object.fromEntries(secrets).DB_PASSWORD).toMatch(/DbSecret.*:password::/);

    const frontend = containerOf(template, `interactions-${env}-frontend`);
    expect(frontend.Environment).toEqual(
      expect.arrayContaining([{ Name: 'BACKEND_URL', Value: 'http://backend:5000' }]),
    );
    expect(frontend.Secrets).toBeUndefined();

    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: `interactions-${env}-backend`,
      ServiceConnectConfiguration: Match.objectLike({
        Enabled: true,
        Namespace: `interactions-${env}.local`,
        Services: [
          { PortName: 'backend', DiscoveryName: 'backend', ClientAliases: [{ DnsName: 'backend', Port: 5000 }] },
        ],
      }),
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: `interactions-${env}-frontend`,
      ServiceConnectConfiguration: Match.objectLike({ Enabled: true, Services: Match.absent() }),
    });
  });

  test('roles carry the seed names with the environment inserted', () => {
    for (const role of ['ecs-execution', 'ecs-task', 'ci-cd', 'monitoring']) {
      template.hasResourceProperties('AWS::IAM::Role', { RoleName: `interactions-${env}-${role}` });
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: `interactions-${env}-ecs-execution`,
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
      },
    });
  });

  test('CI/CD role trusts only GitHub OIDC tokens of jobs in the <env> GitHub environment of the repository', () => {
    const role = Object.values(
      template.findResources('AWS::IAM::Role', { Properties: { RoleName: `interactions-${env}-ci-cd` } }),
    )[0];
    const [statement, ...others] = role?.Properties.AssumeRolePolicyDocument.Statement ?? [];
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': `repo:interactions/interactions-platform:environment:${env}`,
        },
      },
    });
    // No pattern match anywhere: a branch or pull-request subject must not match.
    expect(statement.Condition.StringLike).toBeUndefined();
    expect(JSON.stringify(statement.Condition)).not.toContain('*');
    expect(JSON.stringify(statement.Principal.Federated)).toContain(
      ':oidc-provider/token.actions.githubusercontent.com',
    );
    // The provider is account-global: looked up, never created here.
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });

  test('CI/CD may deploy only this environment: services, PassRole, repositories, verification', () => {
    const ciCd = statements(template).filter(({ roles }) => JSON.stringify(roles).includes('CiCd'));
    const find = (action: string) => ciCd.filter(({ statement }) => asArray(statement.Action).includes(action));
    const resources = (action: string) =>
      JSON.stringify(stack.resolve(find(action).map(({ statement }) => statement.Resource)));

    expect(resources('ecs:UpdateService')).toContain(`:service/interactions-${env}/interactions-${env}-frontend`);
    expect(resources('ecs:UpdateService')).toContain(`:service/interactions-${env}/interactions-${env}-backend`);
    expect(resources('ecs:UpdateService')).not.toContain('*');
    const passRole = find('iam:PassRole');
    expect(passRole).toHaveLength(1);
    expect(passRole[0]?.statement.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    });
    expect(resources('iam:PassRole')).toMatch(/RolesExecution.*RolesTask/);
    expect(resources('ecr:PutImage')).toMatch(
      /FrontendRepository.*BackendRepository|BackendRepository.*FrontendRepository/,
    );
    expect(resources('s3:PutObject')).toContain(`:s3:::interactions-${env}-assets/*`);
    expect(resources('states:StartExecution')).toContain(`:stateMachine:interactions-${env}-deployment-verification"`);
    // cdk deploy runs through the bootstrap roles; the deploy reads the running tags it keeps.
    expect(resources('sts:AssumeRole')).toMatch(/:role\/cdk-hnb659fds-\*-.*-\*"/);
    expect(resources('ssm:GetParameter')).toContain(`:parameter/interactions/${env}/images/*`);
  });

  test('the task role reads the assets bucket and the env parameter tree only', () => {
    const task = statements(template).filter(({ roles }) => JSON.stringify(roles).includes('RolesTask'));
    const flat = JSON.stringify(stack.resolve(task.map(({ statement }) => statement)));
    expect(flat).toContain(`:s3:::interactions-${env}-assets/*`);
    expect(flat).toContain(`:parameter/interactions/${env}/*`);
    for (const { statement } of task) {
      for (const action of asArray(statement.Action))
        expect(action).toMatch(/^(s3:(GetObject|ListBucket)|ssm:GetParameter)/);
    }
  });

  test('no mutating IAM action is granted on Resource "*"', () => {
    // Reads are Get/Describe/List/Filter...; ecs:RegisterTaskDefinition is a documented exception:
    // ECS supports no resource-level permissions for it (see roles.ts), nor does X-Ray for the
    // trace writes of the blue/green hook's active tracing (automation-function.ts).
    const read = /^[a-z0-9-]+:(Get|Describe|List|BatchGet|BatchCheck|Filter)/;
    const exceptions = ['ecs:RegisterTaskDefinition', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
    const offenders = statements(template)
      .filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Resource).includes('*'))
      .flatMap(({ statement }) => asArray(statement.Action) as string[])
      .filter((action) => !read.test(action) && !exceptions.includes(action));
    expect(offenders).toEqual([]);
  });

  test('cdk-nag (AwsSolutions + Serverless) reports nothing unacknowledged', () => {
    // The fixture's VPC and secrets are the test's, not the construct's.
    expect(unacknowledgedFindings(stack).filter((f) => f.includes('/Compute/'))).toEqual([]);
  });
});

describe('Compute with the real Network construct', () => {
  // GIVEN the network's own ALB-to-task rules; WHEN the ALB attaches the services
  const app = testApp();
  const stack = new Stack(app, 'ComputeWithNetwork', { env: { region: 'us-east-1' } });
  const config = loadConfig('prod');
  const network = new Network(stack, 'Network', { envName: 'prod', config: config.network, appPorts: [3000, 5000] });
  new Compute(stack, 'Compute', {
    envName: 'prod',
    config: config.compute,
    vpc: network.vpc,
    albSecurityGroup: network.albSecurityGroup,
    serviceSecurityGroup: network.serviceSecurityGroup,
    databaseSecret: new secretsmanager.Secret(stack, 'DbSecret'),
    databaseEndpoint: 'db.internal.example',
    cacheEndpoint: 'cache.internal.example',
    cachePort: 6379,
    assetsBucketName: config.cdn.bucketName,
  });
  const template = Template.fromStack(stack);

  test('each security group rule exists once (EC2 rejects duplicates at deploy time)', () => {
    const rules = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')),
    ].map((r) => {
      const { Description: _ignored, ...rule } = r.Properties;
      return `${r.Type}${JSON.stringify(rule)}`;
    });
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules).size).toBe(rules.length);
  });

  test('the tasks may reach the backend task to task for Service Connect', () => {
    const self = { 'Fn::GetAtt': [Match.stringLikeRegexp('ServiceSecurityGroup'), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: self,
      SourceSecurityGroupId: self,
      FromPort: 5000,
      ToPort: 5000,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: self,
      DestinationSecurityGroupId: self,
      FromPort: 5000,
      ToPort: 5000,
    });
  });

  test('cdk-nag reports nothing unacknowledged under the compute construct', () => {
    expect(unacknowledgedFindings(stack).filter((f) => f.includes('/Compute/'))).toEqual([]);
  });
});
