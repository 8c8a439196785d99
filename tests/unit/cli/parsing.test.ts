import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { CliDeps } from '../../../cli/context.js';
import { COMMAND_GROUPS } from '../../../cli/registry.js';
import packageJson from '../../../package.json';
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

describe('--version and help', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    const result = await run([flag], { ...noClients, env: {} });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${packageJson.version}\n`);
    expect(result.stderr).toBe('');
  });

  it('--help shows the command shape and every command with its arguments, without AWS', async () => {
    const result = await run(['--help'], { ...noClients, env: {} });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: interactions-ops <group> <command> <env> \[args\] \[options\]/);
    expect(result.stdout).toContain('backup create-snapshot <env> <name>');
    expect(result.stdout).toContain('backup list-backups <env>');
    expect(result.stdout).toContain('executions watch <execution>');
    expect(result.stdout).toContain('reports show <env> <execution>');
    expect(result.stdout).toContain('--profile <name>');
    expect(result.stderr).toBe('');
  });

  it('the help command shows the same help as --help, at every level', async () => {
    for (const words of [[], ['backup'], ['backup', 'create-snapshot'], ['reports', 'show']]) {
      const viaCommand = await run(['help', ...words], noClients);
      const viaFlag = await run([...words, '--help'], noClients);

      expect(viaCommand.code).toBe(0);
      expect(viaCommand.stdout).toBe(viaFlag.stdout);
    }
  });

  it.each([
    [['backup', '--help'], 'Usage: interactions-ops backup [options] [command]'],
    [['backup', 'create-snapshot', '--help'], 'Usage: interactions-ops backup create-snapshot [options] <env> <name>'],
    [['backup', 'create-snapshot', 'qa', 'Bad--', '-h'], 'Usage: interactions-ops backup create-snapshot'],
    [['--json', 'backup', 'list-backups', '--help'], 'Usage: interactions-ops backup list-backups [options] <env>'],
  ])('%j prints help and exits 0 without AWS', async (argv, usage) => {
    const result = await run(argv, { ...noClients, env: {} });

    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
    expectNoAwsCall();
  });

  it('command help lists its own options, the global ones, examples, exit codes and the retention', async () => {
    const result = await run(['backup', 'create-snapshot', '--help'], noClients);

    expect(result.stdout).toContain('--reason <text>');
    expect(result.stdout).toContain('--retain-days <days>');
    expect(result.stdout).toMatch(/Global Options:[\s\S]*--region <region>/);
    expect(result.stdout).toContain('interactions-ops backup create-snapshot prod interactions-pre-migration');
    expect(result.stdout).toContain('Exit codes: 0 success');
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(
      'housekeeping DELETES it, without notice, after --retain-days days',
    );
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('dev 7, staging 14, prod 35');
  });

  it('help for an unknown command is a usage error naming the known ones', async () => {
    const result = await run(['help', 'backup', 'nope'], noClients);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: unknown command 'nope' (interactions-ops backup has: create-snapshot, list-backups). See 'interactions-ops backup --help'.\n",
    );
  });
});

describe('usage errors: exit 2, one line naming the problem and the --help to read, no AWS call', () => {
  it.each([
    [
      [],
      `missing command after 'interactions-ops': one of ${COMMAND_GROUPS.map((group) => group.name).join(', ')}`,
      'interactions-ops',
    ],
    [['backups'], "unknown command 'backups' (did you mean backup?)", 'interactions-ops'],
    [
      ['backup'],
      "missing command after 'interactions-ops backup': one of create-snapshot, list-backups",
      'interactions-ops backup',
    ],
    [
      ['backup', 'lst-backups'],
      "unknown command 'lst-backups' (did you mean list-backups?)",
      'interactions-ops backup',
    ],
    [['backup', 'create-snapshot'], "missing required argument 'env'", 'interactions-ops backup create-snapshot'],
    [
      ['backup', 'create-snapshot', 'prod'],
      "missing required argument 'name'",
      'interactions-ops backup create-snapshot',
    ],
    [
      ['backup', 'create-snapshot', 'qa', 'x'],
      "unknown environment 'qa': expected one of dev, staging, prod",
      'interactions-ops backup create-snapshot',
    ],
    [
      ['backup', 'list-backups', 'production'],
      "unknown environment 'production'",
      'interactions-ops backup list-backups',
    ],
    [
      ['backup', 'list-backups', 'prod', 'extra'],
      "too many arguments for 'list-backups'. Expected 1 argument but got 2",
      'interactions-ops backup list-backups',
    ],
    [['backup', 'list-backups', 'prod', '--bogus'], "unknown option '--bogus'", 'interactions-ops backup list-backups'],
    [
      ['backup', 'list-backups', 'prod', '--regoin', 'x'],
      "unknown option '--regoin' (did you mean --region?)",
      'interactions-ops backup list-backups',
    ],
    // A global option's error points at the program's help, where the global options are listed.
    [['backup', 'list-backups', 'prod', '--region'], "option '--region <region>' argument missing", 'interactions-ops'],
    [
      ['backup', 'create-snapshot', 'prod', 'Pre--Migration-'],
      "invalid snapshot name 'Pre--Migration-': must not contain two consecutive hyphens; must not end with a hyphen; must be lowercase",
      'interactions-ops backup create-snapshot',
    ],
    [
      ['backup', 'create-snapshot', 'prod', '9lives'],
      "invalid snapshot name '9lives': must start with a letter",
      'interactions-ops backup create-snapshot',
    ],
    [
      ['executions', 'watch', 'not an arn'],
      "'not an arn' is neither an execution ARN",
      'interactions-ops executions watch',
    ],
    // What the user typed is echoed escaped and shortened, so the error stays one readable line.
    [
      ['backup', 'create-snapshot', 'prod', 'pre\nmigration'],
      "invalid snapshot name 'pre\\nmigration': may contain only letters, digits and hyphens",
      'interactions-ops backup create-snapshot',
    ],
    [
      ['backup', 'create-snapshot', 'prod', 'a'.repeat(300)],
      `invalid snapshot name '${'a'.repeat(40)}... (300 characters)': must be at most 255 characters (has 300)`,
      'interactions-ops backup create-snapshot',
    ],
    [['backup', 'list-backups', 'pr\nod'], "unknown environment 'pr\\nod'", 'interactions-ops backup list-backups'],
    [['executions', 'watch', 'a\rb'], "'a\\rb' is neither an execution ARN", 'interactions-ops executions watch'],
    [
      ['backup', 'create-snapshot', 'prod', 'x', '--retain-days', '0'],
      "option '--retain-days <days>' argument '0' is invalid: must be a whole number of days from 1 to 3650",
      'interactions-ops backup create-snapshot',
    ],
  ])('%j', async (argv, message, helpOf) => {
    const result = await run(argv, noClients);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${message}`);
    expect(result.stderr).toMatch(new RegExp(`\\. See '${helpOf} --help'\\.\\n$`));
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stdout).toBe('');
    expectNoAwsCall();
  });

  it.each([['--reason', 'x'], ['--dry-run'], ['--no-wait'], ['--retain-days', '30']])(
    'list-backups rejects the create-snapshot option %s',
    async (...option) => {
      const result = await run(['backup', 'list-backups', 'prod', ...option], noClients);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: unknown option '${option[0]}'`);
      expectNoAwsCall();
    },
  );

  it.each(['0', '3651', '1.5', 'ten', '-3'])('--retain-days %s is rejected before any AWS call', async (days) => {
    const result = await run(['backup', 'create-snapshot', 'prod', 'pre-migration', '--retain-days', days], noClients);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must be a whole number of days from 1 to 3650');
    expectNoAwsCall();
  });

  it('rejects a malformed --region', async () => {
    const result = await run(['backup', 'list-backups', 'prod', '--region', 'europe'], noClients);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: invalid region 'europe' (from --region)");
  });

  it('rejects a region-shaped --region of any length, before any AWS call', async () => {
    const result = await run(['backup', 'list-backups', 'prod', '--region', `us-${'east'.repeat(50)}-1`], noClients);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("(205 characters)' (from --region): expected an AWS region such as us-east-1");
    expectNoAwsCall();
  });

  it('rejects a requestedBy the workflow would refuse, with the contract message, before any AWS call', async () => {
    const result = await run(['backup', 'create-snapshot', 'prod', 'pre-migration'], {
      ...noClients,
      username: () => 'CORP\\alice',
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: invalid workflow input: requestedBy: may contain only letters/);
  });
});

describe('region, profile and global options', () => {
  function stopAtClients(seen: { region?: string; profile?: string }): Partial<CliDeps> {
    return {
      clients: (region, options) => {
        seen.region = region;
        seen.profile = options.profile;
        throw new Error('stop here');
      },
    };
  }

  it("defaults to the environment's configured region and warns about a disagreeing AWS_REGION", async () => {
    const seen: { region?: string } = {};
    const result = await run(['backup', 'list-backups', 'prod'], {
      ...stopAtClients(seen),
      env: { AWS_REGION: 'eu-west-1' },
    });

    expect(seen.region).toBe('us-east-1');
    expect(result.stderr).toContain(
      'warning: AWS_REGION=eu-west-1 ignored: prod is configured in us-east-1 (pass --region to override)\n',
    );
  });

  it('needs no AWS_REGION at all', async () => {
    const seen: { region?: string } = {};
    const result = await run(['backup', 'list-backups', 'dev'], { ...stopAtClients(seen), env: {} });

    expect(seen.region).toBe('us-east-1');
    expect(result.stderr).not.toContain('warning');
  });

  it('--region overrides without a warning, --profile reaches the clients, options may come first', async () => {
    const seen: { region?: string; profile?: string } = {};
    const result = await run(
      [
        '--region',
        'eu-west-1',
        '--profile',
        'ops-prod',
        '--json',
        'backup',
        'create-snapshot',
        'prod',
        'x',
        '--no-wait',
      ],
      { ...stopAtClients(seen), env: { AWS_REGION: 'us-east-1' } },
    );

    expect(seen).toEqual({ region: 'eu-west-1', profile: 'ops-prod' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: stop here (--debug shows details)\n');
  });

  it('a --profile that yields no credentials is named in the error, with where it is looked for', async () => {
    // Prepare: what the SDK's chain throws for a profile that is in no config file.
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const failing: Partial<CliDeps> = {
      clients: () => {
        throw noCredentials;
      },
    };

    // Act
    const result = await run(['backup', 'list-backups', 'prod', '--profile', 'nope'], failing);

    // Assess: "provide credentials with --profile" would tell the user to do what they just did.
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error: no AWS credentials from profile 'nope' (Could not load credentials from any providers): " +
        'is the profile in ~/.aws/config or ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)? ' +
        'For SSO run `aws sso login --profile nope` first (--debug shows details)\n',
    );
  });

  it('--debug adds the stack trace to an error', async () => {
    const result = await run(['backup', 'list-backups', 'prod', '--debug'], stopAtClients({}));

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: stop here\nError: stop here\n\s+at /);
  });
});

describe('the environment typed where the seed scripts put it', () => {
  it.each([[['backup', 'prod', 'list-backups']], [['prod', 'backup', 'list-backups']]])(
    '%j says the environment goes after the command',
    async (argv) => {
      // Act
      const result = await run(argv, { ...noClients, env: {} });

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('(the environment goes after the command: <group> <command> <env>)');
      expectNoAwsCall();
    },
  );

  it('executions watch with an environment says that watch takes none', async () => {
    // Act
    const result = await run(['executions', 'watch', 'prod', 'cli-x-1'], { ...noClients, env: {} });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(executions watch takes no environment: executions watch <arn|name>)');
    expectNoAwsCall();
  });

  it('an ordinary unknown command gets no environment hint', async () => {
    // Act
    const result = await run(['backup', 'lst-backups', 'prod'], { ...noClients, env: {} });

    // Assess
    expect(result.stderr).not.toContain('environment goes after');
  });
});
