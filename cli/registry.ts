/**
 * The one place command groups are registered. A new group (`drill`, `verify-deployment`,
 * `remediation`) is a module exporting a `CommandGroup`, added to this list.
 */
import type { CommandGroup } from './command.js';
import { backupCommands } from './commands/backup/index.js';
import { drillCommands } from './commands/drill/index.js';
import { executionsCommands } from './commands/executions/index.js';
import { reportsCommands } from './commands/reports/index.js';
import { verifyDeploymentCommands } from './commands/verify-deployment/index.js';

/** Every command group, in help order. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  backupCommands,
  drillCommands,
  executionsCommands,
  reportsCommands,
  verifyDeploymentCommands,
];
