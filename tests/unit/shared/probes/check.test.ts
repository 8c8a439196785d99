/** The check runner: parallel checks, each under its own timeout, every one reporting. */
import { setTimeout as delay } from 'node:timers/promises';
import {
  type Check,
  overallStatus,
  ProbeFailure,
  pass,
  runCheck,
  runChecks,
  skippedCheck,
} from '../../../../shared/probes/check.js';

const sleeper = (name: string, ms: number, timeoutMs = 5000): Check => ({
  name,
  timeoutMs,
  run: async (signal) => {
    await delay(ms, undefined, { signal });
    return pass(`${name} slept ${ms} ms`);
  },
});

describe('runCheck', () => {
  it('reports a passing check with its duration and finding', async () => {
    // Act
    const result = await runCheck(sleeper('quick', 20));

    // Assess
    expect(result).toMatchObject({ name: 'quick', status: 'pass', finding: 'quick slept 20 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(15);
  });

  it('turns a thrown error into a failure whose finding is the message', async () => {
    // Act
    const result = await runCheck({
      name: 'broken',
      timeoutMs: 1000,
      run: async () => {
        throw new ProbeFailure('connection refused by db:5432');
      },
    });

    // Assess
    expect(result).toMatchObject({ status: 'fail', finding: 'connection refused by db:5432' });
  });

  it('turns a synchronous throw into a failure', async () => {
    // Act
    const result = await runCheck({
      name: 'sync',
      timeoutMs: 1000,
      run: () => {
        throw new Error('bad config');
      },
    });

    // Assess
    expect(result).toMatchObject({ status: 'fail', finding: 'bad config' });
  });

  it('fails a hung check at its timeout and aborts its work', async () => {
    // Prepare
    let aborted = false;
    const hung: Check = {
      name: 'hung',
      timeoutMs: 50,
      run: (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    };

    // Act
    const result = await runCheck(hung);

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^timed out after 50 ms/);
    expect(result.durationMs).toBeLessThan(500);
    expect(aborted).toBe(true);
  });

  it('reports a skipped check with its reason and no duration', async () => {
    // Act
    const result = await runCheck(skippedCheck('ecs-deployment', 'needs AWS'));

    // Assess
    expect(result).toEqual({ name: 'ecs-deployment', status: 'skipped', durationMs: 0, finding: 'needs AWS' });
  });
});

describe('runChecks', () => {
  it('runs checks in parallel: the total is the slowest, not the sum', async () => {
    // Act
    const started = performance.now();
    const results = await runChecks([sleeper('a', 150), sleeper('b', 150), sleeper('c', 150)]);
    const elapsed = performance.now() - started;

    // Assess
    expect(results.map((result) => result.status)).toEqual(['pass', 'pass', 'pass']);
    expect(elapsed).toBeLessThan(400);
  });

  it('does not let a hung check delay the others beyond its timeout, and keeps the input order', async () => {
    // Act
    const started = performance.now();
    const results = await runChecks([sleeper('hung', 10_000, 200), sleeper('fast', 10), sleeper('medium', 100)]);
    const elapsed = performance.now() - started;

    // Assess
    expect(results.map((result) => [result.name, result.status])).toEqual([
      ['hung', 'fail'],
      ['fast', 'pass'],
      ['medium', 'pass'],
    ]);
    expect(elapsed).toBeLessThan(600);
  });
});

describe('overallStatus', () => {
  it('fails when any check failed and passes with skipped ones', () => {
    // Prepare
    const passed = { name: 'a', status: 'pass', durationMs: 1, finding: '' } as const;
    const skipped = { name: 'b', status: 'skipped', durationMs: 0, finding: '' } as const;
    const failed = { name: 'c', status: 'fail', durationMs: 1, finding: '' } as const;

    // Act, Assess
    expect(overallStatus([passed, skipped])).toBe('pass');
    expect(overallStatus([passed, skipped, failed])).toBe('fail');
  });
});
