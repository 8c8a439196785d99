/** The `remediation` command group: what alarm remediation would decide, for one payload or a recorded stream. */
import type { CommandGroup } from '../../command.js';
import { history } from './history.js';
import { plan } from './plan.js';
import { replay } from './replay.js';

export const remediationCommands: CommandGroup = {
  name: 'remediation',
  summary: 'Alarm remediation: plan one alarm payload, replay a recorded stream',
  commands: [plan, replay, history],
};
