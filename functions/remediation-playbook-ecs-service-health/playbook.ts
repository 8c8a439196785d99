/**
 * ECS service health (< 50% of tasks healthy): a deployment started recently is the likely cause,
 * so roll back to the previous task definition; otherwise replace the tasks (force a new
 * deployment). Either way the workflow then verifies the service recovered.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { names } from '../../shared/naming.js';
import {
  deployedRecently,
  describeService,
  executeServiceActions,
  forceNewDeploymentAction,
  rollbackAction,
  type ServiceFacts,
  seenOfService,
  serviceOfAlarm,
  verifyService,
} from '../../shared/playbooks/ecs-service.js';
import type { Playbook } from '../../shared/playbooks/playbook.js';
import * as z from '../../shared/zod.js';

/** Limits the stack passes: how recent a deployment must be to be blamed. */
export const policySchema = z.object({ recentDeploymentMinutes: z.number().check(z.positive()) });
export type EcsServiceHealthPolicy = z.infer<typeof policySchema>;

/** The ECS service health playbook. */
export const ecsServiceHealth: Playbook<ServiceFacts, EcsServiceHealthPolicy, { ecs: () => ECSClient }> = {
  id: 'ecs-service-health',
  target: ({ environment, alarm }) => serviceOfAlarm(environment, alarm.name),
  gather: (target, clients, { environment }) => describeService(clients.ecs(), names.cluster(environment), target),
  plan(facts, policy, { now }) {
    const seen = seenOfService(facts);
    const recent = deployedRecently(facts, policy.recentDeploymentMinutes, now);
    if (recent && facts.previousTaskDefinition !== undefined) {
      return {
        target: facts.service,
        seen,
        decided: `A deployment of ${facts.service} started within ${policy.recentDeploymentMinutes} minutes: rolling back to the previous task definition.`,
        actions: [rollbackAction(facts, facts.previousTaskDefinition)],
        expectation: { taskDefinition: facts.previousTaskDefinition },
      };
    }
    const why = recent
      ? 'A deployment started recently but the family has no older ACTIVE revision to roll back to'
      : `No deployment of ${facts.service} within ${policy.recentDeploymentMinutes} minutes`;
    return {
      target: facts.service,
      seen,
      decided: `${why}: forcing a new deployment to replace unhealthy tasks.`,
      actions: [forceNewDeploymentAction(facts)],
      expectation: {},
    };
  },
  execute: (actions, clients) => executeServiceActions(clients.ecs(), actions),
  verify: (facts, expectation) => verifyService(facts, expectation),
};
