/**
 * The AWS world of a deployment verification test: ECS services (from the create-service fixture's
 * service shape), their task definitions, target health (elbv2 fixtures), alarms (describe-alarms
 * fixture) and metric data, mocked with aws-sdk-client-mock for the check-deployment-state handler.
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
import { mockClient } from 'aws-sdk-client-mock';
import { type Environment, names } from '../../shared/naming.js';
import type { Component } from '../../workflows/deployment-verification/contract.js';
import { readFixture } from '../support/fixtures.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export const TAGS = {
  backend: 'backend-2.0.1-staging-a7b3c9d',
  frontend: 'frontend-1.4.0-staging-a7b3c9d',
} as const satisfies Record<Component, string>;
export const OLD_TAGS = {
  backend: 'backend-2.0.0-staging-0123abc',
  frontend: 'frontend-1.3.9-staging-0123abc',
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
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/interactions-staging-${component}:${revision}`;
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
