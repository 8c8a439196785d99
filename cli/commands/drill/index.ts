/** The `drill` command group: disaster-recovery drills and their data checks. */
import type { CommandGroup } from '../../command.js';
import { checkData } from './check-data.js';
import { history } from './history.js';
import { runDrill } from './run.js';

export const drillCommands: CommandGroup = {
  name: 'drill',
  summary: 'Disaster-recovery drills: run one, list past ones, check a database with the drill data checks',
  commands: [runDrill, history, checkData],
};
