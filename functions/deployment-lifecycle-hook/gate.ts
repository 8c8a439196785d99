/**
 * The decisions of the blue/green gate, free of AWS calls: which service a hook call is about, whether
 * it is the gate stage or a call during a rollback, the verification execution it owns, what that
 * execution is started with, and how its outcome becomes the answer to ECS.
 */

import { type Environment, names } from '../../shared/naming.js';
import * as z from '../../shared/zod.js';
import {
  type Component,
  type DeploymentVerificationInput,
  deploymentVerificationOutputSchema,
} from '../../workflows/deployment-verification/contract.js';
import type { HookEvent, HookResponse, LifecycleStage } from './hook-event.js';

/** The one stage the gate runs at: green has all the test traffic, production still goes to blue. */
export const GATE_STAGE: LifecycleStage = 'POST_TEST_TRAFFIC_SHIFT';

/**
 * The stages ECS calls again when it rolls a deployment back (ECS developer guide, "Lifecycle hooks
 * during rollback"): there is no ROLLBACK stage, these recur with the weights moving back to blue.
 */
const ROLLBACK_STAGES: ReadonlySet<LifecycleStage> = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

/** What a hook call asks of the gate. */
export type Invocation =
  | { readonly kind: 'gate' }
  /** A call while ECS rolls back: the answer is SUCCEEDED, whatever the verification said. */
  | { readonly kind: 'rollback'; readonly reason: string }
  /** A stage this hook does not gate (a configuration beyond POST_TEST_TRAFFIC_SHIFT): let it pass. */
  | { readonly kind: 'not-gated'; readonly reason: string };

/**
 * Classifies a call. A rollback shows at the recurring stages as the weights of that stage moving away
 * from the target (green) revision: green at 0 % while another revision has traffic. The same weights
 * at PRE_PRODUCTION_TRAFFIC_SHIFT are the normal state before the shift, so only the recurring stages count.
 */
export function classifyInvocation(event: HookEvent): Invocation {
  const { lifecycleStage: stage, executionDetails: details } = event;
  if (ROLLBACK_STAGES.has(stage)) {
    const weights = stage === 'TEST_TRAFFIC_SHIFT' ? details.testTrafficWeights : details.productionTrafficWeights;
    const green = weights[details.targetServiceRevisionArn];
    const others = Object.entries(weights).filter(([revision]) => revision !== details.targetServiceRevisionArn);
    if (green === 0 && others.some(([, weight]) => weight > 0)) {
      return {
        kind: 'rollback',
        reason: `${stage} moves traffic back from ${details.targetServiceRevisionArn} to ${others.map(([r, w]) => `${r} (${w} %)`).join(', ')}: ECS is rolling back, and a hook never vetoes a rollback`,
      };
    }
  }
  if (stage === GATE_STAGE) return { kind: 'gate' };
  return {
    kind: 'not-gated',
    reason: `${stage} is not the gate stage ${GATE_STAGE}: nothing to verify here`,
  };
}

/** The service a hook call is about, checked to be this environment's. */
export interface HookTarget {
  readonly component: Component;
  /** The deployment's id (last segment of `resourceArn`). */
  readonly deploymentId: string;
}

/** The function's own identity: a hook call about anything else is refused. */
export interface OwnService {
  readonly environment: Environment;
  readonly region: string;
}

/**
 * The component a call is about. Throws (naming the field) unless the service, the deployment and
 * the revision all belong to a service of this environment's cluster in this region: the gate never
 * verifies, on another environment's behalf, something it cannot see.
 */
export function hookTarget(event: HookEvent, own: OwnService): HookTarget {
  const cluster = names.cluster(own.environment);
  const { serviceArn, targetServiceRevisionArn } = event.executionDetails;
  const [, , , region, , resource = ''] = serviceArn.split(':');
  const [, serviceCluster, serviceName] = resource.split('/');
  const component = (['backend', 'frontend'] as const).find(
    (candidate) => names.service(own.environment, candidate) === serviceName,
  );
  const problems: string[] = [];
  if (region !== own.region) problems.push(`executionDetails.serviceArn: region ${region} is not ${own.region}`);
  if (serviceCluster !== cluster || component === undefined) {
    problems.push(
      `executionDetails.serviceArn: ${serviceCluster}/${serviceName} is not a service of cluster ${cluster} (interactions-${own.environment}-backend or -frontend)`,
    );
  }
  const servicePath = `${serviceCluster}/${serviceName}/`;
  if (!event.resourceArn.includes(`:service-deployment/${servicePath}`)) {
    problems.push(`resourceArn: ${event.resourceArn} is not a deployment of ${serviceCluster}/${serviceName}`);
  }
  if (!targetServiceRevisionArn.includes(`:service-revision/${servicePath}`)) {
    problems.push(
      `executionDetails.targetServiceRevisionArn: ${targetServiceRevisionArn} is not a revision of ${serviceCluster}/${serviceName}`,
    );
  }
  if (problems.length > 0 || component === undefined) throw new HookTargetError(problems);
  return { component, deploymentId: event.resourceArn.slice(event.resourceArn.lastIndexOf('/') + 1) };
}

/** A hook call about a service that is not this environment's. */
export class HookTargetError extends Error {
  override readonly name = 'HookTargetError';
  constructor(readonly problems: readonly string[]) {
    super(`Not this environment's deployment: ${problems.join('; ')}`);
  }
}

/**
 * The verification execution of one deployment: named from the deployment id, so every call of the
 * hook for that deployment (repeated calls, a Lambda retry, a second hook execution) finds the same
 * execution instead of starting another. Step Functions keeps names unique for 90 days.
 */
export function executionName(target: HookTarget): string {
  return `lifecycle-hook-${target.component}-${target.deploymentId}`.slice(0, 80);
}

/** The execution ARN of `name` on the state machine `stateMachineArn`. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** What the gate knows about the new revision besides the hook event. */
export interface GreenRevision {
  /** Task definition the green revision runs (DescribeServiceRevisions). */
  readonly taskDefinitionArn: string;
  /** The test listener's base URL (HTTP, reachable from the VPC only). */
  readonly testUrl: string;
  /** Both target groups of the component: green's is one of them, which one alternates between deployments. */
  readonly targetGroupArns: readonly string[];
}

/**
 * The input of the verification execution. It depends only on the deployment, so a start repeated with
 * it is idempotent in Step Functions (same name, same input, still running: the same execution).
 */
export function verificationInput(
  event: HookEvent,
  target: HookTarget,
  green: GreenRevision,
): DeploymentVerificationInput {
  const taskDefinition =
    target.component === 'backend'
      ? { backendTaskDefinition: green.taskDefinitionArn }
      : { frontendTaskDefinition: green.taskDefinitionArn };
  return {
    trigger: 'lifecycle-hook',
    requestedBy: event.resourceArn,
    expected: taskDefinition,
    targetUrl: green.testUrl,
    targetGroupArns: [...green.targetGroupArns],
  };
}

/** Step Functions' execution statuses. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** The verdict for ECS and why, for the log. */
export interface GateAnswer {
  readonly response: HookResponse;
  readonly reason: string;
}

/**
 * Turns the execution's state into the answer: running -> IN_PROGRESS (call again later); succeeded
 * with the verdict `passed` -> SUCCEEDED; anything else that ended (failed checks, a failed, timed-out
 * or aborted execution, an output that is not the contract's) -> FAILED, so ECS rolls back.
 */
export function gateAnswer(
  execution: { readonly status: ExecutionStatus | string; readonly output?: string; readonly name: string },
  callBackDelay: number,
): GateAnswer {
  const { status, name } = execution;
  if (status === 'RUNNING' || status === 'PENDING_REDRIVE') {
    return { response: { hookStatus: 'IN_PROGRESS', callBackDelay }, reason: `verification ${name} is ${status}` };
  }
  if (status !== 'SUCCEEDED') {
    return { response: { hookStatus: 'FAILED' }, reason: `verification ${name} ended ${status}` };
  }
  const parsed = z.safeParse(deploymentVerificationOutputSchema, parseJson(execution.output));
  if (!parsed.success) {
    return {
      response: { hookStatus: 'FAILED' },
      reason: `verification ${name} succeeded but its output is not the workflow's contract (${parsed.error.issues.map((i) => `${i.path.join('.') || '(output)'}: ${i.message}`).join('; ')})`,
    };
  }
  const { verdict, summary } = parsed.data;
  return {
    response: { hookStatus: verdict === 'passed' ? 'SUCCEEDED' : 'FAILED' },
    reason: `verification ${name}: ${verdict}: ${summary}`,
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
