/**
 * `frontend deploy <env> <build-dir>`: the seed's `deploy-frontend.sh`. Uploads the build as a
 * timestamped release, makes it the live site, invalidates CloudFront and checks what it serves.
 */
import { loadConfig } from '../../../infra/config/index.js';
import type { Command } from '../../command.js';
import { CommandFailedError, EXIT, UsageError } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { findDistribution } from '../../frontend/cdn.js';
import { ReleaseStore, ReleaseUploadError, releaseId } from '../../frontend/release-store.js';
import { InvalidBuildError, readBuild, type SiteFile } from '../../frontend/site-files.js';
import { parseEnvironment } from '../../inputs.js';
import { edgeClients, PUBLISH_OPTIONS, publishRelease } from './publish.js';

/** `--label`: a version to append to the release id. */
function parseLabel(value: string): string {
  if (!/^[A-Za-z0-9._]{1,40}$/.test(value)) {
    throw new UsageError("must be 1-40 letters, digits, '.' or '_' (e.g. v1.4.0)");
  }
  return value;
}

export const deployFrontend: Command = {
  name: 'deploy',
  summary: 'Upload a frontend build as a new release, publish it, invalidate CloudFront and verify',
  description:
    'Uploads every file of <build-dir> to s3://interactions-<env>-assets/releases/<release>/ with its content ' +
    "type and the seed's cache headers (/static/* one year, /build/* one day, index.html never cached), then " +
    'copies the release to the live site with index.html last, invalidates the CloudFront distribution (/*), ' +
    'waits for the invalidation and checks that index.html is served uncached and a /static/ asset it ' +
    'references is served with the one-year lifetime. A failed upload removes the partial release and leaves ' +
    'the live site untouched. The release id is the deploy time (UTC), with --label appended. --dry-run lists ' +
    'the files and their headers without any AWS call.',
  arguments: [
    { name: 'env', description: 'environment: dev, staging or prod' },
    { name: 'build-dir', description: 'the frontend build output (contains index.html)' },
  ],
  options: [
    { flags: '--label <version>', description: 'appended to the release id, e.g. v1.4.0', parse: parseLabel },
    { flags: '--dry-run', description: 'list the files with their content types and cache headers; no AWS call' },
    ...PUBLISH_OPTIONS,
  ],
  examples: ['frontend deploy prod ./frontend/build --label v1.4.0', 'frontend deploy staging ./build --dry-run'],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    const { cdn } = loadConfig(environment);
    let files: SiteFile[];
    try {
      files = readBuild(args['build-dir'] ?? '', cdn);
    } catch (error) {
      if (error instanceof InvalidBuildError) throw new UsageError(error.message);
      throw error;
    }
    const release = releaseId(deps.now(), typeof options.label === 'string' ? options.label : undefined);
    if (options.dryRun === true) {
      deps.stdout(
        global.json
          ? toJson({ environment, bucket: cdn.bucketName, release, files })
          : `release ${release} to s3://${cdn.bucketName}/ (dry run: nothing uploaded)\n` +
              formatTable(
                ['file', 'content type', 'cache control', 'bytes'],
                files.map((file) => [file.key, file.contentType, file.cacheControl, String(file.sizeBytes)]),
              ),
      );
      return EXIT.ok;
    }
    const clients = edgeClients(deps, global);
    const distribution = await findDistribution(clients.ssm, environment);
    const store = new ReleaseStore(clients.s3, cdn.bucketName);
    const manifest = {
      release,
      createdAt: deps.now().toISOString(),
      createdBy: `cli:${deps.username()}`,
      files,
    };
    deps.stderr(`uploading ${files.length} files to s3://${cdn.bucketName}/releases/${release}/\n`);
    try {
      await store.upload(args['build-dir'] ?? '', manifest);
    } catch (error) {
      if (error instanceof ReleaseUploadError) throw new CommandFailedError(error.message, { cause: error });
      throw error;
    }
    return publishRelease(
      { environment, store, clients, options, global, verb: 'deployed', distribution },
      manifest,
      deps,
    );
  },
};
