/**
 * What the two ECS playbooks (service health, API error rate) read about a service and how they
 * change it: its deployments (is one recent?), the task definition it ran before, and the
 * UpdateService calls for a rollback, a forced new deployment or a scale-out. Verification is
 * shared too: the primary deployment completed with every desired task running.
 */
import {
  DescribeServicesCommand,
  type ECSClient,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { PlannedAction, Verification } from '../../workflows/alarm-remediation/contract.js';
import { ResourceFailedError } from '../errors.js';
import { type Environment, names } from '../naming.js';

/** The facts of one service. */
export interface ServiceFacts {
  readonly cluster: string;
  readonly service: string;
  readonly status: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  /** The task definition of the PRIMARY deployment. */
  readonly taskDefinition: string;
  /** When the PRIMARY deployment started. */
  readonly primaryCreatedAt: Date | undefined;
  readonly primaryRolloutState: string | undefined;
  readonly deployments: number;
  /** The family's newest ACTIVE revision older than `taskDefinition`; undefined when there is none. */
  readonly previousTaskDefinition: string | undefined;
}

/** Which service an alarm is about: `ecs-<component>-healthy-tasks` names it; API and ALB alarms mean the backend. */
export function serviceOfAlarm(environment: Environment, alarmName: string): string {
  const component = /-ecs-(frontend|backend)-/.exec(alarmName)?.[1] === 'frontend' ? 'frontend' : 'backend';
  return names.service(environment, component);
}

/** `family:revision` of a task definition ARN (or the value itself when it is already one). */
function familyRevision(taskDefinition: string): { family: string; revision: number } {
  const tail = taskDefinition.split('/').at(-1) ?? taskDefinition;
  const [family = '', revision = ''] = tail.split(':');
  return { family, revision: Number(revision) };
}

/** Reads the service and the revision before its current task definition. */
export async function describeService(ecs: ECSClient, cluster: string, service: string): Promise<ServiceFacts> {
  const described = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = described.services?.[0];
  if (found === undefined || found.status === 'INACTIVE') {
    const why = described.failures?.[0]?.reason ?? found?.status ?? 'not found';
    throw new ResourceFailedError(`ECS service ${service} in cluster ${cluster} cannot be remediated: ${why}`);
  }
  const primary = found.deployments?.find((d) => d.status === 'PRIMARY');
  const taskDefinition = primary?.taskDefinition ?? found.taskDefinition ?? '';
  const current = familyRevision(taskDefinition);
  const listed = await ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: current.family, status: 'ACTIVE', sort: 'DESC', maxResults: 20 }),
  );
  const previousTaskDefinition = (listed.taskDefinitionArns ?? []).find((arn) => {
    const other = familyRevision(arn);
    return other.family === current.family && other.revision < current.revision;
  });
  return {
    cluster,
    service,
    status: found.status ?? 'UNKNOWN',
    desiredCount: found.desiredCount ?? 0,
    runningCount: found.runningCount ?? 0,
    taskDefinition,
    primaryCreatedAt: primary?.createdAt,
    primaryRolloutState: primary?.rolloutState,
    deployments: found.deployments?.length ?? 0,
    previousTaskDefinition,
  };
}

/** Whether the service's primary deployment started less than `minutes` before `now`. */
export function deployedRecently(facts: ServiceFacts, minutes: number, now: Date): boolean {
  const started = facts.primaryCreatedAt?.getTime();
  return started !== undefined && now.getTime() - started <= minutes * 60_000;
}

/** The facts in the notification's words. */
export function seenOfService(facts: ServiceFacts): Record<string, unknown> {
  return {
    service: facts.service,
    desiredCount: facts.desiredCount,
    runningCount: facts.runningCount,
    taskDefinition: facts.taskDefinition,
    primaryDeploymentStartedAt: facts.primaryCreatedAt?.toISOString() ?? null,
    primaryRolloutState: facts.primaryRolloutState ?? null,
    previousTaskDefinition: facts.previousTaskDefinition ?? null,
  };
}

/** Roll the service back to `previousTaskDefinition` (a new deployment of the older revision). */
export function rollbackAction(facts: ServiceFacts, previous: string): PlannedAction {
  return {
    kind: 'ecs:rollback',
    target: facts.service,
    description: `Roll ${facts.service} back from ${familyLabel(facts.taskDefinition)} to ${familyLabel(previous)}`,
    parameters: { cluster: facts.cluster, service: facts.service, taskDefinition: previous, forceNewDeployment: true },
  };
}

/** Replace every task of the service with fresh ones of the same revision. */
export function forceNewDeploymentAction(facts: ServiceFacts): PlannedAction {
  return {
    kind: 'ecs:force-new-deployment',
    target: facts.service,
    description: `Force a new deployment of ${facts.service} (${familyLabel(facts.taskDefinition)}): replace its tasks`,
    parameters: { cluster: facts.cluster, service: facts.service, forceNewDeployment: true },
  };
}

/** Raise the desired count of the service to `desiredCount`. */
export function scaleOutAction(facts: ServiceFacts, desiredCount: number): PlannedAction {
  return {
    kind: 'ecs:scale-out',
    target: facts.service,
    description: `Scale ${facts.service} out from ${facts.desiredCount} to ${desiredCount} tasks`,
    parameters: { cluster: facts.cluster, service: facts.service, desiredCount },
  };
}

function familyLabel(taskDefinition: string): string {
  const { family, revision } = familyRevision(taskDefinition);
  return `${family}:${revision}`;
}

/** Sends the UpdateService of each ECS action, in order. */
export async function executeServiceActions(ecs: ECSClient, actions: readonly PlannedAction[]): Promise<void> {
  for (const action of actions) {
    const { cluster, service, taskDefinition, forceNewDeployment, desiredCount } = action.parameters as {
      cluster: string;
      service: string;
      taskDefinition?: string;
      forceNewDeployment?: boolean;
      desiredCount?: number;
    };
    await ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition, forceNewDeployment, desiredCount }));
  }
}

/**
 * Recovered when the primary deployment runs the expected task definition (when one was asked for),
 * completed, with every desired task running; failed when ECS reports the rollout FAILED.
 */
export function verifyService(facts: ServiceFacts, expectation: Record<string, unknown>): Verification {
  const seen = seenOfService(facts);
  const expected = typeof expectation.taskDefinition === 'string' ? expectation.taskDefinition : undefined;
  if (expected !== undefined && familyLabel(expected) !== familyLabel(facts.taskDefinition)) {
    return {
      status: 'failed',
      detail: `${facts.service} runs ${familyLabel(facts.taskDefinition)}, not ${familyLabel(expected)}: another deployment replaced the rollback`,
      seen,
    };
  }
  if (facts.primaryRolloutState === 'FAILED') {
    return { status: 'failed', detail: `The deployment of ${facts.service} failed (rollout FAILED)`, seen };
  }
  const minimum = typeof expectation.desiredCount === 'number' ? expectation.desiredCount : facts.desiredCount;
  if (
    facts.deployments === 1 &&
    facts.primaryRolloutState !== 'IN_PROGRESS' &&
    facts.runningCount >= minimum &&
    minimum > 0
  ) {
    return {
      status: 'recovered',
      detail: `${facts.service} runs ${facts.runningCount}/${facts.desiredCount} tasks of ${familyLabel(facts.taskDefinition)}, deployment completed`,
      seen,
    };
  }
  return {
    status: 'pending',
    detail: `${facts.service}: ${facts.runningCount}/${facts.desiredCount} tasks running, ${facts.deployments} deployment(s), rollout ${facts.primaryRolloutState ?? 'unknown'}`,
    seen,
  };
}
