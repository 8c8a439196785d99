/**
 * One readable line for an error that escaped a command: AWS service errors keep their code,
 * missing credentials and unreachable or silent endpoints say what to do.
 */

import { shown } from '../inputs.js';

const CREDENTIALS_HELP =
  'provide credentials with --profile <name> (a profile of ~/.aws/config; run `aws sso login --profile <name>` ' +
  'first for SSO), AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);

interface SdkErrorShape {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly $metadata?: { readonly attempts?: number };
}

function attempts(error: SdkErrorShape): string {
  const count = error.$metadata?.attempts;
  return count && count > 1 ? ` after ${count} attempts` : '';
}

/** What to check when the profile the user named gave no credentials. */
function profileHelp(profile: string): string {
  return (
    'is the profile in ~/.aws/config or ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)? ' +
    `For SSO run \`aws sso login --profile ${profile}\` first`
  );
}

/**
 * The message for `error: <message>`.
 * @param profile the `--profile` given: a credentials error then names it. @default the SDK's default chain
 */
export function describeAwsError(error: unknown, profile?: string): string {
  if (!(error instanceof Error)) return String(error);
  const sdk = error as SdkErrorShape;
  const firstLine = error.message.split('\n')[0] ?? '';
  if (error.name === 'CredentialsProviderError') {
    const reason = firstLine.replace(/\.$/, '');
    return profile
      ? `no AWS credentials from profile '${shown(profile)}' (${reason}): ${profileHelp(shown(profile))}`
      : `no AWS credentials found (${reason}): ${CREDENTIALS_HELP}`;
  }
  if (error.name === 'TimeoutError' || /timed out|timeout/i.test(firstLine)) {
    return (
      `AWS did not answer in time${attempts(sdk)} (${firstLine.replace(/\.$/, '')}): ` +
      'check the network, VPN or proxy, and AWS_ENDPOINT_URL if set'
    );
  }
  if (typeof sdk.code === 'string' && NETWORK_CODES.has(sdk.code)) {
    return `could not reach AWS${attempts(sdk)} (${sdk.code}: ${firstLine}): check the network, VPN or proxy, and AWS_ENDPOINT_URL if set`;
  }
  // AWS service errors carry their code in `name` (AccessDenied, ThrottlingException): keep it.
  const label = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  return `${label}${firstLine}`;
}
