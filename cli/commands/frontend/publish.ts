/**
 * The part `frontend deploy` and `frontend rollback` share: make a stored release the live site,
 * invalidate the CDN, verify what it serves, and print the outcome.
 */
import { type EnvironmentName, loadConfig } from '../../../infra/config/index.js';
import { EDGE_REGION } from '../../../infra/stacks/edge-stack.js';
import type { GlobalOptions, OptionSpec } from '../../command.js';
import { type AwsClients, type CliDeps, CommandFailedError, EXIT, type ExitCode, UsageError } from '../../context.js';
import { formatKeyValues, toJson } from '../../format.js';
import { type findDistribution, type InvalidationResult, invalidateSite } from '../../frontend/cdn.js';
import {
  type CurrentPointer,
  type ReleaseManifest,
  ReleasePublishError,
  type ReleaseStore,
} from '../../frontend/release-store.js';
import { type FrontendVerification, verifyFrontend } from '../../frontend/verify.js';

/** Longest wait for CloudFront to complete an invalidation (it usually takes under a minute). */
const INVALIDATION_TIMEOUT_MS = 10 * 60_000;
/** Between invalidation status checks: completions take tens of seconds, so 5 s is prompt enough. */
const INVALIDATION_POLL_MS = 5_000;

/** Options `deploy` and `rollback` both take. */
export const PUBLISH_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--no-wait',
    description: 'do not wait for the CloudFront invalidation to complete (skips the verification)',
  },
  { flags: '--no-verify', description: 'do not check the served index.html and a /static/ asset afterwards' },
  {
    flags: '--cdn-url <url>',
    description: 'verify against this URL instead of the distribution domain (e.g. a custom domain)',
    parse: parseHttpsUrl,
  },
];

/** `--cdn-url`: an absolute http(s) URL. */
function parseHttpsUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('must be an absolute URL such as https://cdn.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('must be an http(s) URL');
  return url.toString().replace(/\/$/, '');
}

/** The clients of the edge region, where the assets bucket, distribution and its parameters live. */
export function edgeClients(deps: CliDeps, global: GlobalOptions): AwsClients {
  if (global.region !== undefined && global.region !== EDGE_REGION) {
    throw new UsageError(
      `--region ${global.region}: frontend assets and their CDN always live in ${EDGE_REGION} (the edge stack)`,
    );
  }
  return deps.clients(EDGE_REGION, { profile: global.profile });
}

/** What publishing did, printed as the command's result. */
export interface PublishOutcome {
  readonly environment: EnvironmentName;
  readonly bucket: string;
  readonly release: string;
  readonly files: number;
  readonly previous: string | null;
  readonly invalidation: InvalidationResult;
  readonly verification: FrontendVerification | null;
}

/** Publishes `manifest`, invalidates, verifies; prints the outcome and returns the exit code. */
export async function publishRelease(
  context: {
    readonly environment: EnvironmentName;
    readonly store: ReleaseStore;
    readonly clients: AwsClients;
    readonly options: Readonly<Record<string, unknown>>;
    readonly global: GlobalOptions;
    readonly verb: 'deployed' | 'rolled back to';
    /** Found before any write, so a missing edge stack fails before the site changes. */
    readonly distribution: Awaited<ReturnType<typeof findDistribution>>;
  },
  manifest: ReleaseManifest,
  deps: CliDeps,
): Promise<ExitCode> {
  const { environment, store, clients, options, global, distribution } = context;
  deps.stderr(`publishing release ${manifest.release} to s3://${store.bucket}/ (index.html last)\n`);
  let pointer: CurrentPointer;
  try {
    pointer = await store.publish(manifest, `cli:${deps.username()}`, deps.now());
  } catch (error) {
    if (!(error instanceof ReleasePublishError)) throw error;
    // Not switched: retrying is a rollback to the same release, which copies every file again.
    const retry = error.switched ? '' : ` (retry with: frontend rollback ${environment} ${manifest.release})`;
    throw new CommandFailedError(`${error.message}${retry}`, { cause: error });
  }
  const wait = options.wait !== false;
  deps.stderr(`invalidating distribution ${distribution.id}${wait ? ' and waiting for it' : ''}\n`);
  const invalidation = await invalidateSite(clients.cloudfront, distribution.id, {
    callerReference: `frontend-${manifest.release}-${deps.now().getTime()}`,
    wait,
    timeoutMs: INVALIDATION_TIMEOUT_MS,
    pollIntervalMs: INVALIDATION_POLL_MS,
    sleep: deps.sleep,
    now: deps.now,
    signal: deps.interrupt,
  });
  const baseUrl = typeof options.cdnUrl === 'string' ? options.cdnUrl : `https://${distribution.domainName}`;
  const verification =
    wait && options.verify !== false ? await verifyFrontend(baseUrl, loadConfig(environment).verification) : null;
  const outcome: PublishOutcome = {
    environment,
    bucket: store.bucket,
    release: manifest.release,
    files: manifest.files.length,
    previous: pointer.previous ?? null,
    invalidation,
    verification,
  };
  printOutcome(outcome, context.verb, global, deps);
  if (verification && !verification.passed) {
    throw new CommandFailedError(
      `release ${manifest.release} is live but the CDN check failed: ${verification.findings.join('; ')}` +
        (pointer.previous ? ` (roll back with: frontend rollback ${environment} ${pointer.previous})` : ''),
    );
  }
  return EXIT.ok;
}

function printOutcome(outcome: PublishOutcome, verb: string, global: GlobalOptions, deps: CliDeps): void {
  if (global.json) {
    deps.stdout(toJson(outcome));
    return;
  }
  const { verification } = outcome;
  deps.stdout(
    formatKeyValues([
      [verb, outcome.release],
      ['environment', outcome.environment],
      ['bucket', outcome.bucket],
      ['files', String(outcome.files)],
      ['previous release', outcome.previous ?? '-'],
      ['invalidation', `${outcome.invalidation.id} (${outcome.invalidation.status})`],
      [
        'verification',
        verification === null ? 'skipped' : verification.passed ? `passed (${verification.url})` : 'FAILED',
      ],
      ...(verification?.findings ?? []).map((finding): [string, string] => ['finding', finding]),
    ]),
  );
}
