/** `frontend rollback <env> <release>`: makes a stored release the live site again. */
import { loadConfig } from '../../../infra/config/index.js';
import type { Command } from '../../command.js';
import { CommandFailedError, EXIT, UsageError } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { findDistribution } from '../../frontend/cdn.js';
import { isReleaseId, ReleaseStore } from '../../frontend/release-store.js';
import { parseEnvironment, shown } from '../../inputs.js';
import { edgeClients, PUBLISH_OPTIONS, publishRelease } from './publish.js';

export const rollbackFrontend: Command = {
  name: 'rollback',
  summary: 'Publish a previous frontend release again, invalidate CloudFront and verify',
  description:
    'Copies the files of s3://interactions-<env>-assets/releases/<release>/ to the live site with their ' +
    'headers (index.html last), invalidates the distribution and verifies it, as deploy does. The release ' +
    'must be complete (listed by frontend releases). --dry-run shows the files it would publish.',
  arguments: [
    { name: 'env', description: 'environment: dev, staging or prod' },
    { name: 'release', description: 'a release id from frontend releases, e.g. 20261129T160512Z-v1.4.0' },
  ],
  options: [{ flags: '--dry-run', description: 'show the release and its files; change nothing' }, ...PUBLISH_OPTIONS],
  examples: ['frontend rollback prod 20261129T160512Z-v1.4.0'],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    const release = args.release ?? '';
    if (!isReleaseId(release)) {
      throw new UsageError(
        `invalid release '${shown(release)}': expected an id such as 20261129T160512Z or 20261129T160512Z-v1.4.0 (see frontend releases ${environment})`,
      );
    }
    const { cdn } = loadConfig(environment);
    const clients = edgeClients(deps, global);
    const store = new ReleaseStore(clients.s3, cdn.bucketName);
    const manifest = await store.manifest(release);
    if (!manifest) {
      throw new CommandFailedError(
        `release ${release} not found in s3://${cdn.bucketName}/releases/ (frontend releases ${environment} lists them)`,
      );
    }
    if (options.dryRun === true) {
      deps.stdout(
        global.json
          ? toJson({ environment, bucket: cdn.bucketName, release, files: manifest.files })
          : `would publish release ${release} to s3://${cdn.bucketName}/ (dry run: nothing changed)\n` +
              formatTable(
                ['file', 'content type', 'cache control'],
                manifest.files.map((file) => [file.key, file.contentType, file.cacheControl]),
              ),
      );
      return EXIT.ok;
    }
    const distribution = await findDistribution(clients.ssm, environment);
    return publishRelease(
      { environment, store, clients, options, global, verb: 'rolled back to', distribution },
      manifest,
      deps,
    );
  },
};
