/**
 * The Monitoring construct against the seed's "Monitoring and Alerting": alert topics, every alarm
 * of the alert table with its config-derived threshold, window, metric and severity topic, the
 * three dashboards, and cdk-nag. One small stack per environment, built once.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import {
  type AlarmRule,
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  loadConfig,
  type MonitoringConfig,
  type Severity,
} from '../../infra/config/index.js';
import { evaluationWindow } from '../../infra/constructs/monitoring/evaluation-window.js';
import { cacheNodeIds } from '../../infra/constructs/monitoring/metrics.js';
import { NO_HIGH_SUBSCRIBER_WARNING } from '../../infra/constructs/monitoring/topics.js';
import { Monitoring } from '../../infra/constructs/monitoring.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

// ---------------------------------------------------------------------------------------------
// Fixture: the smallest stack that gives Monitoring real references of every kind it reads.

interface Fixture {
  readonly config: EnvironmentConfig;
  readonly stack: Stack;
  readonly monitoring: Monitoring;
  readonly database: rds.DatabaseInstance;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroups: { frontend: elbv2.ApplicationTargetGroup; backend: elbv2.ApplicationTargetGroup };
  readonly services: { frontend: ecs.FargateService; backend: ecs.FargateService };
  readonly template: Template;
}

const REPLICATION_GROUP_ID = 'interactions-test';

function buildFixture(config: EnvironmentConfig): Fixture {
  const app = testApp();
  const stack = new Stack(app, `Monitoring-${config.name}`);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const database = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    allocatedStorage: config.database.allocatedStorageGiB,
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
  taskDefinition.addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
    portMappings: [{ containerPort: 80 }],
  });
  const service = (id: string) =>
    new ecs.FargateService(stack, id, { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
  const services = { frontend: service('Frontend'), backend: service('Backend') };
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const targetGroup = (id: string, target: ecs.FargateService) =>
    new elbv2.ApplicationTargetGroup(stack, id, {
      vpc,
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [target],
    });
  const targetGroups = {
    frontend: targetGroup('FrontendTg', services.frontend),
    backend: targetGroup('BackendTg', services.backend),
  };
  const listener = loadBalancer.addListener('Http', { port: 80, defaultTargetGroups: [targetGroups.frontend] });
  listener.addTargetGroups('Api', {
    priority: 10,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/api/*'])],
    targetGroups: [targetGroups.backend],
  });

  const monitoring = new Monitoring(stack, 'Monitoring', {
    envName: config.name,
    config: config.monitoring,
    database,
    databaseAllocatedStorageGiB: config.database.allocatedStorageGiB,
    databaseMaxConnections: Number(config.database.parameters.max_connections),
    cacheReplicationGroupId: REPLICATION_GROUP_ID,
    cacheNodeCount: config.cache.numNodes,
    loadBalancer,
    targetGroups,
    services,
  });
  return {
    config,
    stack,
    monitoring,
    database,
    loadBalancer,
    targetGroups,
    services,
    template: Template.fromStack(stack),
  };
}

// ---------------------------------------------------------------------------------------------
// Template readers.

type Json = Record<string, unknown>;

function alarmNamed(template: Template, name: string): Json {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  expect(found).toHaveLength(1);
  return (found[0] as { Properties: Json }).Properties;
}

function refOf(stack: Stack, topic: sns.Topic): Json {
  return stack.resolve(topic.topicArn) as Json;
}

/** The Id → MetricStat/Expression entries of a metric-math alarm. */
function mathParts(alarm: Json): { expression: string; metrics: Record<string, Json> } {
  const entries = alarm.Metrics as Array<{ Id: string; Expression?: string; MetricStat?: Json; ReturnData?: boolean }>;
  const expressions = entries.filter((e) => e.Expression !== undefined);
  expect(expressions).toHaveLength(1);
  const metrics = Object.fromEntries(
    entries.filter((e) => e.MetricStat !== undefined).map((e) => [e.Id, e.MetricStat as Json]),
  );
  return { expression: expressions[0]?.Expression ?? '', metrics };
}

function metricOf(stat: Json | undefined): { namespace: unknown; name: unknown; dimensions: unknown; stat: unknown } {
  const metric = stat?.Metric as Json;
  return { namespace: metric.Namespace, name: metric.MetricName, dimensions: metric.Dimensions, stat: stat?.Stat };
}

/** Flattens a DashboardBody (an Fn::Join of text and tokens) into parsed JSON, tokens as text. */
function dashboardBody(template: Template, name: string): { widgets: Array<{ type: string; properties: Json }> } {
  const found = Object.values(
    template.findResources('AWS::CloudWatch::Dashboard', { Properties: { DashboardName: name } }),
  ) as Array<{ Properties: { DashboardBody: unknown } }>;
  expect(found).toHaveLength(1);
  const body = found[0]?.Properties.DashboardBody;
  const text = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const token = part as Json;
    if ('Ref' in token) return `{Ref:${String(token.Ref)}}`;
    if ('Fn::GetAtt' in token) return `{GetAtt:${(token['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in token) {
      const [separator, parts] = token['Fn::Join'] as [string, unknown[]];
      return parts.map(text).join(separator);
    }
    return `{${Object.keys(token).join(',')}}`;
  };
  return JSON.parse(text(body));
}

function titles(body: { widgets: Array<{ properties: Json }> }): string[] {
  return body.widgets.map((w) => String(w.properties.title ?? w.properties.markdown).split('\n')[0] ?? '');
}

/** Period × evaluation periods of the alarm, in minutes: the duration the seed states. */
function windowMinutes(alarm: Json): number {
  const period = (alarm.Period as number | undefined) ?? (mathPeriod(alarm) as number);
  return (period * (alarm.EvaluationPeriods as number)) / 60;
}

function mathPeriod(alarm: Json): number | undefined {
  const entries = (alarm.Metrics ?? []) as Array<{ Period?: number; MetricStat?: { Period?: number } }>;
  return entries.find((e) => e.Period !== undefined)?.Period ?? entries.find((e) => e.MetricStat)?.MetricStat?.Period;
}

// ---------------------------------------------------------------------------------------------

describe('evaluationWindow', () => {
  test('N minutes is N one-minute periods, all of which must breach', () => {
    expect(evaluationWindow(5)).toEqual({ periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 });
    expect(evaluationWindow(15)).toEqual({ periodSeconds: 60, evaluationPeriods: 15, datapointsToAlarm: 15 });
    expect(evaluationWindow(10)).toEqual({ periodSeconds: 60, evaluationPeriods: 10, datapointsToAlarm: 10 });
  });

  test('0 minutes (no duration in the seed) is a single datapoint of the instant period', () => {
    expect(evaluationWindow(0)).toEqual({ periodSeconds: 60, evaluationPeriods: 1, datapointsToAlarm: 1 });
    expect(evaluationWindow(0, 5)).toEqual({ periodSeconds: 300, evaluationPeriods: 1, datapointsToAlarm: 1 });
  });

  test('the instant period does not affect a rule with a duration', () => {
    expect(evaluationWindow(5, 5)).toEqual({ periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 });
  });

  test.each([-1, 1.5, Number.NaN, 24 * 60 + 1])('fails when forMinutes is %p', (forMinutes) => {
    expect(() => evaluationWindow(forMinutes)).toThrow(/forMinutes/);
  });

  test.each([0, 2.5, 61])('fails when instantPeriodMinutes is %p', (minutes) => {
    expect(() => evaluationWindow(0, minutes)).toThrow(/instantPeriodMinutes/);
  });

  test('a one-day window is the longest CloudWatch accepts', () => {
    expect(evaluationWindow(24 * 60).evaluationPeriods).toBe(1440);
  });
});

describe('cacheNodeIds', () => {
  test('numbers member clusters from 001', () => {
    expect(cacheNodeIds('interactions-prod', 2)).toEqual(['interactions-prod-001', 'interactions-prod-002']);
    expect(cacheNodeIds('rg', 1)).toEqual(['rg-001']);
  });

  test.each([0, -1, 1.5])('fails when the node count is %p', (count) => {
    expect(() => cacheNodeIds('rg', count)).toThrow(/cacheNodeCount/);
  });
});

describe.each(ENVIRONMENT_NAMES.map((name) => [name]))('Monitoring in %s', (envName: EnvironmentName) => {
  let f: Fixture;
  beforeAll(() => {
    f = buildFixture(loadConfig(envName));
  });

  const rules = () => f.config.monitoring.alarms;
  const topicRef = (severity: Severity) => refOf(f.stack, f.monitoring.topics[severity]);

  /** Common assertions: threshold, comparison, window, datapoints, both actions to the severity topic. */
  function expectRule(alarm: Json, rule: AlarmRule, comparison: string, instantMinutes = 1) {
    expect(alarm.Threshold).toBe(rule.threshold);
    expect(alarm.ComparisonOperator).toBe(comparison);
    expect(windowMinutes(alarm)).toBe(rule.forMinutes === 0 ? instantMinutes : rule.forMinutes);
    expect(alarm.DatapointsToAlarm).toBe(alarm.EvaluationPeriods);
    expect(alarm.AlarmActions).toEqual([topicRef(rule.severity)]);
    expect(alarm.OKActions).toEqual([topicRef(rule.severity)]);
  }

  describe('topics', () => {
    test('one topic per severity, named interactions-<env>-alerts-<severity>, encrypted with the alerts key', () => {
      const key = f.template.findResources('AWS::KMS::Key');
      expect(Object.keys(key)).toHaveLength(1);
      const keyId = Object.keys(key)[0];
      for (const severity of ['high', 'medium', 'low'] as const) {
        f.template.hasResourceProperties('AWS::SNS::Topic', {
          TopicName: `interactions-${envName}-alerts-${severity}`,
          KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        });
      }
      f.template.resourceCountIs('AWS::SNS::Topic', 3);
      f.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    test('the alerts key goes with a torn-down dev and is retained elsewhere', () => {
      f.template.hasResource('AWS::KMS::Key', {
        DeletionPolicy: envName === 'dev' ? 'Delete' : 'Retain',
        UpdateReplacePolicy: envName === 'dev' ? 'Delete' : 'Retain',
      });
    });

    test('the key policy lets CloudWatch alarms and EventBridge encrypt alerts', () => {
      f.template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    });

    test('each topic policy denies non-TLS requests and allows the publishing services of this account', () => {
      const policies = f.template.findResources('AWS::SNS::TopicPolicy');
      expect(Object.keys(policies)).toHaveLength(3);
      for (const policy of Object.values(policies) as Array<{
        Properties: { PolicyDocument: { Statement: Json[] } };
      }>) {
        const statements = policy.Properties.PolicyDocument.Statement;
        expect(statements).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
        expect(statements).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        );
      }
    });

    test('the committed config has no subscriptions, so there are none and no undelivered-alert queue', () => {
      f.template.resourceCountIs('AWS::SNS::Subscription', 0);
      f.template.resourceCountIs('AWS::SQS::Queue', 0);
      expect(f.monitoring.topics.high).toBeDefined();
    });

    test('synth warns on the high topic that high-severity alarms notify nobody', () => {
      Annotations.fromStack(f.stack).hasWarning(
        `/${f.stack.stackName}/Monitoring/Topics/High`,
        Match.stringLikeRegexp(
          `monitoring\\.subscriptions\\.high is empty for ${envName}: .*infra/config/${envName}\\.ts.*${NO_HIGH_SUBSCRIBER_WARNING}`,
        ),
      );
    });
  });

  describe('alarms', () => {
    test('API error rate: backend 5xx / requests × 100 over the configured window, to its severity topic', () => {
      const alarm = alarmNamed(f.template, `interactions-${envName}-api-error-rate`);
      expectRule(alarm, rules().apiErrorRatePercent, 'GreaterThanThreshold');
      expect(alarm.TreatMissingData).toBe('notBreaching');
      const { expression, metrics } = mathParts(alarm);
      expect(expression).toBe('100 * FILL(errors, 0) / requests');
      const backendTg = f.stack.resolve(f.targetGroups.backend.targetGroupFullName);
      const errors = metricOf(metrics.errors);
      expect(errors).toMatchObject({ namespace: 'AWS/ApplicationELB', name: 'HTTPCode_Target_5XX_Count', stat: 'Sum' });
      expect(errors.dimensions).toContainEqual({ Name: 'TargetGroup', Value: backendTg });
      const requests = metricOf(metrics.requests);
      expect(requests).toMatchObject({ namespace: 'AWS/ApplicationELB', name: 'RequestCount', stat: 'Sum' });
      expect(requests.dimensions).toContainEqual({ Name: 'TargetGroup', Value: backendTg });
      expect(mathPeriod(alarm)).toBe(60);
    });

    test('database CPU: RDS CPUUtilization of the instance', () => {
      const alarm = alarmNamed(f.template, `interactions-${envName}-database-cpu`);
      expectRule(alarm, rules().databaseCpuPercent, 'GreaterThanThreshold');
      expect(alarm).toMatchObject({
        Namespace: 'AWS/RDS',
        MetricName: 'CPUUtilization',
        Statistic: 'Average',
        Period: 60,
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: f.stack.resolve(f.database.instanceIdentifier) }],
      });
      expect(alarm.TreatMissingData).toBe('missing');
    });

    test.each(['frontend', 'backend'] as const)(
      'ECS %s healthy tasks: healthy / (healthy + unhealthy) × 100 of its target group',
      (service) => {
        const alarm = alarmNamed(f.template, `interactions-${envName}-ecs-${service}-healthy-tasks`);
        expectRule(alarm, rules().ecsHealthyTasksPercent, 'LessThanThreshold', 1);
        expect(alarm.TreatMissingData).toBe('breaching');
        const { expression, metrics } = mathParts(alarm);
        expect(expression).toBe('100 * healthy / (healthy + FILL(unhealthy, 0))');
        const tg = f.stack.resolve(f.targetGroups[service].targetGroupFullName);
        expect(metricOf(metrics.healthy)).toMatchObject({ name: 'HealthyHostCount' });
        expect(metricOf(metrics.healthy).dimensions).toContainEqual({ Name: 'TargetGroup', Value: tg });
        expect(metricOf(metrics.unhealthy)).toMatchObject({ name: 'UnHealthyHostCount' });
        expect(metricOf(metrics.unhealthy).dimensions).toContainEqual({ Name: 'TargetGroup', Value: tg });
      },
    );

    test.each([
      ['cacheMemoryPercent', ''],
      ['cacheMemoryWarningPercent', '-warning'],
      ['cacheMemoryCriticalPercent', '-critical'],
    ] as const)('%s: DatabaseMemoryUsagePercentage of every cache node', (key, suffix) => {
      const nodes = f.config.cache.numNodes;
      expect(f.monitoring.alarms[key]).toHaveLength(nodes);
      for (let i = 1; i <= nodes; i++) {
        const ordinal = String(i).padStart(3, '0');
        const alarm = alarmNamed(f.template, `interactions-${envName}-cache-memory${suffix}-${ordinal}`);
        expectRule(alarm, rules()[key], 'GreaterThanThreshold');
        expect(alarm).toMatchObject({
          Namespace: 'AWS/ElastiCache',
          MetricName: 'DatabaseMemoryUsagePercentage',
          Dimensions: [{ Name: 'CacheClusterId', Value: `${REPLICATION_GROUP_ID}-${ordinal}` }],
          Period: 60,
        });
      }
      const all = f.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: Match.stringLikeRegexp(`^interactions-${envName}-cache-memory${suffix}-\\d{3}$`) },
      });
      expect(Object.keys(all)).toHaveLength(nodes);
    });

    test('RDS storage: 100 - free / allocated bytes × 100, a single five-minute datapoint', () => {
      const alarm = alarmNamed(f.template, `interactions-${envName}-rds-storage`);
      expectRule(alarm, rules().rdsStoragePercent, 'GreaterThanThreshold', 5);
      const { expression, metrics } = mathParts(alarm);
      expect(expression).toBe(`100 - 100 * free / (${f.config.database.allocatedStorageGiB} * ${1024 ** 3})`);
      expect(metricOf(metrics.free)).toMatchObject({ namespace: 'AWS/RDS', name: 'FreeStorageSpace', stat: 'Minimum' });
      expect(alarm.TreatMissingData).toBe('ignore');
    });

    test('ALB 5xx rate: load balancer 5xx / requests × 100', () => {
      const alarm = alarmNamed(f.template, `interactions-${envName}-alb-5xx-rate`);
      expectRule(alarm, rules().alb5xxPercent, 'GreaterThanThreshold');
      const { expression, metrics } = mathParts(alarm);
      expect(expression).toBe('100 * FILL(errors, 0) / requests');
      const lb = f.stack.resolve(f.loadBalancer.loadBalancerFullName);
      expect(metricOf(metrics.errors)).toMatchObject({ name: 'HTTPCode_ELB_5XX_Count', stat: 'Sum' });
      expect(metricOf(metrics.errors).dimensions).toEqual([{ Name: 'LoadBalancer', Value: lb }]);
      expect(metricOf(metrics.requests)).toMatchObject({ name: 'RequestCount', stat: 'Sum' });
      expect(metricOf(metrics.requests).dimensions).toEqual([{ Name: 'LoadBalancer', Value: lb }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    });

    test('every config rule has its alarms, and there are no others', () => {
      const nodes = f.config.cache.numNodes;
      const expected = 1 + 1 + 2 + 3 * nodes + 1 + 1;
      f.template.resourceCountIs('AWS::CloudWatch::Alarm', expected);
      expect(Object.values(f.monitoring.alarms).flat()).toHaveLength(expected);
      expect(Object.keys(f.monitoring.alarms).sort()).toEqual(Object.keys(rules()).sort());
    });
  });

  describe('dashboards', () => {
    test('operations: ECS, RDS, ElastiCache and ALB widgets', () => {
      const body = dashboardBody(f.template, `interactions-${envName}-operations`);
      expect(titles(body)).toEqual([
        `# ${envName}: operations`,
        'ECS tasks: running vs desired',
        'ECS scaling events (desired task count)',
        'ECS CPU utilization (%)',
        'ECS memory utilization (%)',
        'RDS CPU utilization (%)',
        'RDS freeable memory (bytes)',
        'RDS connections',
        'ElastiCache engine CPU (%)',
        'ElastiCache memory used (%)',
        'ElastiCache hit rate (%)',
        'ALB request count',
        'ALB target response time (p50/p99)',
        'ALB 5xx errors',
      ]);
      const hitRate = body.widgets.find((w) => w.properties.title === 'ElastiCache hit rate (%)');
      const expressions = ((hitRate?.properties.metrics ?? []) as unknown[][]).filter(
        (m) => typeof (m[0] as Json | undefined)?.expression === 'string',
      );
      expect(expressions).toHaveLength(f.config.cache.numNodes);
      expect(JSON.stringify(hitRate)).toContain(`"CacheClusterId","${REPLICATION_GROUP_ID}-001"`);
      const tasks = JSON.stringify(body.widgets.find((w) => w.properties.title === 'ECS tasks: running vs desired'));
      expect(tasks).toContain('"ECS/ContainerInsights","RunningTaskCount"');
      expect(tasks).toContain('"ECS/ContainerInsights","DesiredTaskCount"');
    });

    test('application: API performance, error rates, authentication, search and alarm status', () => {
      const body = dashboardBody(f.template, `interactions-${envName}-application`);
      expect(titles(body)).toEqual([
        `# ${envName}: application`,
        'API response time (backend p50/p90/p99)',
        'API request count (backend)',
        'Error rates by service (4xx/5xx %)',
        'User authentication (success/failure)',
        'Search/query latency (p50/p99, ms)',
        'Alarm status',
      ]);
      const auth = JSON.stringify(
        body.widgets.find((w) => w.properties.title === 'User authentication (success/failure)'),
      );
      expect(auth).toContain(`"Interactions/Application","AuthenticationSuccess","Environment","${envName}"`);
      expect(auth).toContain(`"Interactions/Application","AuthenticationFailure","Environment","${envName}"`);
      const search = JSON.stringify(
        body.widgets.find((w) => w.properties.title === 'Search/query latency (p50/p99, ms)'),
      );
      expect(search).toContain(`"Interactions/Application","SearchLatency","Environment","${envName}"`);
      const status = body.widgets.find((w) => w.properties.title === 'Alarm status');
      expect(status?.type).toBe('alarm');
      expect(status?.properties.alarms).toHaveLength(Object.values(f.monitoring.alarms).flat().length);
    });

    test('database: query performance, connections vs max_connections, slow queries, storage', () => {
      const body = dashboardBody(f.template, `interactions-${envName}-database`);
      expect(titles(body)).toEqual([
        `# ${envName}: database`,
        'Query latency (read/write)',
        'Query throughput (read/write IOPS)',
        'Connection utilization',
        'Slow queries',
        'Storage: free space (bytes)',
        'Storage used (%)',
      ]);
      const connections = body.widgets.find((w) => w.properties.title === 'Connection utilization');
      expect(connections?.properties.annotations).toEqual({
        horizontal: [
          expect.objectContaining({
            value: Number(f.config.database.parameters.max_connections),
            label: 'max_connections',
          }),
        ],
      });
      const slow = body.widgets.find((w) => w.properties.title === 'Slow queries');
      expect(slow?.type).toBe('log');
      const dbRef = (f.stack.resolve(f.database.instanceIdentifier) as { Ref: string }).Ref;
      expect(String(slow?.properties.query)).toContain(`SOURCE '/aws/rds/instance/{Ref:${dbRef}}/postgresql'`);
      expect(String(slow?.properties.query)).toContain('duration: ');
    });
  });

  test('cdk-nag reports nothing unacknowledged for the Monitoring construct', () => {
    expect(unacknowledgedFindings(f.stack).filter((finding) => finding.includes('/Monitoring/'))).toEqual([]);
  });
});

describe('Monitoring with subscriptions', () => {
  const base = loadConfig('prod');
  const subscriptions: MonitoringConfig['subscriptions'] = {
    high: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.pagerduty.com/integration/abc/enqueue'] },
    medium: { emails: [], httpsEndpoints: ['https://hooks.example.com/slack'] },
    low: { emails: ['engineering@example.com'], httpsEndpoints: [] },
  };
  let f: Fixture;
  beforeAll(() => {
    f = buildFixture({ ...base, monitoring: { ...base.monitoring, subscriptions } });
  });

  test.each([
    ['high', 'email', 'oncall@example.com'],
    ['high', 'https', 'https://events.pagerduty.com/integration/abc/enqueue'],
    ['medium', 'https', 'https://hooks.example.com/slack'],
    ['low', 'email', 'engineering@example.com'],
  ] as const)(
    '%s topic: %s subscription to %s with the undelivered-alert queue as DLQ',
    (severity, protocol, endpoint) => {
      const queue = f.monitoring.node.findChild('Topics').node.findChild('UndeliveredAlerts');
      f.template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: refOf(f.stack, f.monitoring.topics[severity]),
        Protocol: protocol,
        Endpoint: endpoint,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [f.stack.getLogicalId(queue.node.defaultChild as never), 'Arn'] },
        },
      });
    },
  );

  test('no synth warning once a high-severity subscriber is configured', () => {
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('monitoring\\.subscriptions\\.high'));
  });

  test('subscribers of medium and low only still leave the high-severity warning', () => {
    // Prepare
    const onlyLower = { ...subscriptions, high: { emails: [], httpsEndpoints: [] } };

    // Act
    const lower = buildFixture({ ...base, monitoring: { ...base.monitoring, subscriptions: onlyLower } });

    // Assess
    Annotations.fromStack(lower.stack).hasWarning(
      '/Monitoring-prod/Monitoring/Topics/High',
      Match.stringLikeRegexp('monitoring\\.subscriptions\\.high is empty for prod'),
    );
  });

  test('exactly the configured subscriptions exist', () => {
    f.template.resourceCountIs('AWS::SNS::Subscription', 4);
  });

  test('the undelivered-alert queue is KMS-encrypted with the alerts key and TLS-only', () => {
    f.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'interactions-prod-alerts-undelivered',
      KmsMasterKeyId: Match.anyValue(),
    });
    f.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('cdk-nag reports nothing unacknowledged for the Monitoring construct', () => {
    expect(unacknowledgedFindings(f.stack).filter((finding) => finding.includes('/Monitoring/'))).toEqual([]);
  });
});
