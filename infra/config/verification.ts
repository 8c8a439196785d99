/**
 * Deployment verification settings: the probes that run against an environment after a deploy
 * (the seed's "Deployment Verification", its manual steps included). The Lambdas and
 * `verify-deployment --local` read the same values, so a check behaves alike wherever it runs.
 */

/** An expectation on one field of a JSON response body. */
export interface JsonFieldExpectation {
  /** Dotted path into the body: `status`, `services.database`. */
  readonly path: string;
  /** The value the field must have. @default the field must only be present (any value, null included) */
  readonly equals?: string | number | boolean | null;
}

/** One HTTP check of "health and basic API functionality", against the environment's URL. */
export interface HttpCheckConfig {
  /** Unique among the HTTP checks; reported as `http:<name>`. */
  readonly name: string;
  /** @default 'GET' */
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** Path from the environment's URL, starting with `/`. */
  readonly path: string;
  /** @default 200 */
  readonly expectedStatus?: number;
  /** Fields the JSON body must have. @default the body is not read as JSON */
  readonly jsonFields?: readonly JsonFieldExpectation[];
  /** A JSON body sent with the request (content type application/json). @default no body */
  readonly body?: unknown;
}

/** The synthetic login of the authentication check (credentials come from Secrets Manager or the caller). */
export interface LoginCheckConfig {
  /** Path that takes a JSON body with the credentials. */
  readonly path: string;
  /** Body field holding the user name. */
  readonly usernameField: string;
  /** Body field holding the password. */
  readonly passwordField: string;
  /** Dotted path of the bearer token in the login's JSON answer. */
  readonly tokenField: string;
  /** Path requested with `Authorization: Bearer <token>`; must answer 200. */
  readonly authenticatedPath: string;
}

/** The frontend assets check: `index.html` through the CDN, and one static asset it references. */
export interface FrontendCheckConfig {
  /** Path of the page on the CDN. */
  readonly indexPath: string;
  /** Prefix of the long-lived assets (`/static/`). */
  readonly staticPrefix: string;
  /** Cache lifetime (`max-age`) the static asset must have: the seed's one year. */
  readonly staticMaxAgeSeconds: number;
}

/** The cache check's probe key. */
export interface CacheCheckConfig {
  /** Prefix of the probe key (a random suffix makes concurrent runs independent). */
  readonly keyPrefix: string;
  /** TTL of the probe key, so a run interrupted before the delete leaves nothing behind for long. */
  readonly keyTtlSeconds: number;
}

/** Per-check timeouts, in seconds: a check still running then fails as timed out. */
export interface VerificationTimeouts {
  /** Each HTTP check. */
  readonly http: number;
  readonly frontend: number;
  /** Login and the authenticated request together. */
  readonly auth: number;
  readonly cache: number;
  readonly database: number;
}

/** The deployment verification of one environment. */
export interface VerificationConfig {
  /** Health and basic API checks; the first is the health path. */
  readonly httpChecks: readonly HttpCheckConfig[];
  readonly login: LoginCheckConfig;
  readonly frontend: FrontendCheckConfig;
  readonly cache: CacheCheckConfig;
  readonly timeoutsSeconds: VerificationTimeouts;
  /**
   * EventBridge schedule (cron or rate, UTC) of the drift check, which also runs after every ECS
   * deployment of the environment completes or fails: drift between deploys is caught and reported.
   */
  readonly driftSchedule: string;
  /**
   * The application's public URL (`https://host[/prefix]`) without a domain in `infra/config/global.ts`:
   * the custom name on the ALB certificate (`compute.albCertificateArn`), not the ALB's DNS name, which
   * that certificate does not cover. A domain's `hosts.<env>.app` takes its place.
   * @default none: the HTTP, API and auth probes are skipped unless a run gives `targetUrl`, and the
   * failover drill probes `https://<ALB DNS name>` (its TLS check fails)
   */
  readonly appUrl?: string;
  /**
   * The CDN's public URL without a domain: `https://` and the distribution's name, published after the
   * edge stack's deploy in SSM `/interactions/<env>/cdn/domain-name` (us-east-1), or a name of
   * `cdn.domainNames`. A domain's `hosts.<env>.assets` takes its place.
   * @default none: the frontend assets probe is skipped
   */
  readonly cdnUrl?: string;
}

/**
 * The settings every environment starts from: `/health` answering `{"status": "healthy"}`, the
 * backend's token login, the seed's one-year static lifetime, timeouts well inside a Lambda's.
 */
export function defaultVerification(healthCheckPath: string, staticTtlSeconds: number): VerificationConfig {
  return {
    httpChecks: [
      { name: 'health', method: 'GET', path: healthCheckPath, expectedStatus: 200, jsonFields: [{ path: 'status' }] },
    ],
    login: {
      path: '/api/v1/auth/login',
      usernameField: 'username',
      passwordField: 'password',
      tokenField: 'access_token',
      authenticatedPath: '/api/v1/auth/me',
    },
    frontend: { indexPath: '/index.html', staticPrefix: '/static/', staticMaxAgeSeconds: staticTtlSeconds },
    cache: { keyPrefix: 'interactions:verification:probe:', keyTtlSeconds: 60 },
    timeoutsSeconds: { http: 10, frontend: 10, auth: 15, cache: 5, database: 10 },
    driftSchedule: 'rate(6 hours)',
  };
}

const HTTP_CHECK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const isPath = (path: string): boolean => /^\/[^\s]*$/.test(path);
const MAX_TIMEOUT_SECONDS = 120;
const HTTPS_BASE_URL = /^https:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/;

/** Whether `url` is `https://host[:port][/prefix]`: what the probes and the drill's prober append paths to. */
function isHttpsBaseUrl(url: string): boolean {
  if (!HTTPS_BASE_URL.test(url)) return false;
  try {
    return new URL(url).hostname !== '';
  } catch {
    return false;
  }
}

/** Problems of a verification config, each naming its field (empty when valid). */
export function validateVerification(config: VerificationConfig, prefix = 'verification'): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(`${prefix}.${message}`);
  };
  problems.push(...validateHttpChecks(config.httpChecks, `${prefix}.httpChecks`));
  const { login, frontend, cache, timeoutsSeconds } = config;
  for (const field of ['path', 'authenticatedPath'] as const) {
    check(isPath(login[field]), `login.${field}: '${login[field]}' is not a path starting with /`);
  }
  for (const field of ['usernameField', 'passwordField', 'tokenField'] as const) {
    check(login[field].trim() !== '', `login.${field}: must not be empty`);
  }
  check(isPath(frontend.indexPath), `frontend.indexPath: '${frontend.indexPath}' is not a path starting with /`);
  check(
    isPath(frontend.staticPrefix) && frontend.staticPrefix.endsWith('/'),
    `frontend.staticPrefix: '${frontend.staticPrefix}' must start and end with /`,
  );
  check(
    Number.isInteger(frontend.staticMaxAgeSeconds) && frontend.staticMaxAgeSeconds > 0,
    `frontend.staticMaxAgeSeconds: must be a positive whole number, got ${frontend.staticMaxAgeSeconds}`,
  );
  check(cache.keyPrefix.trim() !== '', 'cache.keyPrefix: must not be empty');
  check(
    Number.isInteger(cache.keyTtlSeconds) && cache.keyTtlSeconds >= 1 && cache.keyTtlSeconds <= 3600,
    `cache.keyTtlSeconds: must be 1-3600, got ${cache.keyTtlSeconds}`,
  );
  check(
    /^(cron|rate)\(.+\)$/.test(config.driftSchedule),
    `driftSchedule: '${config.driftSchedule}' is not an EventBridge cron(...) or rate(...) expression`,
  );
  for (const field of ['appUrl', 'cdnUrl'] as const) {
    const url = config[field];
    if (url !== undefined)
      check(isHttpsBaseUrl(url), `${field}: '${url}' is not an https URL without query or fragment`);
  }
  for (const [name, seconds] of Object.entries(timeoutsSeconds)) {
    check(
      Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS,
      `timeoutsSeconds.${name}: must be more than 0 and at most ${MAX_TIMEOUT_SECONDS}, got ${seconds}`,
    );
  }
  return problems;
}

/** Problems of a list of HTTP checks (also used for a `--checks` file), each naming its field. */
export function validateHttpChecks(checks: readonly HttpCheckConfig[], prefix: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  checks.forEach((check, index) => {
    const at = `${prefix}[${index}]`;
    if (!HTTP_CHECK_NAME.test(check.name)) {
      problems.push(`${at}.name: '${check.name}' must be lowercase letters, digits and hyphens (1-63)`);
    } else if (seen.has(check.name)) {
      problems.push(`${at}.name: '${check.name}' is used twice`);
    }
    seen.add(check.name);
    if (!isPath(check.path)) problems.push(`${at}.path: '${check.path}' is not a path starting with /`);
    const status = check.expectedStatus ?? 200;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      problems.push(`${at}.expectedStatus: ${status} is not an HTTP status (100-599)`);
    }
    (check.jsonFields ?? []).forEach((field, fieldIndex) => {
      if (!/^[^.\s]+(\.[^.\s]+)*$/.test(field.path)) {
        problems.push(`${at}.jsonFields[${fieldIndex}].path: '${field.path}' is not a dotted path`);
      }
    });
  });
  if (checks.length === 0) problems.push(`${prefix}: at least one check (the health path)`);
  return problems;
}
