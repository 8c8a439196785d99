/**
 * The `verify-deployment` command group: the seed's "Deployment Verification" as a CI gate. With
 * `--local` the probes run from this machine (local.ts); without it the deployment-verification
 * workflow runs every check (run.ts).
 */
import type { Command, CommandGroup } from '../../command.js';
import { parseEnvironment } from '../../inputs.js';
import { runLocalVerification } from './local.js';
import { JUNIT_OPTION, LOCAL_OPTIONS, parseLocalOptions } from './options.js';
import { parseWorkflowOptions, runWorkflowVerification, WORKFLOW_MODE_OPTIONS } from './run.js';

const run: Command = {
  name: 'run',
  // `verify-deployment <env> ...`, as the issue and CI write it; `verify-deployment run <env>` also works.
  isDefault: true,
  summary: "Verify a deployment: every check of the seed's Deployment Verification, in parallel",
  description:
    'Runs the deployment verification checks of an environment, each with its own timeout, and prints each ' +
    "one's status, duration and finding. Without --local, the deployment-verification state machine runs every " +
    'check (ECS, ALB, alarms, metrics and the probes, from the VPC) against --backend-tag and --frontend-tag; ' +
    'the command follows it with progress until --deadline and fails when the deadline passes. ' +
    'With --local, this machine runs the HTTP checks (config, or --checks), ' +
    'the frontend assets, authentication flow, cache and database checks against the URLs given, with the ' +
    "environment's configured timeouts and no AWS call; the checks that need AWS (ECS, ALB, alarms, metrics) " +
    'are reported skipped, as is a probe whose URL was not given. The authentication check reads the ' +
    'synthetic user from INTERACTIONS_VERIFY_USERNAME and INTERACTIONS_VERIFY_PASSWORD. Exits 0 when no ' +
    'check failed, 1 when one did.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  options: [...WORKFLOW_MODE_OPTIONS, ...LOCAL_OPTIONS, JUNIT_OPTION],
  examples: [
    'verify-deployment prod --backend-tag backend-2.0.1-prod-a7b3c9d --frontend-tag frontend-1.4.0-prod-a7b3c9d --junit reports/verify.xml',
    'verify-deployment staging --local --app-url http://localhost:8080',
    'verify-deployment prod --local --app-url https://localhost:8443 --cdn-url https://d111.cloudfront.net ' +
      '--redis-url rediss://:$REDIS_AUTH@localhost:6379 --database-url "$DATABASE_URL" --junit reports/verify.xml',
  ],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    if (options.local !== true) {
      return runWorkflowVerification(environment, parseWorkflowOptions(environment, options), global, deps);
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
