/**
 * The frontend assets check (seed: "Validate that frontend assets are being served correctly",
 * cache behaviours of "Static Asset Management"): `index.html` through the CDN is served and not
 * cacheable, so a release is seen at once; an asset it references under `/static/` is served with
 * the one-year lifetime, so it is not re-downloaded on every visit.
 */
import type { FrontendCheckConfig } from '../../infra/config/verification.js';
import { type CheckOutcome, fail, pass } from './check.js';
import { excerpt, type HttpTarget, httpRequest, joinUrl } from './http.js';

/** Cache-Control directives by lowercase name; valueless directives map to `true`. */
export function parseCacheControl(header: string | undefined): ReadonlyMap<string, string | true> {
  const directives = new Map<string, string | true>();
  for (const part of (header ?? '').split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName?.trim().toLowerCase();
    if (!name) continue;
    directives.set(name, rest.length > 0 ? rest.join('=').trim().replace(/^"|"$/g, '') : true);
  }
  return directives;
}

/**
 * Whether a response with this Cache-Control is never served from a cache without revalidation.
 * `s-maxage` wins over `max-age` in shared caches (CloudFront), so a positive one makes it cacheable.
 * Only a bare `no-cache` counts: `no-cache="Set-Cookie"` (RFC 9111 5.2.2.4) keeps the rest of the
 * response cacheable for its max-age.
 */
export function isNotCacheable(cacheControl: string | undefined): boolean {
  const directives = parseCacheControl(cacheControl);
  const sharedMaxAge = directives.get('s-maxage');
  if (sharedMaxAge !== undefined && Number(sharedMaxAge) > 0) return false;
  const maxAge = directives.get('max-age');
  return (
    directives.get('no-cache') === true ||
    directives.has('no-store') ||
    (typeof maxAge === 'string' && /^\d+$/.test(maxAge) && Number(maxAge) === 0)
  );
}

/**
 * The first same-origin asset under `staticPrefix` that the page references (`src=` or `href=`),
 * as a path; absolute URLs count when their host is the CDN's.
 */
export function findStaticAsset(html: string, staticPrefix: string, cdnUrl: string): string | undefined {
  const cdn = new URL(cdnUrl);
  for (const match of html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)) {
    const reference = match[1];
    if (reference === undefined) continue;
    let url: URL;
    try {
      url = new URL(reference, joinUrl(cdnUrl, '/'));
    } catch {
      continue;
    }
    // The prefix itself is a folder, not an asset whose lifetime says anything.
    if (url.host === cdn.host && url.pathname.startsWith(staticPrefix) && url.pathname.length > staticPrefix.length) {
      return url.pathname;
    }
  }
  return undefined;
}

/** Runs the frontend assets check against the CDN. */
export async function runFrontendCheck(
  config: FrontendCheckConfig,
  cdn: HttpTarget,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const index = await httpRequest(joinUrl(cdn.baseUrl, config.indexPath), { signal, ca: cdn.ca });
  if (index.status !== 200) {
    return fail(`${config.indexPath} answered ${index.status}, expected 200: ${excerpt(index.body) || '(empty body)'}`);
  }
  const indexCache = index.headers['cache-control'];
  if (!isNotCacheable(indexCache)) {
    return fail(
      `${config.indexPath} is cacheable (Cache-Control: ${indexCache ?? 'none'}); it must carry no-cache, no-store or max-age=0`,
    );
  }
  const asset = findStaticAsset(index.body, config.staticPrefix, cdn.baseUrl);
  if (asset === undefined) return fail(`${config.indexPath} references no asset under ${config.staticPrefix}`);
  const response = await httpRequest(joinUrl(cdn.baseUrl, asset), {
    method: 'GET',
    signal,
    ca: cdn.ca,
    maxBodyBytes: 1,
  });
  if (response.status !== 200) return fail(`${asset} (referenced by ${config.indexPath}) answered ${response.status}`);
  const assetCache = response.headers['cache-control'];
  const directives = parseCacheControl(assetCache);
  const maxAge = directives.get('max-age');
  if (directives.has('no-store') || directives.has('no-cache') || maxAge !== String(config.staticMaxAgeSeconds)) {
    return fail(
      `${asset} has Cache-Control: ${assetCache ?? 'none'}; expected max-age=${config.staticMaxAgeSeconds} (one year)`,
    );
  }
  return pass(`${config.indexPath} not cacheable (${indexCache}); ${asset} max-age=${maxAge}`);
}
