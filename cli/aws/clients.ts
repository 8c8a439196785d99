/**
 * The real SDK clients of one CLI run. Every client gets connection and request timeouts, so an
 * endpoint that accepts a connection and never answers fails within a minute instead of hanging,
 * and the `--profile` named on the command line.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients, ClientOptions } from '../context.js';

/** Timeouts of every SDK call; the SDK retries a timed-out call, so the worst case is about `attempts x request`. */
export interface ClientTimeouts {
  /** Longest wait for a TCP (and TLS) connection, in ms. */
  readonly connectionMs: number;
  /** Longest wait for a whole request and its response, in ms. */
  readonly requestMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
}

/** 5 s to connect, 15 s per request, 3 attempts: a silent endpoint fails after about 45 s. */
export const DEFAULT_TIMEOUTS: ClientTimeouts = { connectionMs: 5_000, requestMs: 15_000, maxAttempts: 3 };

/**
 * Timeouts from `INTERACTIONS_OPS_REQUEST_TIMEOUT_MS` (request; connection is the smaller of it and
 * the default), for tests and slow links. @default DEFAULT_TIMEOUTS
 */
export function timeoutsFromEnv(env: Readonly<Record<string, string | undefined>>): ClientTimeouts {
  const requestMs = Number(env.INTERACTIONS_OPS_REQUEST_TIMEOUT_MS);
  if (!Number.isInteger(requestMs) || requestMs <= 0) return DEFAULT_TIMEOUTS;
  return { ...DEFAULT_TIMEOUTS, requestMs, connectionMs: Math.min(requestMs, DEFAULT_TIMEOUTS.connectionMs) };
}

/** The client configuration shared by every service: region, profile, timeouts. */
export function clientConfig(region: string, options: ClientOptions, timeouts: ClientTimeouts) {
  return {
    region,
    // With an explicit profile the SDK's default chain skips the AWS_* variables and reads that
    // profile (static keys, SSO, assume-role, credential_process) from ~/.aws/config and credentials.
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      // Without it a breached requestTimeout is only a logged warning and the call keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}

/** A factory of client sets, one per region and profile, created on first use. */
export function awsClientFactory(timeouts: ClientTimeouts): (region: string, options: ClientOptions) => AwsClients {
  const cache = new Map<string, AwsClients>();
  return (region, options) => {
    const key = `${region}|${options.profile ?? ''}`;
    let clients = cache.get(key);
    if (!clients) {
      const config = clientConfig(region, options, timeouts);
      clients = {
        sfn: new SFNClient(config),
        rds: new RDSClient(config),
        elasticache: new ElastiCacheClient(config),
        s3: new S3Client(config),
        cloudfront: new CloudFrontClient(config),
        ssm: new SSMClient(config),
      };
      cache.set(key, clients);
    }
    return clients;
  };
}
