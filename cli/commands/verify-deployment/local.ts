/**
 * `verify-deployment <env> --local`: the probes of the deployment verification run from this
 * machine (an operator behind a tunnel, tests), with the environment's configured checks and
 * timeouts, through the same code the Lambdas run (shared/probes/suite.ts). No AWS call: the
 * checks that need AWS are reported skipped, as are probes whose target was not given.
 */
import { loadConfig } from '../../../infra/config/index.js';
import type { EnvironmentName } from '../../../infra/config/types.js';
import type { LoginCredentials } from '../../../shared/probes/auth.js';
import { runChecks, skippedCheck } from '../../../shared/probes/check.js';
import { AWS_CHECK_NAMES, probeChecks, type TargetOrSkip } from '../../../shared/probes/suite.js';
import type { CliDeps, ExitCode } from '../../context.js';
import { UsageError } from '../../context.js';
import type { LocalOptions } from './options.js';
import { reportVerification, verificationReport } from './report.js';

/** Environment variables holding the synthetic user's credentials for the authentication check. */
export const CREDENTIAL_VARIABLES = {
  username: 'INTERACTIONS_VERIFY_USERNAME',
  password: 'INTERACTIONS_VERIFY_PASSWORD',
} as const;

/** Why AWS checks are skipped locally. */
export const AWS_SKIP_REASON =
  'needs AWS APIs: the deployment-verification workflow runs it, --local makes no AWS call';

/** The login credentials from the environment, both or neither (never from the command line: shell history). */
function credentialsFrom(env: Readonly<Record<string, string | undefined>>): TargetOrSkip<LoginCredentials> {
  const username = env[CREDENTIAL_VARIABLES.username];
  const password = env[CREDENTIAL_VARIABLES.password];
  if (!username && !password) {
    return {
      skipReason: `no credentials: set ${CREDENTIAL_VARIABLES.username} and ${CREDENTIAL_VARIABLES.password}`,
    };
  }
  if (!username || !password) {
    const missing = username ? CREDENTIAL_VARIABLES.password : CREDENTIAL_VARIABLES.username;
    throw new UsageError(`${missing} is not set: the authentication check needs both user name and password`);
  }
  return { username, password };
}

/** Runs the local verification of `environment` and reports it; returns the exit code. */
export async function runLocalVerification(
  environment: EnvironmentName,
  options: LocalOptions,
  json: boolean,
  deps: CliDeps,
): Promise<ExitCode> {
  const configured = loadConfig(environment).verification;
  const config = options.checks ? { ...configured, httpChecks: options.checks } : configured;
  const checks = [
    ...probeChecks(config, {
      app: { baseUrl: options.appUrl },
      cdn: options.cdnUrl ? { baseUrl: options.cdnUrl } : { skipReason: 'no --cdn-url given' },
      credentials: credentialsFrom(deps.env),
      redis: options.redisUrl ? { url: options.redisUrl } : { skipReason: 'no --redis-url given' },
      database: options.database ?? { skipReason: 'no --database-url given' },
    }),
    ...AWS_CHECK_NAMES.map((name) => skippedCheck(name, AWS_SKIP_REASON)),
  ];
  const startedAt = deps.now();
  const started = performance.now();
  const results = await runChecks(checks);
  const report = verificationReport(
    {
      environment,
      mode: 'local',
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
    },
    results,
  );
  return reportVerification(report, deps, { json, junit: options.junit });
}
