/** One probe window: about once a second, each probe bounded, a hanging dependency not probed on top of itself. */
import { probeWindow } from '../../../../functions/downtime-prober/probe-window.js';

const pass = async () => undefined;

describe('probeWindow', () => {
  it('probes every dependency once per interval for the window', async () => {
    // Act
    const samples = await probeWindow({
      probes: { database: pass, cache: pass, application: pass },
      windowMs: 100,
      intervalMs: 25,
      timeoutMs: 20,
    });

    // Assess
    expect(samples).toHaveLength(12);
    expect(samples.every((s) => s.ok)).toBe(true);
  });

  it('records a rejected probe with its reason', async () => {
    const samples = await probeWindow({
      probes: { database: async () => Promise.reject(new Error('connection refused')), cache: pass, application: pass },
      windowMs: 20,
      intervalMs: 10,
      timeoutMs: 5,
    });
    expect(samples.filter((s) => s.dependency === 'database').map((s) => s.error)).toEqual([
      'connection refused',
      'connection refused',
    ]);
  });

  it('fails a probe that does not answer within the timeout and aborts it', async () => {
    // Prepare
    const aborted: boolean[] = [];
    const hang = (signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted.push(true);
          resolve();
        });
      });

    // Act
    const samples = await probeWindow({
      probes: { database: pass, cache: hang, application: pass },
      windowMs: 40,
      intervalMs: 20,
      timeoutMs: 10,
    });

    // Assess
    const cache = samples.filter((s) => s.dependency === 'cache');
    expect(cache.map((s) => s.error)).toEqual(['no answer within 10 ms', 'no answer within 10 ms']);
    expect(aborted).toHaveLength(2);
  });

  it('does not start a probe while the previous one of the same dependency still runs', async () => {
    // Prepare: a probe that ignores its abort signal and takes 3 intervals
    let running = 0;
    let maxRunning = 0;
    const slow = async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 60));
      running -= 1;
    };

    // Act
    const samples = await probeWindow({
      probes: { database: slow, cache: pass, application: pass },
      windowMs: 80,
      intervalMs: 20,
      timeoutMs: 70,
    });

    // Assess
    expect(maxRunning).toBe(1);
    expect(
      samples.filter((s) => s.dependency === 'database' && s.error?.startsWith('previous probe still waiting')),
    ).not.toHaveLength(0);
  });

  it('fails when the window is not positive', async () => {
    await expect(
      probeWindow({ probes: { database: pass, cache: pass, application: pass }, windowMs: 0 }),
    ).rejects.toThrow('probeWindow: windowMs must be positive (got 0)');
  });
});
