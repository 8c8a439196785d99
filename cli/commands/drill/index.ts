/** The `drill` command group: disaster-recovery drills and their data checks. */
import type { CommandGroup } from '../../command.js';
import { checkData } from './check-data.js';

export const drillCommands: CommandGroup = {
  name: 'drill',
  summary: 'Disaster-recovery drills: check a database with the drill data checks',
  commands: [checkData],
};
