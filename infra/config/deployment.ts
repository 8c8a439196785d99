/**
 * How an environment's ECS services deploy a new revision (`compute.deploymentStrategy`): dev rolls
 * tasks over guarded by the circuit breaker; staging and prod use ECS native blue/green, where the
 * new revision first gets test traffic, the deployment verification runs against it from a
 * lifecycle hook, and the seed's alarms can still roll it back during the bake time.
 */

/** Rolling update at 100%/200% with the circuit breaker rolling back tasks that fail to start. */
export interface RollingDeploymentConfig {
  readonly type: 'rolling';
}

/** ECS native blue/green with the deployment verification as a gate before production traffic. */
export interface BlueGreenDeploymentConfig {
  readonly type: 'blue-green';
  /**
   * Minutes blue and green both run after production traffic moved to green; the deployment alarms
   * (API error rate, ALB 5xx, healthy tasks) roll back within this window. 0-1440 (ECS's range).
   */
  readonly bakeTimeMinutes: number;
  /**
   * Port of the ALB's HTTP test listener, reachable only from inside the VPC: the lifecycle hook's
   * verification probes the new revision through it. Must be in 1024-65535, the range the public
   * subnets' network ACL admits (ephemeral ports), and differ from 80, 443 and the container ports.
   */
  readonly testListenerPort: number;
  /** Seconds ECS waits before calling the hook again while the verification runs (ECS's `callBackDelay`). 1-900. */
  readonly hookCallbackDelaySeconds: number;
}

/** The per-environment choice; `type` picks the shape. */
export type DeploymentStrategyConfig = RollingDeploymentConfig | BlueGreenDeploymentConfig;

/** The ports a test listener must not take: the ALB's own listeners. */
const ALB_LISTENER_PORTS = [80, 443];

/**
 * Every problem of `strategy`, each naming its field under `compute.deploymentStrategy`;
 * `containerPorts` are the frontend and backend ports (the test listener must not shadow them).
 */
export function validateDeploymentStrategy(
  strategy: DeploymentStrategyConfig,
  containerPorts: readonly number[],
): string[] {
  const field = 'compute.deploymentStrategy';
  if (strategy.type === 'rolling') return [];
  if (strategy.type !== 'blue-green') {
    return [`${field}.type: '${String((strategy as { type: unknown }).type)}' is not 'rolling' or 'blue-green'`];
  }
  const problems: string[] = [];
  const { bakeTimeMinutes, testListenerPort, hookCallbackDelaySeconds } = strategy;
  if (!Number.isInteger(bakeTimeMinutes) || bakeTimeMinutes < 0 || bakeTimeMinutes > 1440) {
    problems.push(`${field}.bakeTimeMinutes: ${bakeTimeMinutes} is not a whole number of minutes in 0-1440`);
  }
  if (!Number.isInteger(testListenerPort) || testListenerPort < 1024 || testListenerPort > 65535) {
    problems.push(
      `${field}.testListenerPort: ${testListenerPort} is outside 1024-65535 (the public network ACL admits only those besides 80/443)`,
    );
  } else if ([...ALB_LISTENER_PORTS, ...containerPorts].includes(testListenerPort)) {
    problems.push(`${field}.testListenerPort: ${testListenerPort} is already a listener or container port`);
  }
  if (!Number.isInteger(hookCallbackDelaySeconds) || hookCallbackDelaySeconds < 1 || hookCallbackDelaySeconds > 900) {
    problems.push(`${field}.hookCallbackDelaySeconds: ${hookCallbackDelaySeconds} is not a whole number in 1-900`);
  }
  return problems;
}
