/**
 * Stand-in for `semver` in deployed bundles. aws-xray-sdk-core (behind the Powertools Tracer)
 * requires semver only in its AWS SDK v2 patcher, which we never call: SDK v3 clients are traced
 * through `tracer.captureAWSv3Client`. Aliasing it here saves 28 KB in every bundle. Should that
 * patcher ever run, it fails loudly instead of comparing versions wrongly.
 */
export function gte(): never {
  throw new Error('semver is not bundled: the X-Ray AWS SDK v2 patcher is not supported in these functions');
}
