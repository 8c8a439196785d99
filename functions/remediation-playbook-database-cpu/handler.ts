/** Runs the database CPU diagnostics playbook (playbook.ts). */
import { cloudWatchClient } from '../../shared/clients/cloudwatch.js';
import { piClient } from '../../shared/clients/pi.js';
import { rdsClient } from '../../shared/clients/rds.js';
import { playbookHandler } from '../../shared/playbooks/playbook.js';
import { databaseCpu, policySchema } from './playbook.js';

export const { handler, createHandler } = playbookHandler(databaseCpu, policySchema, () => ({
  rds: rdsClient,
  pi: piClient,
  cloudWatch: cloudWatchClient,
}));
