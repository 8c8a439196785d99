/** The `backup` command group: manual snapshots and the backup inventory. */
import type { CommandGroup } from '../../command.js';
import { createSnapshot } from './create-snapshot.js';
import { listBackups } from './list-backups.js';

export const backupCommands: CommandGroup = {
  name: 'backup',
  summary: 'RDS and ElastiCache backups: take a manual snapshot, list backups',
  commands: [createSnapshot, listBackups],
};
