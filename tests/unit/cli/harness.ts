/**
 * A CLI run with captured output, a fixed clock, instant sleep, no terminal and real SDK clients
 * (whose `send` the tests replace with aws-sdk-client-mock), so every run is fast and deterministic.
 */

import { readFileSync } from 'node:fs';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CliDeps } from '../../../cli/context.js';
import { runCli } from '../../../cli/main.js';
import { FIXTURES_DIR } from '../../support/fixtures.js';

export const FIXED_NOW = new Date('2025-06-01T10:11:12.345Z');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly sleeps: readonly number[];
  readonly regions: readonly string[];
  /** `--profile` as each client set was asked for. */
  readonly profiles: readonly (string | undefined)[];
}

export async function run(argv: readonly string[], overrides: Partial<CliDeps> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sleeps: number[] = [];
  const regions: string[] = [];
  const profiles: (string | undefined)[] = [];
  const deps: CliDeps = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTty: false,
    stderrIsTty: false,
    env: { AWS_REGION: 'us-east-1' },
    now: () => FIXED_NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    pollIntervalMs: 0,
    username: () => 'alice',
    clients: (region, options) => {
      regions.push(region);
      profiles.push(options.profile);
      return {
        sfn: new SFNClient({ region }),
        rds: new RDSClient({ region }),
        elasticache: new ElastiCacheClient({ region }),
        s3: new S3Client({ region }),
        cloudfront: new CloudFrontClient({ region }),
        ssm: new SSMClient({ region }),
      };
    },
    interrupt: new AbortController().signal,
    ...overrides,
  };
  const code = await runCli(argv, deps);
  return { code, stdout, stderr, sleeps, regions, profiles };
}

const FIXTURES = FIXTURES_DIR;

/**
 * Loads an AWS CLI output fixture. The CLI prints timestamps as ISO strings where SDK v3 returns
 * Date objects, so the named timestamp fields are converted (at any depth).
 */
export function loadAwsFixture<T>(file: string, dateFields: readonly string[]): T {
  const revive = (key: string, value: unknown) =>
    dateFields.includes(key) && typeof value === 'string' ? new Date(value) : value;
  return JSON.parse(readFileSync(`${FIXTURES}/${file}`, 'utf8'), revive) as T;
}
