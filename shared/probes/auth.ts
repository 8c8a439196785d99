/**
 * The authentication flow check (seed: "Test authentication flow"): a synthetic login with the
 * verification user's credentials, then a request with the token it returned. Findings never
 * contain the password or the token.
 */
import type { LoginCheckConfig } from '../../infra/config/verification.js';
import { type CheckOutcome, fail, pass } from './check.js';
import { type HttpTarget, httpRequest, joinUrl, readJsonField } from './http.js';

/** The synthetic user's credentials (Lambdas read them from Secrets Manager). */
export interface LoginCredentials {
  readonly username: string;
  readonly password: string;
}

/** Runs login then the authenticated request against the application. */
export async function runAuthFlowCheck(
  login: LoginCheckConfig,
  credentials: LoginCredentials,
  target: HttpTarget,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const loginResponse = await httpRequest(joinUrl(target.baseUrl, login.path), {
    method: 'POST',
    signal,
    ca: target.ca,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ [login.usernameField]: credentials.username, [login.passwordField]: credentials.password }),
  });
  if (loginResponse.status === 401 || loginResponse.status === 403) {
    return fail(
      `login refused for '${credentials.username}': POST ${login.path} answered ${loginResponse.status} (wrong or rotated credentials?)`,
    );
  }
  if (loginResponse.status !== 200) return fail(`login failed: POST ${login.path} answered ${loginResponse.status}`);
  let body: unknown;
  try {
    body = JSON.parse(loginResponse.body);
  } catch {
    return fail(`login answered 200 but its body is not JSON, so it has no '${login.tokenField}'`);
  }
  const token = readJsonField(body, login.tokenField).value;
  if (typeof token !== 'string' || token === '') {
    return fail(`login answered 200 without a token at '${login.tokenField}'`);
  }
  const authenticated = await httpRequest(joinUrl(target.baseUrl, login.authenticatedPath), {
    signal,
    ca: target.ca,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  if (authenticated.status !== 200) {
    return fail(
      `login succeeded but GET ${login.authenticatedPath} with its token answered ${authenticated.status}, expected 200`,
    );
  }
  return pass(`login as '${credentials.username}' and GET ${login.authenticatedPath} with the token answered 200`);
}
