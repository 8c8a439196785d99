/**
 * The one place command groups are registered. A new group (`drill`, `verify-deployment`,
 * `remediation`) is a module exporting a `CommandGroup`, added to this list.
 */
import type { CommandGroup } from './command.js';
import { backupCommands } from './commands/backup/index.js';

export const COMMAND_GROUPS: readonly CommandGroup[] = [backupCommands];
