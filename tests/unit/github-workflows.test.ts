/**
 * The GitHub Actions workflows in .github/workflows: schema-valid (action-validator, offline),
 * shaped as the seed's "Continuous Deployment" section says, and their shell steps behave: each
 * step's script runs under bash the way a runner runs it, with fake `aws`, `gh`, `npx` and `npm`
 * commands on PATH standing in for AWS and GitHub.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ ... }}` here is GitHub expression text, not a JS template.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { parse } from 'yaml';
import { addGlobal } from '../../infra/app.js';
import { GLOBAL } from '../../infra/config/global.js';
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { ComputeRoles, GITHUB_OIDC_HOST } from '../../infra/constructs/compute/roles.js';
import { CI_DIFF_ROLE_NAME, diffEnvironment } from '../../infra/stacks/global-stack.js';
import { testApp } from '../support/cdk-app.js';

const ROOT = join(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const TAG_SCRIPT = join(ROOT, '.github', 'scripts', 'image-tags.sh');
const VALIDATOR = join(ROOT, 'node_modules', '.bin', 'action-validator');
const DEPLOY = './.github/workflows/deploy.yml';
const NODE_MAJOR = Number(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim());

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly 'continue-on-error'?: unknown;
}
interface Job {
  readonly 'runs-on'?: string;
  readonly uses?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly needs?: string | readonly string[];
  readonly environment?: string | { readonly name: string };
  readonly permissions?: Readonly<Record<string, string>>;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress'?: boolean };
  readonly env?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps?: readonly Step[];
}
interface Workflow {
  readonly name: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));
const load = (file: string): Workflow => parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
const workflows: Readonly<Record<string, Workflow>> = Object.fromEntries(files.map((f) => [f, load(f)]));
const wf = (file: string): Workflow => {
  const workflow = workflows[file];
  if (!workflow) throw new Error(`missing workflow ${file}`);
  return workflow;
};
const job = (file: string, id: string): Job => {
  const found = wf(file).jobs[id];
  if (!found) throw new Error(`${file}: no job '${id}'`);
  return found;
};
const step = (file: string, jobId: string, name: string): Step => {
  const found = job(file, jobId).steps?.find((s) => s.name === name);
  if (!found) throw new Error(`${file}/${jobId}: no step '${name}'`);
  return found;
};
const allSteps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((j) => [...(j.steps ?? [])]);
const CD_FILES = ['infrastructure-cd-dev.yml', 'infrastructure-cd-staging.yml', 'infrastructure-cd-prod.yml'];

function validate(path: string): { status: number | null; output: string } {
  const result = spawnSync(VALIDATOR, [path], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('schema validation (action-validator)', () => {
  it("finds the seed's four workflows and the reusable deploy", () => {
    expect(files.sort()).toEqual([
      'deploy.yml',
      'infrastructure-cd-dev.yml',
      'infrastructure-cd-prod.yml',
      'infrastructure-cd-staging.yml',
      'infrastructure-ci.yml',
    ]);
  });

  it.each(files)('%s is a valid workflow', (file) => {
    expect(validate(join(WORKFLOWS, file))).toEqual({ status: 0, output: '' });
  });

  describe('rejects a misspelt key, with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'workflows-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const original = readFileSync(join(WORKFLOWS, 'infrastructure-ci.yml'), 'utf8');

    it.each([
      ['runs-on:', 'runs-onn:', "Additional property 'runs-onn' is not allowed"],
      ['  pull_request:', '  pull_requestt:', '"path": "/on"'],
    ])('%s misspelt as %s', (key, typo, expected) => {
      expect(original).toContain(key);
      const path = join(dir, 'broken.yml');
      writeFileSync(path, original.replace(key, typo));
      const { status, output } = validate(path);
      expect(status).not.toBe(0);
      expect(output).toContain(expected);
    });
  });
});

describe("triggers follow the seed's table", () => {
  it('CI: pull requests to main only', () => {
    expect(wf('infrastructure-ci.yml').on).toEqual({ pull_request: { branches: ['main'] } });
  });

  it('dev: push to main (and a dispatch for new application images), never PRs or schedules', () => {
    const on = wf('infrastructure-cd-dev.yml').on;
    expect(on.push).toEqual({ branches: ['main'] });
    expect(Object.keys(on).sort()).toEqual(['push', 'workflow_dispatch']);
  });

  it('staging: manual trigger or a nightly schedule', () => {
    const on = wf('infrastructure-cd-staging.yml').on;
    expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const schedule = on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    // Nightly: fixed minute and hour, every day.
    expect(schedule[0]?.cron).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
  });

  it('prod: manual only, with both tags required', () => {
    const on = wf('infrastructure-cd-prod.yml').on;
    expect(Object.keys(on)).toEqual(['workflow_dispatch']);
    const inputs = (on.workflow_dispatch as { inputs: Record<string, { required: boolean }> }).inputs;
    expect(inputs['frontend-tag']?.required).toBe(true);
    expect(inputs['backend-tag']?.required).toBe(true);
  });
});

describe('CI', () => {
  const ci = wf('infrastructure-ci.yml');
  const runs = allSteps(ci).map((s) => s.run ?? s.uses ?? '');

  it("runs the project's checks in order and uploads cdk.out", () => {
    const order = [
      'actions/checkout@',
      'actions/setup-node@',
      'npm ci',
      'npm run typecheck',
      'npm run lint',
      'bash scripts/install-services.sh',
      'npm test -- --ci',
      'npm run synth',
      'actions/upload-artifact@',
    ].map((needle) => runs.findIndex((r) => r.includes(needle)));
    expect(order).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const upload = allSteps(ci).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.path).toBe('cdk.out/');
  });

  it('sets up the Node.js major of .nvmrc (24, the Lambda runtime) with the npm cache', () => {
    const setup = allSteps(ci).find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setup?.with).toEqual({ 'node-version': NODE_MAJOR, cache: 'npm' });
    expect(NODE_MAJOR).toBe(24);
  });

  it('holds no credentials: read-only token, no OIDC, no AWS action', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
    for (const j of Object.values(ci.jobs)) expect(j.permissions?.['id-token']).toBeUndefined();
    expect(runs.filter((r) => r.includes('configure-aws-credentials') || /\bcdk deploy\b/.test(r))).toEqual([]);
  });
});

describe('deployments', () => {
  const deploy = wf('deploy.yml');
  const deployJob = job('deploy.yml', 'deploy');
  const deploySteps = deployJob.steps ?? [];

  it('the reusable workflow takes environment and the two tags', () => {
    const call = deploy.on.workflow_call as { inputs: Record<string, { required: boolean; type: string }> };
    expect(Object.keys(call.inputs).sort()).toEqual(['backend-tag', 'environment', 'frontend-tag']);
    expect(call.inputs.environment).toMatchObject({ required: true, type: 'string' });
  });

  it.each(CD_FILES)('%s deploys only through deploy.yml, with id-token: write', (file) => {
    const jobs = Object.values(wf(file).jobs);
    const callers = jobs.filter((j) => j.uses === DEPLOY);
    expect(callers).toHaveLength(1);
    for (const caller of callers) expect(caller.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    const direct = jobs.flatMap((j) => j.steps ?? []).filter((s) => /\bcdk deploy\b/.test(s.run ?? ''));
    expect(direct).toEqual([]);
  });

  it.each([
    ['infrastructure-cd-dev.yml', 'dev'],
    ['infrastructure-cd-staging.yml', 'staging'],
    ['infrastructure-cd-prod.yml', 'prod'],
  ])('%s deploys %s', (file, env) => {
    const caller = Object.values(wf(file).jobs).find((j) => j.uses === DEPLOY);
    expect(caller?.with?.environment).toBe(env);
  });

  it('every caller passes only inputs deploy.yml declares, and all it requires', () => {
    const declared = (deploy.on.workflow_call as { inputs: Record<string, { required?: boolean }> }).inputs;
    for (const file of files) {
      for (const j of Object.values(wf(file).jobs).filter((x) => x.uses?.startsWith('./'))) {
        expect(existsSync(join(ROOT, j.uses ?? ''))).toBe(true);
        for (const key of Object.keys(j.with ?? {})) expect(Object.keys(declared)).toContain(key);
        for (const [key, input] of Object.entries(declared))
          if (input.required) expect(Object.keys(j.with ?? {})).toContain(key);
      }
    }
  });

  it('the deploy job runs in the GitHub environment (prod: required reviewers) with OIDC', () => {
    expect(deployJob.environment).toBe('${{ inputs.environment }}');
    expect(deployJob.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(deploy.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
  });

  it('deploys of one environment queue, never cancel each other', () => {
    expect(deployJob.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
  });

  it('assumes the interactions-<env>-ci-cd role in the configured account and region', () => {
    const credentials = deploySteps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with).toMatchObject({
      'role-to-assume': 'arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/interactions-${{ inputs.environment }}-ci-cd',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
  });

  it('installs and bundles without credentials or install scripts, then assumes the role, then deploys and verifies', () => {
    const at = (predicate: (s: Step) => boolean): number => deploySteps.findIndex(predicate);
    const order = [
      at((s) => s.uses?.startsWith('actions/checkout@') === true),
      at((s) => s.uses?.startsWith('actions/setup-node@') === true),
      at((s) => s.run === 'npm ci --ignore-scripts --no-audit --no-fund'),
      at((s) => s.run === 'npm run bundle'),
      at((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@') === true),
      at((s) => s.name === 'Resolve the image tags'),
      at((s) => s.name === 'Check the images exist in ECR'),
      at((s) => /\bnpx cdk deploy\b/.test(s.run ?? '')),
      at((s) => s.run?.includes('ops -- --json verify-deployment run') === true),
    ];
    expect(order).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Exactly one install, and it runs no dependency's install script (they would run with
    // whatever credentials the job holds).
    const installs = deploySteps.filter((s) => /\bnpm (ci|install|i)\b/.test(s.run ?? ''));
    expect(installs.map((s) => s.run)).toEqual(['npm ci --ignore-scripts --no-audit --no-fund']);
    // The verification must fail the job when it runs and fails: no `if: always()`, no continue-on-error.
    const verify = deploySteps[order[8] ?? -1];
    expect(verify?.if).toBeUndefined();
    expect(verify?.['continue-on-error']).toBeUndefined();
    // Only the upload of its JUnit report follows, and it runs whether the verification passed or not.
    expect(order[8]).toBe(deploySteps.length - 2);
    const upload = deploySteps[deploySteps.length - 1];
    expect(upload?.uses?.startsWith('actions/upload-artifact@')).toBe(true);
    expect(upload?.if).toBe('${{ !cancelled() }}');
    expect(upload?.with?.path).toBe('reports/deployment-verification.xml');
  });

  it("every job that assumes an interactions-<env>-ci-cd role runs in that <env>'s GitHub environment (the role trusts repo:<repo>:environment:<env> only)", () => {
    const assuming = files.flatMap((file) =>
      Object.entries(wf(file).jobs).flatMap(([id, j]) =>
        (j.steps ?? [])
          .filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))
          .filter((s) => String(s.with?.['role-to-assume']).endsWith('-ci-cd'))
          .map((s) => ({
            where: `${file}/${id}`,
            role: String(s.with?.['role-to-assume']),
            environment: j.environment,
          })),
      ),
    );
    expect(assuming.map((a) => a.where).sort()).toEqual([
      'deploy.yml/deploy',
      'infrastructure-cd-staging.yml/resolve-tags',
    ]);
    for (const { where, role, environment } of assuming) {
      const env = /:role\/interactions-(.+)-ci-cd$/.exec(role)?.[1];
      expect(`${where}: ${environment}`).toBe(`${where}: ${env}`);
    }
  });

  it('prod validates the tags before anyone is asked to approve', () => {
    const caller = job('infrastructure-cd-prod.yml', 'deploy');
    expect(caller.needs).toBe('validate-tags');
    const validation = job('infrastructure-cd-prod.yml', 'validate-tags');
    expect(validation.environment).toBeUndefined();
    expect(validation.permissions).toEqual({ contents: 'read' });
    expect(validation.steps?.some((s) => s.run?.includes('image-tags.sh check prod'))).toBe(true);
  });

  it.each(ENVIRONMENT_NAMES)('the role name matches what ComputeRoles creates for %s', (env) => {
    const stack = new Stack(undefined, `Roles-${env}`);
    new ComputeRoles(stack, 'Roles', {
      envName: env,
      clusterName: `interactions-${env}`,
      assetsBucketName: `interactions-${env}-assets`,
      githubRepository: 'interactions/interactions-platform',
    });
    const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as {
      Properties: { RoleName: string; AssumeRolePolicyDocument: { Statement: Record<string, unknown>[] } };
    }[];
    const oidc = roles.filter((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(GITHUB_OIDC_HOST));
    expect(oidc.map((r) => r.Properties.RoleName)).toEqual([`interactions-${env}-ci-cd`]);
    // A job with `environment:` presents the subject repo:<owner/name>:environment:<env>.
    const condition = oidc[0]?.Properties.AssumeRolePolicyDocument.Statement[0]?.Condition as {
      StringLike?: Record<string, string>;
      StringEquals?: Record<string, string>;
    };
    // An exact subject (StringEquals) or a pattern (StringLike): either must admit the deploy job's.
    const exact = condition.StringEquals?.[`${GITHUB_OIDC_HOST}:sub`];
    const like = condition.StringLike?.[`${GITHUB_OIDC_HOST}:sub`];
    const pattern = exact?.replace(/\*/g, '\\*') ?? like ?? '';
    expect(pattern).not.toBe('');
    const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    expect(regex.test(`repo:interactions/interactions-platform:environment:${env}`)).toBe(true);
    expect(regex.test(`repo:someone-else/interactions-platform:environment:${env}`)).toBe(false);
  });
});

describe('workflow hygiene', () => {
  const everyStep = files.flatMap((file) => allSteps(wf(file)).map((s) => [file, s] as const));

  it('pins every action to a full commit SHA (a tag can be moved), its release named in a comment', () => {
    const actions = everyStep.filter(([, s]) => s.uses !== undefined);
    expect(actions.length).toBeGreaterThan(5);
    for (const [file, s] of actions)
      expect(`${file}: ${s.uses}`).toMatch(/: [\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
    // The YAML parser drops comments: read the lines themselves.
    const lines = files.flatMap((file) =>
      readFileSync(join(WORKFLOWS, file), 'utf8')
        .split('\n')
        .filter((line) => /^\s*(- )?uses: (?!\.\/)/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(lines).toHaveLength(actions.length);
    for (const line of lines) expect(line).toMatch(/uses: [\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('pins each action to one commit and release in every workflow', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files)
      for (const match of readFileSync(join(WORKFLOWS, file), 'utf8').matchAll(/uses: ([\w./-]+)@(\S+ # \S+)/g)) {
        const [, action = '', pin = ''] = match;
        pins.set(action, (pins.get(action) ?? new Set()).add(pin));
      }
    expect([...pins.keys()].sort()).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'actions/upload-artifact',
      'aws-actions/configure-aws-credentials',
    ]);
    for (const [action, pinned] of pins) expect(`${action}: ${pinned.size}`).toBe(`${action}: 1`);
  });

  it('sets up the Node.js major of .nvmrc wherever Node.js is set up', () => {
    const setups = everyStep.filter(([, s]) => s.uses?.startsWith('actions/setup-node@'));
    expect(setups.map(([file]) => file).sort()).toEqual(['deploy.yml', 'deploy.yml', 'infrastructure-ci.yml']);
    for (const [, s] of setups) expect(s.with?.['node-version']).toBe(NODE_MAJOR);
  });

  it('no longer silences the SDK warning for old Node.js versions', () => {
    for (const file of files) expect(readFileSync(join(WORKFLOWS, file), 'utf8')).not.toContain('NODE_VERSION_SUPPORT');
  });

  it('never interpolates ${{ }} into a script: values reach run steps through env (no injection)', () => {
    const interpolated = everyStep.filter(([, s]) => s.run?.includes('${{')).map(([file, s]) => `${file}: ${s.name}`);
    expect(interpolated).toEqual([]);
  });

  it('gives each workflow a read-only default token', () => {
    for (const file of files) expect(wf(file).permissions?.contents).toBe('read');
  });
});

/* ---------- the steps' scripts, executed ---------- */

interface StepRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly calls: string[];
}

const sandbox = mkdtempSync(join(tmpdir(), 'workflow-steps-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** Fake commands: each logs `<name> <args>` and answers from FAKE_* variables. */
const FAKES: Readonly<Record<string, string>> = {
  aws: `#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_LOG"
args=("$@")
arg() { local i; for ((i = 0; i < \${#args[@]}; i++)); do [ "\${args[i]}" = "$1" ] && echo "\${args[i+1]}"; done; }
case "$1 $2" in
  "ssm get-parameter")
    name=$(arg --name)
    value=$(printf '%s\\n' $FAKE_PARAMETERS | sed -n "s|^$name=||p")
    [ -n "$value" ] || { echo "An error occurred (ParameterNotFound) for $name" >&2; exit 254; }
    echo "$value" ;;
  "ecr batch-get-image")
    wanted="$(arg --repository-name):$(arg --image-ids | sed 's/^imageTag=//')"
    case " $FAKE_IMAGES " in *" $wanted "*) echo 1 ;; *) echo 0 ;; esac ;;
  *) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
`,
  gh: `#!/usr/bin/env bash
echo "gh $*" >> "$FAKE_LOG"
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do [ "\${args[i]}" = --jq ] && filter="\${args[i+1]}"; done
echo "$FAKE_RUNS" | jq -r "$filter"
`,
  npx: `#!/usr/bin/env bash
printf 'npx' >> "$FAKE_LOG"; printf ' [%s]' "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"
printf '%s' "\${FAKE_NPX_OUTPUT:-}"
if [ -n "\${FAKE_NPX_OUTPUT_FILE:-}" ]; then cat "$FAKE_NPX_OUTPUT_FILE"; fi
exit "\${FAKE_NPX_STATUS:-0}"
`,
  npm: `#!/usr/bin/env bash
printf 'npm' >> "$FAKE_LOG"; printf ' [%s]' "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"
printf '%s' "\${FAKE_NPM_STDOUT:-}"
exit "\${FAKE_NPM_STATUS:-0}"
`,
};
const fakeBin = join(sandbox, 'bin');
mkdirSync(fakeBin);
for (const [name, body] of Object.entries(FAKES)) {
  writeFileSync(join(fakeBin, name), body);
  chmodSync(join(fakeBin, name), 0o755);
}

let runCount = 0;
/** Runs one step's `run:` script as a runner does (`bash --noprofile --norc -eo pipefail`), from the repo root. */
function runStep(s: Step, env: Record<string, string>): StepRun {
  const dir = join(sandbox, `run-${++runCount}`);
  mkdirSync(dir);
  const script = join(dir, 'step.sh');
  writeFileSync(script, s.run ?? 'exit 99');
  for (const name of ['output', 'summary', 'log']) writeFileSync(join(dir, name), '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      PATH: `${fakeBin}:${process.env.PATH}`,
      HOME: dir,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REPOSITORY: 'interactions/interactions-platform',
      FAKE_LOG: join(dir, 'log'),
      FAKE_PARAMETERS: '',
      FAKE_IMAGES: '',
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(join(dir, 'output'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const calls = readFileSync(join(dir, 'log'), 'utf8').split('\n').filter(Boolean);
  const summary = readFileSync(join(dir, 'summary'), 'utf8');
  return { status: result.status, stderr: result.stderr, stdout: result.stdout, outputs, summary, calls };
}

const TAGS = {
  dev: { frontend: 'frontend-1.4.0-dev-a7b3c9d', backend: 'backend-2.0.1-dev-a7b3c9d' },
  staging: { frontend: 'frontend-1.4.0-staging-a7b3c9d', backend: 'backend-2.0.1-staging-a7b3c9d' },
  prod: { frontend: 'frontend-1.3.9-prod-0123abc', backend: 'backend-2.0.0-prod-0123abc' },
} as const;
const parameters = (env: EnvironmentName, tags: { frontend: string; backend: string }): string =>
  `/interactions/${env}/images/frontend-tag=${tags.frontend} /interactions/${env}/images/backend-tag=${tags.backend}`;

describe('deploy.yml steps', () => {
  const resolve = step('deploy.yml', 'deploy', 'Resolve the image tags');
  const ecr = step('deploy.yml', 'deploy', 'Check the images exist in ECR');
  const cdkDeploy = step('deploy.yml', 'deploy', 'cdk deploy');
  const verify = step('deploy.yml', 'deploy', 'Deployment verification');
  const mainOnly = step('deploy.yml', 'deploy', 'Deploy only from main');

  it('wires inputs and step outputs through env', () => {
    expect(job('deploy.yml', 'deploy').env).toMatchObject({
      DEPLOY_ENV: '${{ inputs.environment }}',
      INPUT_FRONTEND_TAG: '${{ inputs.frontend-tag }}',
      INPUT_BACKEND_TAG: '${{ inputs.backend-tag }}',
      ALB_CERTIFICATE_ARN: '${{ vars.ALB_CERTIFICATE_ARN }}',
    });
    expect(resolve.id).toBe('tags');
    for (const s of [ecr, cdkDeploy]) expect(s.env?.BACKEND_TAG).toBe('${{ steps.tags.outputs.backend }}');
    expect(verify.env).toEqual({
      BACKEND_TAG: '${{ steps.tags.outputs.backend }}',
      FRONTEND_TAG: '${{ steps.tags.outputs.frontend }}',
    });
  });

  it('refuses to deploy from a branch other than main', () => {
    expect(runStep(mainOnly, { GITHUB_REF: 'refs/heads/main' }).status).toBe(0);
    const feature = runStep(mainOnly, { GITHUB_REF: 'refs/heads/feature/x' });
    expect(feature.status).toBe(1);
    expect(feature.stdout).toContain('refs/heads/feature/x');
  });

  it('uses the given tags without reading Parameter Store', () => {
    const run = runStep(resolve, {
      DEPLOY_ENV: 'prod',
      INPUT_FRONTEND_TAG: TAGS.prod.frontend,
      INPUT_BACKEND_TAG: TAGS.prod.backend,
    });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ frontend: TAGS.prod.frontend, backend: TAGS.prod.backend });
    expect(run.calls).toEqual([]);
  });

  it('keeps the tags the environment runs when none are given', () => {
    const run = runStep(resolve, {
      DEPLOY_ENV: 'dev',
      INPUT_FRONTEND_TAG: '',
      INPUT_BACKEND_TAG: '',
      FAKE_PARAMETERS: `${parameters('dev', TAGS.dev)} ${parameters('prod', TAGS.prod)}`,
    });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ frontend: TAGS.dev.frontend, backend: TAGS.dev.backend });
    expect(run.calls).toEqual([
      'aws ssm get-parameter --name /interactions/dev/images/frontend-tag --query Parameter.Value --output text',
      'aws ssm get-parameter --name /interactions/dev/images/backend-tag --query Parameter.Value --output text',
    ]);
  });

  it('fails when no tag is given and the environment has none yet (first deploy)', () => {
    const run = runStep(resolve, { DEPLOY_ENV: 'staging', INPUT_FRONTEND_TAG: '', INPUT_BACKEND_TAG: '' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('/interactions/staging/images/frontend-tag is not readable');
    expect(run.outputs).toEqual({});
  });

  it('fails when a tag belongs to another environment, before any deploy', () => {
    const run = runStep(resolve, {
      DEPLOY_ENV: 'prod',
      INPUT_FRONTEND_TAG: TAGS.staging.frontend,
      INPUT_BACKEND_TAG: TAGS.prod.backend,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`frontend tag '${TAGS.staging.frontend}' does not follow`);
    expect(run.outputs).toEqual({});
  });

  it("checks both images in the environment's ECR repositories", () => {
    const env = { DEPLOY_ENV: 'staging', FRONTEND_TAG: TAGS.staging.frontend, BACKEND_TAG: TAGS.staging.backend };
    const present = `interactions-staging-frontend:${TAGS.staging.frontend} interactions-staging-backend:${TAGS.staging.backend}`;
    const ok = runStep(ecr, { ...env, FAKE_IMAGES: present });
    expect(ok.status).toBe(0);
    expect(ok.calls).toHaveLength(2);

    const missing = runStep(ecr, { ...env, FAKE_IMAGES: `interactions-staging-frontend:${TAGS.staging.frontend}` });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain(`::error::image interactions-staging-backend:${TAGS.staging.backend} not found`);
    // The dev repository holding the tag does not count.
    const wrongRepo = runStep(ecr, {
      ...env,
      FAKE_IMAGES: present.replaceAll('interactions-staging-', 'interactions-dev-'),
    });
    expect(wrongRepo.status).toBe(1);
  });

  it("runs cdk deploy for the environment's stacks with tags and certificate from context", () => {
    const certificate = 'arn:aws:acm:us-east-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';
    const run = runStep(cdkDeploy, {
      DEPLOY_ENV: 'prod',
      FRONTEND_TAG: TAGS.prod.frontend,
      BACKEND_TAG: TAGS.prod.backend,
      ALB_CERTIFICATE_ARN: certificate,
    });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      [
        'npx',
        '[cdk]',
        '[deploy]',
        '[-c]',
        '[env=prod]',
        '[-c]',
        `[frontendTag=${TAGS.prod.frontend}]`,
        '[-c]',
        `[backendTag=${TAGS.prod.backend}]`,
        '[-c]',
        `[albCertificateArn=${certificate}]`,
        '[--require-approval]',
        '[never]',
        '[--progress]',
        '[events]',
        '[interactions-prod-*]',
      ].join(' '),
    ]);
  });

  describe('deployment verification', () => {
    const env = { DEPLOY_ENV: 'staging', BACKEND_TAG: TAGS.staging.backend, FRONTEND_TAG: TAGS.staging.frontend };
    const verifyCall = [
      'npm [run] [--silent] [ops] [--] [--json] [verify-deployment] [run] [staging]',
      `[--backend-tag] [${TAGS.staging.backend}] [--frontend-tag] [${TAGS.staging.frontend}]`,
      '[--deadline] [20m] [--junit] [reports/deployment-verification.xml]',
    ].join(' ');
    const report = (failed: boolean) =>
      JSON.stringify({
        environment: 'staging',
        mode: 'workflow',
        status: failed ? 'fail' : 'pass',
        checks: [
          { name: 'ecs-deployment', status: 'pass', durationMs: 310, finding: `runs ${TAGS.staging.backend}` },
          {
            name: 'http:health',
            status: failed ? 'fail' : 'pass',
            durationMs: 42,
            finding: failed ? 'GET /health answered 503 | expected 200' : 'GET /health answered 200',
          },
        ],
      });

    it('runs the workflow with both tags and writes every check to the step summary as a table', () => {
      const run = runStep(verify, { ...env, FAKE_NPM_STDOUT: report(false) });
      expect(run.status).toBe(0);
      expect(run.calls).toEqual([verifyCall]);
      expect(run.summary).toContain('### Deployment verification: passed');
      expect(run.summary).toContain('| Check | Status | Duration | Finding |');
      expect(run.summary).toContain(`| ecs-deployment | pass | 310 ms | runs ${TAGS.staging.backend} |`);
    });

    it('fails the job when a check failed, with the failure in the table (pipes escaped)', () => {
      const run = runStep(verify, { ...env, FAKE_NPM_STDOUT: report(true), FAKE_NPM_STATUS: '1' });
      expect(run.status).toBe(1);
      expect(run.summary).toContain('### Deployment verification: FAILED');
      expect(run.summary).toContain('| http:health | fail | 42 ms | GET /health answered 503 \\| expected 200 |');
    });

    it('fails the job and says there is no verdict when the CLI printed no report', () => {
      const run = runStep(verify, { ...env, FAKE_NPM_STATUS: '2' });
      expect(run.status).toBe(2);
      expect(run.summary).toContain('**no verdict** (exit code 2');
      expect(run.summary).not.toContain('passed');
    });
  });
});

describe('the diff before the approval (deploy.yml diff job)', () => {
  const diffJob = job('deploy.yml', 'diff');
  const diffSteps = diffJob.steps ?? [];
  const cdkDiff = step('deploy.yml', 'diff', 'cdk diff');
  const diffTags = step('deploy.yml', 'diff', 'Resolve the image tags');
  const diffEnv = {
    DEPLOY_ENV: 'prod',
    FRONTEND_TAG: TAGS.prod.frontend,
    BACKEND_TAG: TAGS.prod.backend,
    ALB_CERTIFICATE_ARN: 'arn:cert',
  };

  it('runs before the deploy job, which waits for the approval of its environment', () => {
    expect(job('deploy.yml', 'deploy').needs).toBe('diff');
    expect(job('deploy.yml', 'deploy').environment).toBe('${{ inputs.environment }}');
  });

  it('runs in the GitHub environment <env>-diff (no reviewers), never in the approved environment', () => {
    expect(diffJob.environment).toBe('${{ inputs.environment }}-diff');
    expect(diffJob.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    for (const env of ENVIRONMENT_NAMES) expect(diffEnvironment(env)).toBe(`${env}-diff`);
  });

  it('assumes interactions-ci-diff, and nothing in the job deploys', () => {
    const credentials = diffSteps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials.map((s) => s.with?.['role-to-assume'])).toEqual([
      `arn:aws:iam::\${{ vars.AWS_ACCOUNT_ID }}:role/${CI_DIFF_ROLE_NAME}`,
    ]);
    expect(diffSteps.filter((s) => /\bcdk (deploy|bootstrap)\b|aws (ecs|ecr|s3) /.test(s.run ?? ''))).toEqual([]);
  });

  it('the role it assumes trusts exactly the <env>-diff subjects and can only read', () => {
    // Prepare
    const global = addGlobal(testApp(), GLOBAL);

    // Act
    const template = Template.fromStack(global);

    // Assess
    const role = template.findResources('AWS::IAM::Role', { Properties: { RoleName: CI_DIFF_ROLE_NAME } });
    const [properties] = Object.values(role).map(
      (r) =>
        (
          r as {
            Properties: {
              AssumeRolePolicyDocument: { Statement: Array<{ Condition: unknown }> };
              ManagedPolicyArns: unknown;
            };
          }
        ).Properties,
    );
    expect(properties?.AssumeRolePolicyDocument.Statement[0]?.Condition).toEqual({
      StringEquals: {
        [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
        [`${GITHUB_OIDC_HOST}:sub`]: ENVIRONMENT_NAMES.map(
          (env) => `repo:${GLOBAL.githubRepository}:environment:${env}-diff`,
        ),
      },
    });
    expect(JSON.stringify(properties?.ManagedPolicyArns)).toMatch(/:iam::aws:policy\/ReadOnlyAccess"\]\]\}\]$/);
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (
        p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }
      ).Properties.PolicyDocument.Statement.flatMap((st) => [st.Action].flat()),
    );
    expect(actions).toEqual(['sts:AssumeRole']);
  });

  it('resolves the tags exactly as the deploy job does', () => {
    const env = {
      DEPLOY_ENV: 'dev',
      INPUT_FRONTEND_TAG: '',
      INPUT_BACKEND_TAG: TAGS.dev.backend,
      FAKE_PARAMETERS: parameters('dev', TAGS.dev),
    };
    const diffRun = runStep(diffTags, env);
    const deployRun = runStep(step('deploy.yml', 'deploy', 'Resolve the image tags'), env);
    expect(diffRun.status).toBe(0);
    expect(diffRun.outputs).toEqual(deployRun.outputs);
    expect(diffRun.calls).toEqual(deployRun.calls);
  });

  it("diffs the global stack and the environment's stacks by template, with the deploy's tags and certificate", () => {
    // Act
    const run = runStep(cdkDiff, diffEnv);

    // Assess
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      `npx [cdk] [diff] [--no-color] [--method=template] [-c] [env=prod] [-c] [frontendTag=${TAGS.prod.frontend}] [-c] [backendTag=${TAGS.prod.backend}] [-c] [albCertificateArn=arn:cert] [interactions-global] [interactions-prod-*]`,
    ]);
  });

  it('writes the diff to the run summary under a heading naming the environment and tags', () => {
    // Act
    const run = runStep(cdkDiff, {
      ...diffEnv,
      FAKE_NPX_OUTPUT: 'Stack interactions-prod-platform\n[~] AWS::ECS::TaskDefinition Backend\n',
    });

    // Assess
    expect(run.summary).toBe(
      [
        `### What deploying prod changes (${TAGS.prod.frontend}, ${TAGS.prod.backend})`,
        '```text',
        'Stack interactions-prod-platform',
        '[~] AWS::ECS::TaskDefinition Backend',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('cuts a diff longer than a step summary holds and says where the whole one is', () => {
    // Prepare: more than an environment variable can carry, so the fake npx prints it from a file.
    const long = join(sandbox, 'long-diff.txt');
    writeFileSync(long, 'x'.repeat(1_000_000));

    // Act
    const run = runStep(cdkDiff, { ...diffEnv, FAKE_NPX_OUTPUT_FILE: long });

    // Assess
    expect(run.status).toBe(0);
    expect(run.summary.length).toBeLessThan(1024 * 1024);
    expect(run.summary).toContain('the whole diff is in the log of this step');
  });

  it('fails when no diff can be made, so the deploy job never asks for an approval', () => {
    // Act
    const run = runStep(cdkDiff, { ...diffEnv, FAKE_NPX_OUTPUT: 'Could not assume role\n', FAKE_NPX_STATUS: '1' });

    // Assess
    expect(run.status).not.toBe(0);
  });
});

describe('staging promotion steps', () => {
  const gate = step('infrastructure-cd-staging.yml', 'resolve-tags', 'The last dev deployment succeeded');
  const promote = step('infrastructure-cd-staging.yml', 'resolve-tags', "Read dev's tags and rewrite them for staging");
  const resolveJob = job('infrastructure-cd-staging.yml', 'resolve-tags');

  it("reads dev with dev's role and hands the tags to the staging deploy", () => {
    expect(resolveJob.environment).toBe('dev');
    expect(resolveJob.permissions).toMatchObject({ 'id-token': 'write', actions: 'read' });
    const credentials = resolveJob.steps?.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with?.['role-to-assume']).toBe(
      'arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/interactions-dev-ci-cd',
    );
    expect(job('infrastructure-cd-staging.yml', 'deploy')).toMatchObject({
      needs: 'resolve-tags',
      with: {
        environment: 'staging',
        'frontend-tag': '${{ needs.resolve-tags.outputs.frontend-tag }}',
        'backend-tag': '${{ needs.resolve-tags.outputs.backend-tag }}',
      },
    });
    expect(resolveJob.outputs).toEqual({
      'frontend-tag': '${{ steps.promote.outputs.frontend }}',
      'backend-tag': '${{ steps.promote.outputs.backend }}',
    });
  });

  it.each([
    ['the latest dev run succeeded', [{ status: 'completed', conclusion: 'success', url: 'u1' }], 0],
    ['the latest dev run failed', [{ status: 'completed', conclusion: 'failure', url: 'u2' }], 1],
    ['dev is deploying right now', [{ status: 'in_progress', conclusion: '', url: 'u3' }], 1],
    ['dev never deployed', [], 1],
  ])('gate: %s', (_case, runs, expected) => {
    const run = runStep(gate, { FAKE_RUNS: JSON.stringify(runs) });
    expect(run.status).toBe(expected);
    expect(run.calls).toEqual([
      'gh run list --repo interactions/interactions-platform --workflow infrastructure-cd-dev.yml --branch main --limit 1 --json status,conclusion,url --jq .[0] // {} | "\\(.status // "none") \\(.conclusion // "none") \\(.url // "-")"',
    ]);
    if (expected !== 0) expect(run.stdout).toContain('nothing to promote');
  });

  it('promotes what dev runs: same version and commit, staging in the tag', () => {
    const run = runStep(promote, {
      INPUT_FRONTEND_TAG: '',
      INPUT_BACKEND_TAG: '',
      FAKE_PARAMETERS: parameters('dev', TAGS.dev),
    });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ frontend: TAGS.staging.frontend, backend: TAGS.staging.backend });
  });

  it('takes the dispatched tags as they are', () => {
    const run = runStep(promote, {
      INPUT_FRONTEND_TAG: TAGS.staging.frontend,
      INPUT_BACKEND_TAG: TAGS.staging.backend,
    });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ frontend: TAGS.staging.frontend, backend: TAGS.staging.backend });
    expect(run.calls).toEqual([]);
  });

  it("fails when dev's parameter cannot be read or does not hold a dev tag", () => {
    const unreadable = runStep(promote, { INPUT_FRONTEND_TAG: '', INPUT_BACKEND_TAG: '' });
    expect(unreadable.status).not.toBe(0);
    expect(unreadable.stderr).toContain('ParameterNotFound');
    expect(unreadable.outputs).toEqual({});

    const notDev = runStep(promote, {
      INPUT_FRONTEND_TAG: '',
      INPUT_BACKEND_TAG: '',
      FAKE_PARAMETERS: parameters('dev', TAGS.prod),
    });
    expect(notDev.status).not.toBe(0);
    expect(notDev.stderr).toContain(`tag '${TAGS.prod.frontend}' is not a dev image tag`);
  });
});

describe('prod tag validation step', () => {
  const check = step(
    'infrastructure-cd-prod.yml',
    'validate-tags',
    'Tags follow {component}-{semver}-prod-{git_short_hash}',
  );

  it('passes prod tags and writes them to the run summary', () => {
    const run = runStep(check, { FRONTEND_TAG: TAGS.prod.frontend, BACKEND_TAG: TAGS.prod.backend });
    expect(run.status).toBe(0);
    expect(run.summary).toContain(`- frontend: \`${TAGS.prod.frontend}\``);
    expect(run.summary).toContain(`- backend: \`${TAGS.prod.backend}\``);
  });

  it.each([
    ['a staging tag', TAGS.staging.frontend, TAGS.prod.backend],
    ['components swapped', TAGS.prod.backend, TAGS.prod.frontend],
    ['no patch version', 'frontend-1.3-prod-0123abc', TAGS.prod.backend],
    ['an uppercase hash', TAGS.prod.frontend, 'backend-2.0.0-prod-0123ABC'],
    ['a 6-character hash', TAGS.prod.frontend, 'backend-2.0.0-prod-0123ab'],
    ['a shell injection', 'frontend-1.3.9-prod-0123abc; echo pwned', TAGS.prod.backend],
  ])('rejects %s', (_case, frontend, backend) => {
    const run = runStep(check, { FRONTEND_TAG: frontend, BACKEND_TAG: backend });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('pwned');
    expect(run.stderr).toContain('does not follow');
  });
});

describe('image-tags.sh agrees with the config validation', () => {
  const scriptAccepts = (env: string, frontend: string, backend: string): boolean =>
    spawnSync('bash', [TAG_SCRIPT, 'check', env, frontend, backend], { encoding: 'utf8' }).status === 0;
  const configAccepts = (env: EnvironmentName, frontend: string, backend: string): boolean => {
    try {
      loadConfig(env, { frontendTag: frontend, backendTag: backend });
      return true;
    } catch {
      return false;
    }
  };

  it('accepts and rejects exactly what loadConfig does', () => {
    // Mostly well-formed tags for the target environment, each part sometimes replaced by a near miss.
    const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> =>
      fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: bad, weight: 1 });
    const semver = fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map((v) => v.join('.'));
    const hash = mostly(
      fc.stringMatching(/^[0-9a-f]{7,12}$/),
      fc.oneof(
        fc.stringMatching(/^[0-9a-f]{1,6}$/),
        fc.stringMatching(/^[0-9a-f]{13,16}$/),
        fc.stringMatching(/^[0-9A-Fg-z]{7}$/),
      ),
    );
    const tagFor = (component: string, target: string): fc.Arbitrary<string> =>
      fc
        .tuple(
          mostly(fc.constant(component), fc.constantFrom('frontend', 'backend', 'api', '')),
          mostly(semver, fc.constantFrom('1.2', '1.2.3.4', 'v1.2.3', '1.2.x', '')),
          mostly(fc.constant(target), fc.constantFrom('dev', 'staging', 'prod', 'qa', 'Prod')),
          hash,
        )
        .map((parts) => parts.join('-'));
    const verdicts: boolean[] = [];
    fc.assert(
      fc.property(
        fc
          .constantFrom(...ENVIRONMENT_NAMES)
          .chain((target) => fc.tuple(fc.constant(target), tagFor('frontend', target), tagFor('backend', target))),
        ([target, frontend, backend]) => {
          const accepted = configAccepts(target, frontend, backend);
          verdicts.push(accepted);
          expect(scriptAccepts(target, frontend, backend)).toBe(accepted);
        },
      ),
      { numRuns: 80 },
    );
    // Both verdicts were exercised.
    expect(new Set(verdicts)).toEqual(new Set([true, false]));
  });

  it('promotes a tag between environments and refuses a tag of the wrong one', () => {
    const promote = (from: string, to: string, tag: string) =>
      spawnSync('bash', [TAG_SCRIPT, 'promote', from, to, tag], { encoding: 'utf8' });
    const ok = promote('staging', 'prod', TAGS.staging.backend);
    expect(ok).toMatchObject({ status: 0, stdout: 'backend-2.0.1-prod-a7b3c9d\n' });
    expect(configAccepts('prod', 'frontend-1.4.0-prod-a7b3c9d', ok.stdout.trim())).toBe(true);
    expect(promote('dev', 'staging', TAGS.staging.frontend).status).toBe(1);
    expect(promote('dev', 'qa', TAGS.dev.frontend).status).toBe(2);
  });
});

describe('scripts/install-services.sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'install-services-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const fakes: Record<string, string> = {
    'apt-get': '#!/usr/bin/env bash\necho "apt-get $*" >> "$FAKE_LOG"\n',
    // Answers like `apt-cache policy <pkg>`: a candidate version when FAKE_AVAILABLE lists the package.
    'apt-cache': `#!/usr/bin/env bash
echo "$2:"
case " $FAKE_AVAILABLE " in *" $2 "*) echo "  Candidate: 1.0-1" ;; *) echo "  Candidate: (none)" ;; esac
`,
    sudo: '#!/usr/bin/env bash\n"$@"\n',
  };
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(join(bin, name), body);
    chmodSync(join(bin, name), 0o755);
  }
  let n = 0;
  const install = (available: string) => {
    const log = join(dir, `log-${++n}`);
    writeFileSync(log, '');
    const result = spawnSync('bash', [join(ROOT, 'scripts', 'install-services.sh')], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        FAKE_LOG: log,
        FAKE_AVAILABLE: available,
        // A bare machine: neither server installed.
        POSTGRES_BIN: join(dir, 'no-postgres'),
        REDIS_SERVER: 'no-such-redis-server',
      },
    });
    return { ...result, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  };

  it('waits for the apt lock (unattended-upgrades) on update and install', () => {
    const run = install('postgresql-15 redis-server');
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'apt-get -o DPkg::Lock::Timeout=600 update -qq',
      'apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql-15 redis-server',
    ]);
  });

  it('names the package the configured repositories lack, and installs nothing', () => {
    const run = install('redis-server');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("package 'postgresql-15' is not available from the configured apt repositories");
    expect(run.calls).toEqual(['apt-get -o DPkg::Lock::Timeout=600 update -qq']);
  });
});

describe('.ci/run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ci-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['.ci', 'scripts', 'bin']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, '.ci', 'run'), readFileSync(join(ROOT, '.ci', 'run'), 'utf8'));
  writeFileSync(join(dir, 'scripts', 'install-services.sh'), 'exit "${FAKE_INSTALL_STATUS:-0}"\n');
  // npm logs its arguments and fails the command named by FAKE_NPM_FAIL.
  writeFileSync(
    join(dir, 'bin', 'npm'),
    '#!/usr/bin/env bash\necho "npm $*" >> "$FAKE_LOG"\n[ "$*" != "$FAKE_NPM_FAIL" ]\n',
  );
  chmodSync(join(dir, 'bin', 'npm'), 0o755);
  let n = 0;
  const ciRun = (env: Record<string, string>) => {
    const log = join(dir, `log-${++n}`);
    writeFileSync(log, '');
    const result = spawnSync('bash', [join(dir, '.ci', 'run')], {
      encoding: 'utf8',
      env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_LOG: log, ...env },
    });
    return { ...result, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  };
  const ALL = [
    'npm run setup -- --no-audit --no-fund',
    'npm run build:cli',
    'npm run typecheck',
    'npm run lint',
    'npm test -- --ci',
    'npm run synth',
  ];

  it('runs install (npm ci on Node.js 24), CLI bundle, type-check, lint, tests and synth in order', () => {
    const run = ciRun({});
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(ALL);
  });

  it('fails before anything else runs when PostgreSQL / Redis cannot be installed: the integration tests need them', () => {
    const run = ciRun({ FAKE_INSTALL_STATUS: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the integration tests need them');
    expect(run.calls).toEqual([]);
  });

  it('with REQUIRE_SERVICES=0 a failed service install is only a warning (a run that does not test)', () => {
    const run = ciRun({ FAKE_INSTALL_STATUS: '1', REQUIRE_SERVICES: '0' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('WARNING: PostgreSQL 15 / Redis install failed');
    expect(run.calls).toEqual(ALL);
  });

  it('stops with a non-zero exit at the first failing step', () => {
    const run = ciRun({ FAKE_NPM_FAIL: 'test -- --ci' });
    expect(run.status).not.toBe(0);
    expect(run.calls).toEqual(ALL.slice(0, 5));
  });
});
