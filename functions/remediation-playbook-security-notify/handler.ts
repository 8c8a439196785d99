/** Runs the security-notify playbook (playbook.ts): context for the notification, no action. */
import { cloudWatchClient } from '../../shared/clients/cloudwatch.js';
import { playbookHandler } from '../../shared/playbooks/playbook.js';
import { policySchema, securityNotify } from './playbook.js';

export const { handler, createHandler } = playbookHandler(securityNotify, policySchema, () => ({
  cloudWatch: cloudWatchClient,
}));
