/**
 * The world of a deployment verification test. AWS, mocked with aws-sdk-client-mock: ECS services
 * (the create-service fixture's service shape), their task definitions, target health (elbv2
 * fixtures), alarms (describe-alarms fixture), metric data, secrets and the cache endpoint. Real
 * servers the probes connect to: the fake application (tests/support/services), Redis and PostgreSQL.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import {
  type Deployment,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type Service,
  type ServiceEvent,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { type Environment, names } from '../../shared/naming.js';
import type { Component } from '../../workflows/deployment-verification/contract.js';
import { readFixture } from '../support/fixtures.js';
import { FAKE_APP, type LocalHttpServer, startHttpServer } from '../support/services/http.js';
import { type PostgresServer, startPostgres } from '../support/services/postgres.js';
import { type LocalRedis, startRedis } from '../support/services/redis.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export const TAGS = {
  backend: 'backend-2.0.1-dev-a7b3c9d',
  frontend: 'frontend-1.4.0-dev-a7b3c9d',
} as const satisfies Record<Component, string>;
export const OLD_TAGS = {
  backend: 'backend-2.0.0-dev-0123abc',
  frontend: 'frontend-1.3.9-dev-0123abc',
} as const satisfies Record<Component, string>;

const serviceFixture = readFixture<{ service: Record<string, unknown> }>(
  'ecs-create-service-response-deployment-rolloutState-IN_PROGRESS.awscli-example.json',
).service;
const healthy = readFixture<{ TargetHealthDescriptions: TargetHealthDescription[] }>(
  'elbv2-describe-target-health-two-healthy.awscli-example.json',
).TargetHealthDescriptions;
const alarmFixture = readFixture<{ MetricAlarms: Record<string, unknown>[] }>(
  'cloudwatch-describe-alarms-single-OK.awscli-example.json',
).MetricAlarms[0] as Record<string, unknown>;

/** Fixtures of unhealthy target states, by the state they show. */
export const TARGET_STATES = {
  unhealthy: 'elbv2-describe-target-health-unhealthy-Timeout.awscli-example.json',
  unused: 'elbv2-describe-target-health-unused-NotInUse.awscli-example.json',
  initial: 'elbv2-describe-target-health-initial-RegistrationInProgress.awscli-example.json',
} as const;

export function targetGroupArn(component: Component): string {
  return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${component}-tg/0123456789abcdef`;
}

export function taskDefinitionArn(component: Component, revision: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/interactions-dev-${component}:${revision}`;
}

/** How a test bends the world; everything healthy by default. */
export interface WorldOptions {
  /** Tag each service's PRIMARY deployment runs. @default TAGS */
  readonly running?: Partial<Record<Component, string>>;
  /** Per service: extra deployment fields of PRIMARY, extra deployments, events. */
  readonly primary?: Partial<Record<Component, Partial<Deployment>>>;
  readonly otherDeployments?: Partial<Record<Component, Deployment[]>>;
  readonly events?: Partial<Record<Component, ServiceEvent[]>>;
  /** Fixture file answering DescribeTargetHealth for the backend group. @default two healthy targets */
  readonly backendTargets?: string;
  /** Alarms in ALARM (names). @default none */
  readonly firing?: readonly string[];
  /** Labels of key metrics without datapoints (ids m0.. follow the default metric order). @default none */
  readonly silentMetricIds?: readonly string[];
  /** Delay of DescribeServices, in ms (a slow ECS API). @default 0 */
  readonly describeDelayMs?: number;
}

export const ecs = mockClient(ECSClient);
export const elbv2 = mockClient(ElasticLoadBalancingV2Client);
export const cloudWatch = mockClient(CloudWatchClient);

const CREATED = new Date(Date.now() - 10 * 60_000);

function service(env: Environment, component: Component, options: WorldOptions): Service {
  const revision = (options.running?.[component] ?? TAGS[component]) === TAGS[component] ? 8 : 7;
  const primary: Deployment = {
    id: `ecs-svc/${component}-primary`,
    status: 'PRIMARY',
    taskDefinition: taskDefinitionArn(component, revision),
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    createdAt: CREATED,
    rolloutState: 'COMPLETED',
    rolloutStateReason: `ECS deployment ecs-svc/${component}-primary completed.`,
    ...options.primary?.[component],
  };
  return {
    ...(serviceFixture as Service),
    serviceName: names.service(env, component),
    createdAt: CREATED,
    desiredCount: 2,
    runningCount: 2,
    loadBalancers: [{ targetGroupArn: targetGroupArn(component), containerName: component, containerPort: 80 }],
    deployments: [primary, ...(options.otherDeployments?.[component] ?? [])],
    events: options.events?.[component] ?? [],
  };
}

/** Sets the handler-side mocks for one world. */
export function setWorld(env: Environment, options: WorldOptions = {}): void {
  ecs.reset();
  elbv2.reset();
  cloudWatch.reset();
  const services = (['backend', 'frontend'] as const).map((c) => service(env, c, options));
  ecs.on(DescribeServicesCommand).callsFake(async () => {
    if (options.describeDelayMs) await new Promise((r) => setTimeout(r, options.describeDelayMs));
    return { services, failures: [] };
  });
  for (const component of ['backend', 'frontend'] as const) {
    for (const [revision, tag] of [
      [8, TAGS[component]],
      [7, options.running?.[component] ?? OLD_TAGS[component]],
    ] as const) {
      ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn(component, revision) }).resolves({
        taskDefinition: {
          taskDefinitionArn: taskDefinitionArn(component, revision),
          containerDefinitions: [
            {
              name: component,
              image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/interactions-${env}-${component}:${tag}`,
            },
          ],
        },
      });
    }
  }
  elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: healthy });
  if (options.backendTargets !== undefined) {
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: targetGroupArn('backend') })
      .resolves(readFixture<{ TargetHealthDescriptions: TargetHealthDescription[] }>(options.backendTargets));
  }
  const firing = (options.firing ?? []).map(
    (name): MetricAlarm => ({
      ...(alarmFixture as MetricAlarm),
      AlarmName: name,
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed',
    }),
  );
  cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: firing, CompositeAlarms: [] });
  cloudWatch.on(GetMetricDataCommand).callsFake(async (input: { MetricDataQueries?: { Id?: string }[] }) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
      Id: q.Id,
      StatusCode: 'Complete',
      Timestamps: options.silentMetricIds?.includes(q.Id ?? '') ? [] : [new Date()],
      Values: options.silentMetricIds?.includes(q.Id ?? '') ? [] : [12.5],
    })),
  }));
}

/** The SDK-integration mock of "Read deployed image tags": the tags the platform published. */
export function publishedTags(env: Environment, tags: Record<Component, string> = TAGS) {
  return {
    Return: {
      Parameters: (['backend', 'frontend'] as const).map((c) => ({
        Name: `${names.parameterPrefix(env)}/images/${c}-tag`,
        Value: tags[c],
        Type: 'String',
      })),
      InvalidParameters: [],
    },
  };
}

/** The secrets the probes read and the cache they find, for the probes handler. */
export const secrets = mockClient(SecretsManagerClient);
export const elastiCache = mockClient(ElastiCacheClient);

/** The servers the probes talk to: a fake application (also the CDN), Redis 7 and PostgreSQL 15 with TLS. */
export interface ProbeServers {
  readonly app: LocalHttpServer;
  readonly redis: LocalRedis;
  readonly postgres: PostgresServer;
}

/** Secret names the probes read in these tests. */
export const SECRETS = {
  database: '/interactions/dev/db-credentials',
  login: '/interactions/dev/verification-login',
  cacheAuth: '/interactions/dev/redis-auth-token',
} as const;

/** Starts the servers (the database with an applied migration); stop them with `stopProbeServers`. */
export async function startProbeServers(): Promise<ProbeServers> {
  const [app, redis, postgres] = await Promise.all([startHttpServer(), startRedis(), startPostgres({ tls: 'on' })]);
  await postgres.sql(
    `CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
     INSERT INTO alembic_version VALUES ('4f2a9c1d7e3b');
     GRANT SELECT ON alembic_version TO "${postgres.user}";`,
  );
  return { app, redis, postgres };
}

export async function stopProbeServers(servers: ProbeServers | undefined): Promise<void> {
  await Promise.all([servers?.app.close(), servers?.redis.cleanup(), servers?.postgres.stop()]);
}

/** Answers the probes' secret reads and the cache lookup from the servers; `missing` secrets do not exist. */
export function setProbeWorld(servers: ProbeServers, missing: readonly string[] = []): void {
  secrets.reset();
  elastiCache.reset();
  const values: Record<string, string> = {
    [SECRETS.database]: JSON.stringify({
      engine: 'postgres',
      host: servers.postgres.host,
      port: servers.postgres.port,
      username: servers.postgres.user,
      password: servers.postgres.password,
      dbname: servers.postgres.database,
    }),
    [SECRETS.login]: JSON.stringify(FAKE_APP.credentials),
    [SECRETS.cacheAuth]: servers.redis.password,
  };
  for (const [id, value] of Object.entries(values)) {
    if (missing.includes(id)) {
      secrets
        .on(GetSecretValueCommand, { SecretId: id })
        .rejects(
          new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }),
        );
    } else {
      secrets.on(GetSecretValueCommand, { SecretId: id }).resolves({ SecretString: value });
    }
  }
  elastiCache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [
      {
        ReplicationGroupId: 'interactions-dev',
        NodeGroups: [
          { NodeGroupId: '0001', PrimaryEndpoint: { Address: servers.redis.host, Port: servers.redis.port } },
        ],
      },
    ],
  });
}
