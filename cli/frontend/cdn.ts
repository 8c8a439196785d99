/**
 * The environment's CloudFront distribution, as the edge stack publishes it in Parameter Store
 * (us-east-1): its id for invalidations and its domain for the verification.
 */
import { type CloudFrontClient, CreateInvalidationCommand, GetInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { EnvironmentName } from '../../infra/config/index.js';
import { names } from '../../shared/naming.js';
import { CommandFailedError } from '../context.js';

/** The distribution in front of the assets bucket. */
export interface Distribution {
  readonly id: string;
  /** `d111111abcdef8.cloudfront.net`, or the first custom domain. */
  readonly domainName: string;
}

/** Reads the distribution's id and domain from the edge stack's parameters. */
export async function findDistribution(ssm: SSMClient, environment: EnvironmentName): Promise<Distribution> {
  const parameters = names.cdnParameters(environment);
  const result = await ssm.send(
    new GetParametersCommand({ Names: [parameters.distributionId, parameters.domainName] }),
  );
  const value = (name: string) => result.Parameters?.find((parameter) => parameter.Name === name)?.Value;
  const id = value(parameters.distributionId);
  const domainName = value(parameters.domainName);
  if (!id || !domainName) {
    throw new CommandFailedError(
      `the CDN of ${environment} is not published: parameters ${parameters.distributionId} and ${parameters.domainName} ` +
        `are missing in us-east-1 (deploy ${names.stack(environment, 'edge')} first)`,
    );
  }
  return { id, domainName };
}

/** Options of invalidateSite. */
export interface InvalidationOptions {
  /** Makes a retried call the same invalidation (CloudFront's CallerReference). */
  readonly callerReference: string;
  /** Whether to wait until CloudFront reports the invalidation Completed. */
  readonly wait: boolean;
  /** Longest wait for completion. */
  readonly timeoutMs: number;
  /** Wait between GetInvalidation calls; must be positive. */
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => Date;
  readonly signal?: AbortSignal;
}

/** The invalidation's id and last known status (`InProgress` or `Completed`). */
export interface InvalidationResult {
  readonly id: string;
  readonly status: string;
}

/**
 * Invalidates every path of the distribution (`/*` counts as one path) and, when asked, waits for
 * it to complete. Every release changes `index.html` and usually `build/*`; listing the changed
 * paths would cost one path each for no gain.
 */
export async function invalidateSite(
  cloudfront: CloudFrontClient,
  distributionId: string,
  options: InvalidationOptions,
): Promise<InvalidationResult> {
  const created = await cloudfront.send(
    new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: { CallerReference: options.callerReference, Paths: { Quantity: 1, Items: ['/*'] } },
    }),
  );
  const id = created.Invalidation?.Id;
  if (!id) throw new CommandFailedError(`CloudFront returned no invalidation id for distribution ${distributionId}`);
  let status = created.Invalidation?.Status ?? 'InProgress';
  // Bounded by polls as well as by the clock: a clock that does not move (tests) still ends.
  const maxPolls = Math.ceil(options.timeoutMs / options.pollIntervalMs);
  const deadline = options.now().getTime() + options.timeoutMs;
  for (let polls = 0; options.wait && status !== 'Completed'; polls++) {
    if (polls >= maxPolls || options.now().getTime() >= deadline) {
      throw new CommandFailedError(
        `invalidation ${id} of distribution ${distributionId} not completed after ${Math.round(options.timeoutMs / 1000)} s ` +
          '(the new release is published; cached copies expire on their own)',
      );
    }
    await options.sleep(options.pollIntervalMs, options.signal);
    const described = await cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }));
    status = described.Invalidation?.Status ?? status;
  }
  return { id, status };
}
