/**
 * The ALB check: every registered target of the checked target groups is `healthy`. `initial`
 * (registration in progress), `unused`, `draining`, `unavailable` and `unhealthy` are not: a
 * deployment is verified only once the load balancer sends all of its traffic to passing targets.
 */
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CheckOutcome } from '../../shared/probes/check.js';

/** The targets of one target group as DescribeTargetHealth returned them. */
export interface TargetGroupHealth {
  readonly targetGroupArn: string;
  readonly targets: readonly TargetHealthDescription[];
}

/** `targetgroup/<name>/<id>` shortened to its name, for readable findings. */
export function targetGroupName(arn: string): string {
  return /targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

function describeTarget(target: TargetHealthDescription): string {
  const id = `${target.Target?.Id ?? '?'}:${target.Target?.Port ?? '?'}`;
  const health = target.TargetHealth;
  const reason = health?.Reason === undefined ? '' : ` (${health.Reason})`;
  return `${id} ${health?.State ?? 'unknown'}${reason}`;
}

/** Evaluates every target group; an empty group fails too (nothing would serve the traffic). */
export function evaluateTargetHealth(groups: readonly TargetGroupHealth[]): CheckOutcome {
  if (groups.length === 0) return { status: 'fail', finding: 'no target group to check' };
  const problems: string[] = [];
  let healthy = 0;
  for (const group of groups) {
    const name = targetGroupName(group.targetGroupArn);
    if (group.targets.length === 0) {
      problems.push(`${name}: no registered targets`);
      continue;
    }
    const notHealthy = group.targets.filter((t) => t.TargetHealth?.State !== 'healthy');
    healthy += group.targets.length - notHealthy.length;
    if (notHealthy.length > 0) problems.push(`${name}: ${notHealthy.map(describeTarget).join(', ')}`);
  }
  if (problems.length > 0) return { status: 'fail', finding: `not healthy: ${problems.join('; ')}` };
  return {
    status: 'pass',
    finding: `${healthy} targets healthy in ${groups.map((g) => targetGroupName(g.targetGroupArn)).join(', ')}`,
  };
}
