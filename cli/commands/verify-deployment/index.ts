/**
 * The `verify-deployment` command group: the seed's "Deployment Verification" as a CI gate. With
 * `--local` the probes run from this machine (local.ts); without it the deployment-verification
 * workflow runs every check (not built yet).
 */
import type { Command, CommandGroup } from '../../command.js';
import { UsageError } from '../../context.js';
import { parseEnvironment } from '../../inputs.js';
import { runLocalVerification } from './local.js';
import { JUNIT_OPTION, LOCAL_OPTIONS, parseLocalOptions } from './options.js';

const run: Command = {
  name: 'run',
  summary: "Verify a deployment: every check of the seed's Deployment Verification, in parallel",
  description:
    'Runs the deployment verification checks of an environment, each with its own timeout, and prints each ' +
    "one's status, duration and finding. With --local, this machine runs the HTTP checks (config, or --checks), " +
    'the frontend assets, authentication flow, cache and database checks against the URLs given, with the ' +
    "environment's configured timeouts and no AWS call; the checks that need AWS (ECS, ALB, alarms, metrics) " +
    'are reported skipped, as is a probe whose URL was not given. The authentication check reads the ' +
    'synthetic user from INTERACTIONS_VERIFY_USERNAME and INTERACTIONS_VERIFY_PASSWORD. Exits 0 when no ' +
    'check failed, 1 when one did.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  options: [...LOCAL_OPTIONS, JUNIT_OPTION],
  examples: [
    'verify-deployment run staging --local --app-url http://localhost:8080',
    'verify-deployment run prod --local --app-url https://localhost:8443 --cdn-url https://d111.cloudfront.net ' +
      '--redis-url rediss://:$REDIS_AUTH@localhost:6379 --database-url "$DATABASE_URL" --junit reports/verify.xml',
  ],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    if (options.local !== true) {
      throw new UsageError(
        'the deployment-verification workflow is not available yet: use --local --app-url <url> to run the probes from this machine',
      );
    }
    return runLocalVerification(environment, parseLocalOptions(options), global.json, deps);
  },
};

/** `verify-deployment`: deployment verification, locally or through the workflow. */
export const verifyDeploymentCommands: CommandGroup = {
  name: 'verify-deployment',
  summary: 'Verify a deployment: health, API, frontend, auth, cache, database (and AWS checks in the workflow)',
  commands: [run],
};
