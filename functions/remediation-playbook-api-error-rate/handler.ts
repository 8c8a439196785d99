/** Runs the API error rate playbook (playbook.ts) in the mode the workflow asks for. */
import { ecsClient } from '../../shared/clients/ecs.js';
import { playbookHandler } from '../../shared/playbooks/playbook.js';
import { apiErrorRate, policySchema } from './playbook.js';

export const { handler, createHandler } = playbookHandler(apiErrorRate, policySchema, () => ({ ecs: ecsClient }));
