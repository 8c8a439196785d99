import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { CliDeps } from '../../../cli/context.js';
import { run } from './harness.js';

const sfn = mockClient(SFNClient);
const rds = mockClient(RDSClient);
const elasticache = mockClient(ElastiCacheClient);

/** Fails the test if a command builds AWS clients at all: usage errors and help must not. */
const noClients: Partial<CliDeps> = {
  clients: () => {
    throw new Error('AWS clients must not be created');
  },
};

function expectNoAwsCall(): void {
  expect(sfn.calls()).toHaveLength(0);
  expect(rds.calls()).toHaveLength(0);
  expect(elasticache.calls()).toHaveLength(0);
}

beforeEach(() => {
  sfn.reset();
  rds.reset();
  elasticache.reset();
});

describe('help', () => {
  it('prints the command list with --help and exits 0 without AWS', async () => {
    const result = await run(['--help'], { ...noClients, env: {} });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: interactions-ops <command>/);
    expect(result.stdout).toContain('backup create-snapshot');
    expect(result.stdout).toContain('backup list-backups');
    expect(result.stdout).toContain('--dry-run');
    expect(result.stderr).toBe('');
  });

  it.each([
    [['backup', '--help'], 'Usage: interactions-ops backup <command>'],
    [['backup', 'create-snapshot', '--help'], 'Usage: interactions-ops backup create-snapshot <env> <name> [options]'],
    [['backup', 'create-snapshot', 'qa', 'Bad--', '-h'], 'Usage: interactions-ops backup create-snapshot'],
    [['--json', 'backup', 'list-backups', '--help'], 'Usage: interactions-ops backup list-backups <env> [options]'],
  ])('%j prints help and exits 0', async (argv, usage) => {
    const result = await run(argv, { ...noClients, env: {} });

    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
    expectNoAwsCall();
  });

  it('shows the command options and examples in command help', async () => {
    const result = await run(['backup', 'create-snapshot', '--help'], noClients);

    expect(result.stdout).toContain('--reason <text>');
    expect(result.stdout).toContain('interactions-ops backup create-snapshot prod interactions-pre-migration');
    expect(result.stdout).toContain('Exit codes: 0 success, 1 workflow or verification failed, 2 usage error.');
  });
});

describe('usage errors exit 2, name the problem and call no AWS API', () => {
  it.each([
    [[], 'error: missing command'],
    [['backups'], "error: unknown command 'backups'"],
    [['backup'], 'error: missing backup command'],
    [['backup', 'create'], "error: unknown backup command 'create'"],
    [['backup', 'create-snapshot'], 'error: missing argument <env>'],
    [['backup', 'create-snapshot', 'prod'], 'error: missing argument <name>'],
    [['backup', 'create-snapshot', 'qa', 'x'], "error: unknown environment 'qa': expected one of dev, staging, prod"],
    [['backup', 'list-backups', 'production'], "error: unknown environment 'production'"],
    [['backup', 'list-backups', 'prod', 'extra'], "error: unexpected argument 'extra'"],
    [['backup', 'list-backups', 'prod', '--bogus'], "Unknown option '--bogus'"],
    [['backup', 'list-backups', 'prod', '--reason', 'x'], "Unknown option '--reason'"],
    [['backup', 'list-backups', 'prod', '--region'], "Option '--region <value>' argument missing"],
    [
      ['backup', 'create-snapshot', 'prod', 'Pre--Migration-'],
      "error: invalid snapshot name 'Pre--Migration-': must not contain two consecutive hyphens; must not end with a hyphen; must be lowercase",
    ],
    [
      ['backup', 'create-snapshot', 'prod', '9lives'],
      "error: invalid snapshot name '9lives': must start with a letter",
    ],
  ])('%j', async (argv, message) => {
    const result = await run(argv, noClients);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: interactions-ops');
    expect(result.stdout).toBe('');
    expectNoAwsCall();
  });

  it('names both --region and AWS_REGION when no region is set', async () => {
    const result = await run(['backup', 'list-backups', 'prod'], { ...noClients, env: {} });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: no AWS region: pass --region <region> or set AWS_REGION');
    expectNoAwsCall();
  });

  it('rejects a malformed region', async () => {
    const result = await run(['backup', 'list-backups', 'prod', '--region', 'europe'], noClients);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: invalid region 'europe' (from --region)");
  });

  it('checks the snapshot name before the region', async () => {
    const result = await run(['backup', 'create-snapshot', 'prod', 'Bad'], { ...noClients, env: {} });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid snapshot name 'Bad'");
  });
});

describe('global options', () => {
  it('--region wins over AWS_REGION and options may come before the command', async () => {
    const regions: string[] = [];
    const result = await run(
      ['--region', 'eu-west-1', '--json', 'backup', 'create-snapshot', 'prod', 'x', '--no-wait'],
      {
        clients: (region) => {
          regions.push(region);
          throw new Error('stop here');
        },
      },
    );

    expect(regions).toEqual(['eu-west-1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: stop here\n');
  });
});
