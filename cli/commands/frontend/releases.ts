/** `frontend releases <env>`: the stored releases, newest first, and which one is live. Read-only. */
import { loadConfig } from '../../../infra/config/index.js';
import type { Command } from '../../command.js';
import { EXIT } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { ReleaseStore } from '../../frontend/release-store.js';
import { parseEnvironment } from '../../inputs.js';
import { edgeClients } from './publish.js';

/** One row of the listing (also its JSON form). */
export interface ReleaseRow {
  readonly release: string;
  readonly createdAt: string | null;
  readonly createdBy: string | null;
  readonly files: number | null;
  readonly live: boolean;
}

export const listReleases: Command = {
  name: 'releases',
  summary: 'List the frontend releases kept in the assets bucket and which one is live',
  description:
    'Lists the complete releases under s3://interactions-<env>-assets/releases/ (an upload that failed left ' +
    'none), newest first, with who deployed them, and marks the one the live site was published from. ' +
    'Any of them can be restored with frontend rollback.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  examples: ['frontend releases prod', 'frontend releases staging --json'],
  async run({ args, global }, deps) {
    const environment = parseEnvironment(args.env);
    const { cdn } = loadConfig(environment);
    const store = new ReleaseStore(edgeClients(deps, global).s3, cdn.bucketName);
    const [ids, current] = await Promise.all([store.list(), store.current()]);
    const rows: ReleaseRow[] = await Promise.all(
      ids.map(async (release) => {
        const manifest = await store.manifest(release);
        return {
          release,
          createdAt: manifest?.createdAt ?? null,
          createdBy: manifest?.createdBy ?? null,
          files: manifest?.files.length ?? null,
          live: current?.release === release,
        };
      }),
    );
    if (global.json) {
      deps.stdout(toJson({ environment, bucket: cdn.bucketName, live: current ?? null, releases: rows }));
      return EXIT.ok;
    }
    if (rows.length === 0) {
      deps.stdout(
        `no releases in s3://${cdn.bucketName}/releases/ (deploy one with: frontend deploy ${environment} <build-dir>)\n`,
      );
      return EXIT.ok;
    }
    deps.stdout(
      formatTable(
        ['release', 'created at', 'by', 'files', 'live'],
        rows.map((row) => [
          row.release,
          row.createdAt ?? undefined,
          row.createdBy ?? undefined,
          row.files === null ? undefined : String(row.files),
          row.live ? 'yes' : '',
        ]),
      ),
    );
    return EXIT.ok;
  },
};
