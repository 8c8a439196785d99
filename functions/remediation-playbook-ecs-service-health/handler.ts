/** Runs the ECS service health playbook (playbook.ts) in the mode the workflow asks for. */
import { ecsClient } from '../../shared/clients/ecs.js';
import { playbookHandler } from '../../shared/playbooks/playbook.js';
import { ecsServiceHealth, policySchema } from './playbook.js';

export const { handler, createHandler } = playbookHandler(ecsServiceHealth, policySchema, () => ({ ecs: ecsClient }));
