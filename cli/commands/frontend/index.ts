/** The `frontend` command group: static asset releases (the seed's deploy-frontend.sh). */
import type { CommandGroup } from '../../command.js';
import { deployFrontend } from './deploy.js';
import { listReleases } from './releases.js';
import { rollbackFrontend } from './rollback.js';

export const frontendCommands: CommandGroup = {
  name: 'frontend',
  summary: 'Frontend assets: deploy a build, list releases, roll back',
  commands: [deployFrontend, listReleases, rollbackFrontend],
};
