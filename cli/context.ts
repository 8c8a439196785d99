/**
 * What a command may touch: output streams, clock, sleep, environment, interruption and AWS clients.
 * Everything is injected so tests run without a terminal, real time or AWS; `defaultDeps()` wires the
 * real ones.
 */
import { userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { awsClientFactory, timeoutsFromEnv } from './aws/clients.js';

/** Exit codes CI gates on. */
export const EXIT = {
  ok: 0,
  /** The workflow or a verification failed, AWS refused or did not answer, or no credentials. */
  failed: 1,
  /** Bad arguments: unknown command, option or environment, invalid name or input. */
  usage: 2,
  /** Ctrl-C while following an execution (128 + SIGINT, as shells report it); the execution keeps running. */
  interrupted: 130,
} as const;
/** One of the exit codes in `EXIT`. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** AWS clients for one region; created lazily so commands that only compute need no credentials. */
export interface AwsClients {
  readonly sfn: SFNClient;
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
  readonly s3: S3Client;
  readonly cloudfront: CloudFrontClient;
  readonly ssm: SSMClient;
}

/** How clients are built besides their region. */
export interface ClientOptions {
  /** Named profile of ~/.aws/config (`--profile`). @default the SDK's default chain (AWS_PROFILE, AWS_* keys, SSO, role) */
  readonly profile?: string;
}

/** Everything a command touches besides its arguments. */
export interface CliDeps {
  /** Writes to stdout (results: tables, JSON). */
  readonly stdout: (text: string) => void;
  /** Writes to stderr (progress, warnings, errors). */
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal; progress is shown there even with `--json`. */
  readonly stdoutIsTty: boolean;
  /** Whether stderr is a terminal: progress is then one updating line, else timestamped lines. */
  readonly stderrIsTty: boolean;
  /** Width of the stderr terminal, read at each refresh (it can be resized). @default no limit */
  readonly stderrColumns?: () => number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  /** Waits `ms`; rejects early when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Interval between DescribeExecution polls while waiting. */
  readonly pollIntervalMs: number;
  /** OS user recorded as `requestedBy: cli:<user>`. */
  readonly username: () => string;
  readonly clients: (region: string, options: ClientOptions) => AwsClients;
  /** Aborts on Ctrl-C: following stops, the execution keeps running. */
  readonly interrupt: AbortSignal;
}

/** A usage error: exit 2, the message names what is wrong. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the operator must act on (workflow failed, resource missing): exit 1. */
export class CommandFailedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CommandFailedError';
  }
}

/** Ctrl-C: exit 130 with a message that says what is still running and how to follow it. */
export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterruptedError';
  }
}

function osUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry (some containers).
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** The real process: its streams, clock, environment, SIGINT and SDK clients. */
export function defaultDeps(interrupt: AbortSignal): CliDeps {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    stderrColumns: () => process.stderr.columns,
    env: process.env,
    now: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
    pollIntervalMs: Number(process.env.INTERACTIONS_OPS_POLL_MS ?? 5000),
    username: () => osUser(process.env),
    clients: awsClientFactory(timeoutsFromEnv(process.env)),
    interrupt,
  };
}
