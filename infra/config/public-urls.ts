/**
 * The one answer to "where do clients reach this environment": the application's and the CDN's
 * public URLs. The deployment verification's probes and the failover drill's downtime prober both
 * call them, so they must name what the certificates cover (a domain's hosts, or the custom names
 * config gives), never the ALB's own DNS name.
 */
import { joinUrl } from '../../shared/probes/http.js';
import type { EnvironmentHosts } from './global.js';
import type { VerificationConfig } from './verification.js';

/** An environment's public URLs; an absent one is not known (no domain and nothing in config). */
export interface PublicUrls {
  /** `https://<app host>`: the ALB, through the name on its certificate. */
  readonly appUrl?: string;
  /** `https://<assets host>`: the CloudFront distribution. */
  readonly cdnUrl?: string;
}

/**
 * The environment's public URLs: with a domain (`infra/config/global.ts`), its hosts; otherwise
 * `verification.appUrl` / `verification.cdnUrl` of the environment's config, each where set.
 */
export function resolvePublicUrls(
  verification: Pick<VerificationConfig, 'appUrl' | 'cdnUrl'>,
  domainHosts?: EnvironmentHosts,
): PublicUrls {
  if (domainHosts !== undefined) {
    return { appUrl: `https://${domainHosts.app}`, cdnUrl: `https://${domainHosts.assets}` };
  }
  return {
    ...(verification.appUrl === undefined ? {} : { appUrl: verification.appUrl }),
    ...(verification.cdnUrl === undefined ? {} : { cdnUrl: verification.cdnUrl }),
  };
}

/** The health URL of the application behind `appUrl` (a path prefix of `appUrl` is kept). */
export function appHealthUrl(appUrl: string, healthCheckPath: string): string {
  return joinUrl(appUrl, healthCheckPath);
}
