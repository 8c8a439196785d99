/**
 * The probes of the deployment verification (HTTP and API checks, auth flow, frontend assets, cache,
 * database), run from inside the VPC at once by the shared runner, each under its configured
 * timeout. A failed probe is a result, not an error: the task fails only for a malformed input.
 */
import { type VerificationConfig, validateVerification } from '../../infra/config/verification.js';
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { secretsManagerClient } from '../../shared/clients/secrets-manager.js';
import { ValidationError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger } from '../../shared/powertools.js';
import { runChecks } from '../../shared/probes/check.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { baseUrlSchema, deploymentVerificationInputSchema } from '../../workflows/deployment-verification/contract.js';
import { probeChecks } from './checks.js';
import { sdkTargetSource } from './targets.js';

const secretId = z.string().check(z.minLength(1));

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  request: deploymentVerificationInputSchema,
  /** config.verification, checked with its own validation below. */
  verification: z.custom<VerificationConfig>((value) => typeof value === 'object' && value !== null, {
    message: 'must be the verification config object',
  }),
  targets: z.object({
    /** The environment's URL. @default none: HTTP and auth checks skipped unless the request gives targetUrl */
    appUrl: z.optional(baseUrlSchema),
    cdnUrl: z.optional(baseUrlSchema),
    databaseSecretId: secretId,
    loginSecretId: secretId,
    cache: z.optional(z.object({ replicationGroupId: secretId, tls: z.boolean(), authSecretId: z.optional(secretId) })),
  }),
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  clients: () => ({ secrets: secretsManagerClient, elastiCache: elastiCacheClient }),
  handler: async (input, { clients }) => {
    const problems = validateVerification(input.verification);
    if (problems.length > 0) throw new ValidationError(`Invalid input: ${problems.join('; ')}`, { issues: problems });
    const { appUrl, cdnUrl, ...targets } = input.targets;
    const checks = await runChecks(
      probeChecks({
        verification: input.verification,
        appUrl: input.request.targetUrl ?? appUrl,
        cdnUrl,
        onTestTraffic: input.request.trigger === 'lifecycle-hook',
        targets,
        source: sdkTargetSource(clients.secrets(), clients.elastiCache()),
      }),
    );
    logger.info('Deployment probed', { checks });
    return { checks };
  },
});
