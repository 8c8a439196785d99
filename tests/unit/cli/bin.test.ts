/**
 * The CLI as a new user meets it: the bundled bin, run through `npx interactions-ops` (or `node
 * cli/bin.mjs` where a signal must reach the CLI itself), against loopback stand-ins for AWS. The
 * bundle is built once with the real build script.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import packageJson from '../../../package.json';
import { type FakeEndpoint, startFakeStepFunctions, startSilentEndpoint } from './fake-endpoints.js';

const root = join(__dirname, '..', '..', '..');
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-on-demand-snapshot';
const EXECUTION_PREFIX = 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-on-demand-snapshot';

/** A process environment with fake credentials and every AWS endpoint on `endpoint`. */
function cliEnv(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs the CLI without blocking this process (the fake endpoints live here). `onStderr` sees the
 * stderr so far and may act on the child (send it a signal).
 */
function runCli(
  command: 'npx' | 'node',
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  onStderr?: (stderr: string, child: ReturnType<typeof spawn>) => void,
): Promise<Ran> {
  const start = Date.now();
  const args = command === 'npx' ? ['--no-install', 'interactions-ops', ...argv] : ['cli/bin.mjs', ...argv];
  const child = spawn(command, args, { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr, child);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - start });
    });
  });
}

const closedEndpoint = 'http://127.0.0.1:9';

beforeAll(() => {
  const built = spawnSync('node', ['cli/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build:cli failed: ${built.stderr}`);
});

describe('npx interactions-ops, as a new user meets it', () => {
  it('--version prints the package version', async () => {
    const result = await runCli('npx', ['--version'], cliEnv(closedEndpoint));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${packageJson.version}\n`);
  });

  it('--help and help list every command, without credentials', async () => {
    const env = cliEnv(closedEndpoint, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    const [flag, command] = await Promise.all([runCli('npx', ['--help'], env), runCli('npx', ['help'], env)]);

    expect(flag.code).toBe(0);
    expect(flag.stdout).toContain('backup create-snapshot <env> <name>');
    expect(flag.stdout).toContain('executions watch <execution>');
    expect(command.stdout).toBe(flag.stdout);
  });

  it('a typo gets a suggestion and a wrong option a one-line error, both exit 2', async () => {
    const [typo, wrongOption] = await Promise.all([
      runCli('npx', ['backup', 'lst-backups', 'prod'], cliEnv(closedEndpoint)),
      runCli('npx', ['backup', 'list-backups', 'prod', '--dry-run'], cliEnv(closedEndpoint)),
    ]);

    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "error: unknown command 'lst-backups' (did you mean list-backups?). See 'interactions-ops backup --help'.\n",
    );
    expect(wrongOption.code).toBe(2);
    expect(wrongOption.stderr).toBe(
      "error: unknown option '--dry-run'. See 'interactions-ops backup list-backups --help'.\n",
    );
  });

  it('without credentials says how to provide them in one line, exit 1, no stack trace', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ops-home-'));
    const env = cliEnv(closedEndpoint, {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'none-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none-credentials'),
    });
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;

    const result = await runCli('node', ['backup', 'list-backups', 'prod'], env);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: no AWS credentials found \(.+\): provide credentials with --profile <name>/);
    expect(result.stderr).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  describe('against endpoints on loopback', () => {
    let endpoint: FakeEndpoint | undefined;
    afterEach(async () => {
      await endpoint?.close();
      endpoint = undefined;
    });

    it('an endpoint that accepts and never answers ends in a clear error, exit 1, well within a minute', async () => {
      endpoint = await startSilentEndpoint();

      const result = await runCli(
        'node',
        ['backup', 'create-snapshot', 'prod', 'pre-migration'],
        cliEnv(endpoint.url, { INTERACTIONS_OPS_REQUEST_TIMEOUT_MS: '400' }),
      );

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error: AWS did not answer in time after 3 attempts \(.+\): check the network/);
      expect(result.ms).toBeLessThan(30_000);
    });

    /** A run that is RUNNING at the first poll and SUCCEEDED at the second (or forever RUNNING). */
    function stepFunctions(endsAfterPolls: number): Promise<FakeEndpoint> {
      let polls = 0;
      let executionArn = '';
      return startFakeStepFunctions({
        ListStateMachines: () => ({
          stateMachines: [
            {
              name: 'interactions-prod-on-demand-snapshot',
              stateMachineArn: MACHINE_ARN,
              type: 'STANDARD',
              creationDate: 1_748_772_000,
            },
          ],
        }),
        StartExecution: (body) => {
          executionArn = `${EXECUTION_PREFIX}:${String(body.name)}`;
          return { executionArn, startDate: 1_748_772_673 };
        },
        DescribeExecution: () => {
          polls += 1;
          const done = polls > endsAfterPolls;
          return {
            executionArn,
            stateMachineArn: MACHINE_ARN,
            status: done ? 'SUCCEEDED' : 'RUNNING',
            startDate: 1_748_772_673,
            ...(done
              ? {
                  stopDate: 1_748_772_925,
                  output: JSON.stringify({
                    snapshot: {
                      id: 'pre-migration',
                      arn: null,
                      status: 'available',
                      encrypted: true,
                      allocatedStorageGiB: 100,
                      sourceInstance: 'interactions-prod-postgres',
                      createdAt: null,
                    },
                    report: { json: 's3://r/a.json', markdown: 's3://r/a.md' },
                  }),
                }
              : {}),
          };
        },
        GetExecutionHistory: () => ({
          events: [
            {
              id: 2,
              type: 'TaskStateEntered',
              timestamp: 1_748_772_674,
              stateEnteredEventDetails: { name: 'Create snapshot' },
            },
            { id: 1, type: 'ExecutionStarted', timestamp: 1_748_772_673 },
          ],
        }),
      });
    }

    it('--json through npx prints only JSON on stdout and exits 0', async () => {
      endpoint = await stepFunctions(1);

      const result = await runCli(
        'npx',
        ['backup', 'create-snapshot', 'prod', 'pre-migration', '--json'],
        cliEnv(endpoint.url, { INTERACTIONS_OPS_POLL_MS: '20' }),
      );

      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout);
      expect(output.execution).toMatchObject({ status: 'SUCCEEDED', durationSeconds: 252 });
      expect(output.execution.console).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\/home/);
      expect(output.snapshot.id).toBe('pre-migration');
      expect(result.stderr).toBe('');
      expect(endpoint.operations).toEqual(
        expect.arrayContaining(['ListStateMachines', 'StartExecution', 'DescribeExecution', 'GetExecutionHistory']),
      );
    });

    it('Ctrl-C stops following, names the execution and the executions watch command, exits 130', async () => {
      endpoint = await stepFunctions(Number.POSITIVE_INFINITY);
      let interrupted = false;

      const result = await runCli(
        'node',
        ['backup', 'create-snapshot', 'prod', 'pre-migration'],
        cliEnv(endpoint.url, { INTERACTIONS_OPS_POLL_MS: '50' }),
        (stderr, child) => {
          if (!interrupted && stderr.includes('→ Create snapshot')) {
            interrupted = true;
            child.kill('SIGINT');
          }
        },
      );

      expect(interrupted).toBe(true);
      expect(result.code).toBe(130);
      expect(result.stderr).toMatch(
        /Stopped following; the execution is still running in Step Functions: cli-pre-migration-\d{8}T\d{6}\n/,
      );
      expect(result.stderr).toMatch(
        new RegExp(`follow it again: npx interactions-ops executions watch ${EXECUTION_PREFIX}:cli-pre-migration-`),
      );
      expect(endpoint.operations).not.toContain('StopExecution');
    });
  });
});
