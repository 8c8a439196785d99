/**
 * The ECS check of one service, as a pure function of what DescribeServices and
 * DescribeTaskDefinition returned: the PRIMARY deployment runs the expected task definition and
 * image tag, its rollout is COMPLETED and it runs as many tasks as it wants. A deployment that
 * stabilised only because the circuit breaker rolled it back is a failure, even once it is steady.
 */
import type { Deployment, Service, ServiceEvent } from '@aws-sdk/client-ecs';
import type { CheckOutcome } from '../../shared/probes/check.js';
import type { Component } from '../../workflows/deployment-verification/contract.js';

/** What the service must run. */
export interface EcsExpectation {
  readonly component: Component;
  /** Image tag of the component's container. */
  readonly imageTag: string;
  /** Task definition ARN of the PRIMARY deployment. @default not compared */
  readonly taskDefinition?: string;
  /**
   * Accept a rollout still IN_PROGRESS: a blue/green lifecycle hook tests the new revision before
   * production traffic shifts, while its deployment is, by definition, not complete. @default false
   */
  readonly rolloutInProgressAllowed?: boolean;
}

/** Messages ECS writes to the service's events when the circuit breaker (or an alarm) rolls back. */
const ROLLBACK_MESSAGE = /rolling back|rolled back|rollback/i;

/** The tag of an image reference `repo[:tag][@digest]`; undefined when it has none. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

/** Evidence that the service got to where it is by rolling back; undefined when there is none. */
export function rollbackEvidence(service: Service, primary: Deployment): string | undefined {
  const failed = (service.deployments ?? []).find((d) => d.rolloutState === 'FAILED');
  if (failed !== undefined) {
    return `deployment ${failed.id ?? '?'} FAILED (${failed.rolloutStateReason ?? 'no reason given'})`;
  }
  if (primary.rolloutStateReason !== undefined && ROLLBACK_MESSAGE.test(primary.rolloutStateReason)) {
    return `PRIMARY deployment: ${primary.rolloutStateReason}`;
  }
  // Only events since the PRIMARY deployment started: an old rollback does not taint a later deployment.
  const since = primary.createdAt?.getTime() ?? 0;
  const event = (service.events ?? []).find(
    (e: ServiceEvent) => (e.createdAt?.getTime() ?? 0) >= since && ROLLBACK_MESSAGE.test(e.message ?? ''),
  );
  return event === undefined ? undefined : `service event: ${event.message}`;
}

/**
 * Evaluates one service. `images` are the container images of the PRIMARY deployment's task definition.
 */
export function evaluateService(
  service: Service | undefined,
  images: readonly string[],
  expected: EcsExpectation,
): CheckOutcome {
  if (service === undefined) return { status: 'fail', finding: 'service not found' };
  const name = service.serviceName ?? expected.component;
  const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
  if (primary === undefined) return { status: 'fail', finding: `${name} has no PRIMARY deployment` };

  const problems: string[] = [];
  const rollback = rollbackEvidence(service, primary);
  if (rollback !== undefined) problems.push(`stabilised only by rolling back: ${rollback}`);
  if (expected.taskDefinition !== undefined && primary.taskDefinition !== expected.taskDefinition) {
    problems.push(
      `PRIMARY runs ${primary.taskDefinition ?? 'no task definition'}, expected ${expected.taskDefinition}`,
    );
  }
  const tags = images.map(imageTag).filter((tag): tag is string => tag !== undefined);
  const componentTags = tags.filter((tag) => tag.startsWith(`${expected.component}-`));
  if (!componentTags.includes(expected.imageTag)) {
    problems.push(
      `PRIMARY runs image tag ${componentTags.join(', ') || `(none of ${tags.join(', ') || 'no tagged image'})`}, expected ${expected.imageTag}`,
    );
  }
  if (primary.rolloutState === undefined) {
    // Services without the circuit breaker report no rollout state: one deployment left means it is done.
    if ((service.deployments ?? []).length > 1) problems.push('a deployment is still in progress (no rollout state)');
  } else if (primary.rolloutState === 'IN_PROGRESS' && expected.rolloutInProgressAllowed === true) {
    // The hook's deployment: its tasks must run and be the expected revision; completion comes after the hook.
  } else if (primary.rolloutState !== 'COMPLETED') {
    problems.push(
      `rollout ${primary.rolloutState}${primary.rolloutStateReason ? ` (${primary.rolloutStateReason})` : ''}`,
    );
  }
  const running = primary.runningCount ?? 0;
  const desired = primary.desiredCount ?? 0;
  if (running !== desired) problems.push(`running ${running} of ${desired} desired tasks`);

  if (problems.length > 0) return { status: 'fail', finding: `${name}: ${problems.join('; ')}` };
  return {
    status: 'pass',
    finding: `${name} runs ${expected.imageTag} (${primary.taskDefinition ?? '?'}), rollout ${primary.rolloutState ?? 'done'}, ${running}/${desired} tasks`,
  };
}
