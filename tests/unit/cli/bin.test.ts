/**
 * End to end through the real entry (tsx, real argv, real exit code). Two spawns only: they take
 * seconds each. Neither reaches AWS: help needs no credentials and a bad environment fails first.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function ops(...argv: string[]) {
  return spawnSync('npx', ['tsx', 'cli/bin.ts', ...argv], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: '', AWS_PROFILE: 'none-such' },
    timeout: 60_000,
  });
}

describe('cli/bin.ts', () => {
  it('--help exits 0 and lists the commands', () => {
    const result = ops('--help');

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('backup create-snapshot');
    expect(result.stdout).toContain('backup list-backups');
  });

  it('an unknown environment exits 2 naming it', () => {
    const result = ops('backup', 'create-snapshot', 'qa', 'x');

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: unknown environment 'qa': expected one of dev, staging, prod");
    expect(result.stdout).toBe('');
  });
});
