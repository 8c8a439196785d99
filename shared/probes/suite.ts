/**
 * The probes of the deployment verification as checks with their configured timeouts: what the
 * Lambdas run one by one and `verify-deployment --local` runs together. Check names are the
 * report's contract (the workflow's branches, JUnit test cases and dashboards use them).
 */
import type { VerificationConfig } from '../../infra/config/verification.js';
import { type LoginCredentials, runAuthFlowCheck } from './auth.js';
import { type Check, skippedCheck } from './check.js';
import { runDatabaseCheck } from './database.js';
import { runFrontendCheck } from './frontend.js';
import { type HttpTarget, httpChecks } from './http.js';
import type { PostgresTarget } from './postgres.js';
import { type RedisTarget, runCacheCheck } from './redis.js';

/** Report names of the checks besides the HTTP checks (`http:<name>`). */
export const CHECK_NAMES = {
  frontend: 'frontend-assets',
  auth: 'auth-flow',
  cache: 'cache',
  database: 'database',
  ecsDeployment: 'ecs-deployment',
  albTargets: 'alb-targets',
  alarms: 'cloudwatch-alarms',
  monitoring: 'monitoring-metrics',
} as const;

/** The checks that call AWS APIs: only the workflow runs them, `--local` reports them skipped. */
export const AWS_CHECK_NAMES: readonly string[] = [
  CHECK_NAMES.ecsDeployment,
  CHECK_NAMES.albTargets,
  CHECK_NAMES.alarms,
  CHECK_NAMES.monitoring,
];

const ms = (seconds: number): number => Math.round(seconds * 1000);

/** The frontend assets check through the CDN. */
export function frontendCheck(config: VerificationConfig, cdn: HttpTarget): Check {
  return {
    name: CHECK_NAMES.frontend,
    timeoutMs: ms(config.timeoutsSeconds.frontend),
    run: (signal) => runFrontendCheck(config.frontend, cdn, signal),
  };
}

/** The synthetic login and authenticated request against the application. */
export function authFlowCheck(config: VerificationConfig, credentials: LoginCredentials, app: HttpTarget): Check {
  return {
    name: CHECK_NAMES.auth,
    timeoutMs: ms(config.timeoutsSeconds.auth),
    run: (signal) => runAuthFlowCheck(config.login, credentials, app, signal),
  };
}

/** The cache operation check. */
export function cacheCheck(config: VerificationConfig, redis: RedisTarget): Check {
  const timeoutMs = ms(config.timeoutsSeconds.cache);
  return {
    name: CHECK_NAMES.cache,
    timeoutMs,
    run: (signal) => runCacheCheck(redis, config.cache, signal, timeoutMs),
  };
}

/** The database connectivity check. */
export function databaseCheck(config: VerificationConfig, database: PostgresTarget): Check {
  const timeoutMs = ms(config.timeoutsSeconds.database);
  // The connect and statement timeouts end the work a little before the check's own timeout fires.
  return { name: CHECK_NAMES.database, timeoutMs, run: () => runDatabaseCheck(database, Math.max(1, timeoutMs - 100)) };
}

/** A target, or the reason there is none (the check is then reported skipped). */
export type TargetOrSkip<T> = T | { readonly skipReason: string };

const isSkip = <T>(value: TargetOrSkip<T>): value is { readonly skipReason: string } =>
  typeof value === 'object' && value !== null && 'skipReason' in value;

/** Everything the probes run against. */
export interface ProbeTargets {
  /** The environment's URL: HTTP checks and the login. */
  readonly app: HttpTarget;
  readonly cdn: TargetOrSkip<HttpTarget>;
  readonly credentials: TargetOrSkip<LoginCredentials>;
  readonly redis: TargetOrSkip<RedisTarget>;
  readonly database: TargetOrSkip<PostgresTarget>;
}

/** Every probe (HTTP checks, frontend, auth, cache, database) as checks to run in parallel. */
export function probeChecks(config: VerificationConfig, targets: ProbeTargets): Check[] {
  const { cdn, credentials, redis, database } = targets;
  return [
    ...httpChecks(config.httpChecks, targets.app, ms(config.timeoutsSeconds.http)),
    isSkip(cdn) ? skippedCheck(CHECK_NAMES.frontend, cdn.skipReason) : frontendCheck(config, cdn),
    isSkip(credentials)
      ? skippedCheck(CHECK_NAMES.auth, credentials.skipReason)
      : authFlowCheck(config, credentials, targets.app),
    isSkip(redis) ? skippedCheck(CHECK_NAMES.cache, redis.skipReason) : cacheCheck(config, redis),
    isSkip(database) ? skippedCheck(CHECK_NAMES.database, database.skipReason) : databaseCheck(config, database),
  ];
}
