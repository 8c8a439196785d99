/** Runs the RDS storage playbook (playbook.ts) in the mode the workflow asks for. */
import { rdsClient } from '../../shared/clients/rds.js';
import { playbookHandler } from '../../shared/playbooks/playbook.js';
import { policySchema, rdsStorage } from './playbook.js';

export const { handler, createHandler } = playbookHandler(rdsStorage, policySchema, () => ({ rds: rdsClient }));
