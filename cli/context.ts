/**
 * What a command may touch: output streams, clock, sleep, environment and AWS clients. Everything
 * is injected so tests run without a terminal, real time or AWS; `defaultDeps()` wires the real ones.
 */
import { userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';

/** Exit codes CI gates on. */
export const EXIT = {
  ok: 0,
  /** The workflow or a verification failed, or AWS refused. */
  failed: 1,
  /** Bad arguments: unknown command or environment, invalid name, missing region. */
  usage: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** AWS clients for one region; created lazily so commands that only compute need no credentials. */
export interface AwsClients {
  readonly sfn: SFNClient;
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
}

export interface CliDeps {
  /** Writes to stdout (results: tables, JSON). */
  readonly stdout: (text: string) => void;
  /** Writes to stderr (progress, warnings, errors). */
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal; progress is shown there even with `--json`. */
  readonly stdoutIsTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Interval between DescribeExecution polls while waiting. */
  readonly pollIntervalMs: number;
  /** OS user recorded as `requestedBy: cli:<user>`. */
  readonly username: () => string;
  readonly clients: (region: string) => AwsClients;
}

/** A usage error: exit 2, message names what is wrong. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Help text of the command the user was reaching for, printed after the message. */
    readonly help?: string,
  ) {
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

function osUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry (some containers).
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** The real process: its streams, clock, environment and SDK clients (one set per region). */
export function defaultDeps(): CliDeps {
  const perRegion = new Map<string, AwsClients>();
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    env: process.env,
    now: () => new Date(),
    sleep: (ms) => delay(ms),
    pollIntervalMs: Number(process.env.INTERACTIONS_OPS_POLL_MS ?? 5000),
    username: () => osUser(process.env),
    clients: (region) => {
      let clients = perRegion.get(region);
      if (!clients) {
        clients = {
          sfn: new SFNClient({ region }),
          rds: new RDSClient({ region }),
          elasticache: new ElastiCacheClient({ region }),
        };
        perRegion.set(region, clients);
      }
      return clients;
    },
  };
}
