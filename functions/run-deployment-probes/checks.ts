/**
 * The probes of a deployment verification from inside the VPC, as checks for the shared runner:
 * the configured HTTP checks and the auth flow against the application URL (the request's
 * `targetUrl`, e.g. a blue/green test listener, before the environment's URL), the frontend assets
 * through the CDN, the cache and the database. Targets behind secrets are resolved inside their
 * check (targets.ts), so each check's timeout covers its secret read too.
 */
import type { VerificationConfig } from '../../infra/config/verification.js';
import type { Check } from '../../shared/probes/check.js';
import { skippedCheck } from '../../shared/probes/check.js';
import type { HttpTarget } from '../../shared/probes/http.js';
import { httpCheckName, httpChecks } from '../../shared/probes/http.js';
import {
  authFlowCheck,
  CHECK_NAMES,
  cacheCheck,
  databaseCheck,
  frontendCheck,
  type TargetOrSkip,
} from '../../shared/probes/suite.js';
import { cacheTarget, databaseTarget, loginTarget, type TargetSettings, type TargetSource } from './targets.js';

/** What the probes run against. */
export interface ProbeContext {
  readonly verification: VerificationConfig;
  /** The application's base URL. @default none: the HTTP and auth checks are skipped */
  readonly appUrl?: string;
  /** The CDN's base URL. @default none: the frontend check is skipped */
  readonly cdnUrl?: string;
  /**
   * A blue/green lifecycle-hook run: the new revision is on test traffic only, while the CDN still
   * serves production's assets, so the frontend check would judge the old release; it is skipped,
   * and the CI hook checks it after the deployment. @default false
   */
  readonly onTestTraffic?: boolean;
  readonly targets: TargetSettings;
  readonly source: TargetSource;
}

const seconds = (value: number): number => Math.round(value * 1000);

function isSkip<T>(value: TargetOrSkip<T>): value is { readonly skipReason: string } {
  return typeof value === 'object' && value !== null && 'skipReason' in value;
}

/** A check whose target is resolved when it runs; `build` makes the real check for the target. */
function deferred<T>(
  name: string,
  timeoutMs: number,
  resolve: (signal: AbortSignal) => Promise<TargetOrSkip<T>>,
  build: (target: T) => Check,
): Check {
  return {
    name,
    timeoutMs,
    run: async (signal) => {
      const target = await resolve(signal);
      if (isSkip(target)) return { status: 'skipped', finding: target.skipReason };
      return build(target).run(signal);
    },
  };
}

/** Every probe of this run, in report order. */
export function probeChecks(context: ProbeContext): Check[] {
  const { verification: config, targets, source } = context;
  const timeouts = config.timeoutsSeconds;
  const app: HttpTarget | undefined = context.appUrl === undefined ? undefined : { baseUrl: context.appUrl };
  const noApp = 'no application URL: none configured and the request gave no targetUrl';
  return [
    ...(app === undefined
      ? config.httpChecks.map((spec) => skippedCheck(httpCheckName(spec), noApp))
      : httpChecks(config.httpChecks, app, seconds(timeouts.http))),
    context.onTestTraffic === true
      ? skippedCheck(
          CHECK_NAMES.frontend,
          'blue/green test traffic: the CDN still serves the production release; checked after the deployment by the CI hook',
        )
      : context.cdnUrl === undefined
        ? skippedCheck(CHECK_NAMES.frontend, 'no CDN URL configured')
        : frontendCheck(config, { baseUrl: context.cdnUrl }),
    app === undefined
      ? skippedCheck(CHECK_NAMES.auth, noApp)
      : deferred(
          CHECK_NAMES.auth,
          seconds(timeouts.auth),
          (signal) => loginTarget(source, targets, signal),
          (login) => authFlowCheck(config, login, app),
        ),
    deferred(
      CHECK_NAMES.cache,
      seconds(timeouts.cache),
      (signal) => cacheTarget(source, targets, signal),
      (redis) => cacheCheck(config, redis),
    ),
    deferred(
      CHECK_NAMES.database,
      seconds(timeouts.database),
      (signal) => databaseTarget(source, targets, signal),
      (db) => databaseCheck(config, db),
    ),
  ];
}
