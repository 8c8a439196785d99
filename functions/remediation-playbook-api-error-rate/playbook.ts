/**
 * API error rate > 5% and ALB 5xx > 1%: a deployment of the backend started recently is the
 * likely cause, so roll it back; otherwise add tasks (half as many again, at least one) within the
 * environment's maximum, and say so. At the maximum already, nothing is changed and the
 * notification says so: scaling further is a decision for a person.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { names } from '../../shared/naming.js';
import {
  deployedRecently,
  describeService,
  executeServiceActions,
  rollbackAction,
  type ServiceFacts,
  scaleOutAction,
  seenOfService,
  verifyService,
} from '../../shared/playbooks/ecs-service.js';
import type { Playbook } from '../../shared/playbooks/playbook.js';
import * as z from '../../shared/zod.js';

/** Limits the stack passes: the blame window, and the environment's maximum task count (config compute.maxCapacity). */
export const policySchema = z.object({
  recentDeploymentMinutes: z.number().check(z.positive()),
  maxTasks: z.number().check(z.int(), z.positive()),
});
export type ApiErrorRatePolicy = z.infer<typeof policySchema>;

/** The API error rate / ALB 5xx playbook. */
export const apiErrorRate: Playbook<ServiceFacts, ApiErrorRatePolicy, { ecs: () => ECSClient }> = {
  id: 'api-error-rate',
  // Both the backend's error rate and the ALB's 5xx come from the API: the backend is the service to act on.
  target: ({ environment }) => names.service(environment, 'backend'),
  gather: (target, clients, { environment }) => describeService(clients.ecs(), names.cluster(environment), target),
  plan(facts, policy, { now }) {
    const seen = { ...seenOfService(facts), maxTasks: policy.maxTasks };
    if (deployedRecently(facts, policy.recentDeploymentMinutes, now) && facts.previousTaskDefinition !== undefined) {
      return {
        target: facts.service,
        seen,
        decided: `Errors began within ${policy.recentDeploymentMinutes} minutes of a deployment of ${facts.service}: rolling it back.`,
        actions: [rollbackAction(facts, facts.previousTaskDefinition)],
        expectation: { taskDefinition: facts.previousTaskDefinition },
      };
    }
    const wanted = Math.min(policy.maxTasks, facts.desiredCount + Math.max(1, Math.ceil(facts.desiredCount / 2)));
    if (wanted <= facts.desiredCount) {
      return {
        target: facts.service,
        seen,
        decided: `No recent deployment to blame and ${facts.service} already runs the environment's maximum of ${policy.maxTasks} tasks: nothing changed, a person must look.`,
        actions: [],
        expectation: {},
      };
    }
    return {
      target: facts.service,
      seen,
      decided: `No recent deployment to blame: scaling ${facts.service} out to ${wanted} tasks (maximum ${policy.maxTasks}).`,
      actions: [scaleOutAction(facts, wanted)],
      expectation: { desiredCount: wanted },
    };
  },
  execute: (actions, clients) => executeServiceActions(clients.ecs(), actions),
  verify: (facts, expectation) => verifyService(facts, expectation),
};
