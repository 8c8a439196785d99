/**
 * After a publish: the deployment verification's frontend-assets check (shared/probes/frontend.ts)
 * through the CDN, with the environment's settings and timeout, so a deploy and the verification
 * judge the site by the same rule.
 */
import type { VerificationConfig } from '../../infra/config/index.js';
import { runCheck } from '../../shared/probes/check.js';
import { runFrontendCheck } from '../../shared/probes/frontend.js';

/** What the check found. */
export interface FrontendVerification {
  readonly url: string;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly findings: readonly string[];
}

/** Runs the frontend-assets check against `baseUrl` (the CDN's https URL or `--cdn-url`). */
export async function verifyFrontend(baseUrl: string, verification: VerificationConfig): Promise<FrontendVerification> {
  const result = await runCheck({
    name: 'frontend-assets',
    timeoutMs: verification.timeoutsSeconds.frontend * 1000,
    run: (signal) => runFrontendCheck(verification.frontend, { baseUrl }, signal),
  });
  return {
    url: baseUrl,
    passed: result.status === 'pass',
    durationMs: result.durationMs,
    findings: [result.finding],
  };
}
