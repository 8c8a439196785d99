import type { CliDeps } from '../../../cli/context.js';
import { createProgress } from '../../../cli/progress.js';

const T0 = new Date('2025-06-01T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function capture(stderrIsTty: boolean, clock: { now: Date }, columns?: number) {
  let stderr = '';
  const deps = {
    stderr: (text: string) => {
      stderr += text;
    },
    stderrIsTty,
    stderrColumns: () => columns,
    now: () => clock.now,
  } as unknown as CliDeps;
  return { deps, output: () => stderr };
}

/** A polling loop: create, then three rounds of wait/describe/check, then verify. */
function playLoop(progress: ReturnType<typeof createProgress>, clock: { now: Date }): void {
  progress.started('cli-x-20250601T100000', T0);
  progress.stateEntered('Create snapshot', at(1));
  for (let round = 0; round < 3; round += 1) {
    progress.stateEntered('Wait for snapshot', at(2 + round * 60));
    progress.stateEntered('Snapshot available?', at(3 + round * 60));
    clock.now = at(4 + round * 60);
    progress.polled();
  }
  progress.stateEntered('Verify snapshot', at(200));
  progress.finished('SUCCEEDED', at(252));
}

describe('progress on a terminal', () => {
  it('rewrites one line with the state, its loop count and the elapsed time, then ends it', () => {
    const clock = { now: T0 };
    const { deps, output } = capture(true, clock);

    playLoop(createProgress(deps, true), clock);

    const frames = output().split('\r\x1b[2K').filter(Boolean);
    expect(output()).not.toMatch(/\n(?!$)/);
    expect(frames).toContain('cli-x-20250601T100000: Snapshot available? (×3) · 2m 4s');
    expect(frames.at(-1)).toBe('cli-x-20250601T100000: SUCCEEDED after 4m 12s\n');
  });

  it('fits the line to the terminal width, shortening the execution name, so it never wraps', () => {
    // Prepare: a wrapped line cannot be rewritten in place: every refresh would add a screen line.
    const clock = { now: T0 };
    const { deps, output } = capture(true, clock, 60);
    const progress = createProgress(deps, true);

    // Act
    progress.started('cli-interactions-pre-migration-for-release-42-20250601T100000', T0);
    progress.stateEntered('Snapshot available?', at(1));
    clock.now = at(190);
    progress.polled();

    // Assess
    const frames = output().split('\r\x1b[2K').filter(Boolean);
    for (const frame of frames) expect(frame.length).toBeLessThan(60);
    expect(frames.at(-1)).toBe('cli-interactions-pre-migrati…: Snapshot available? · 3m 10s');
  });

  it('cuts the line at the terminal width when even the state does not fit', () => {
    const clock = { now: T0 };
    const { deps, output } = capture(true, clock, 20);
    const progress = createProgress(deps, true);

    progress.started('cli-x-20250601T100000', T0);
    progress.stateEntered('Snapshot available?', at(1));

    const frames = output().split('\r\x1b[2K').filter(Boolean);
    expect(frames.at(-1)).toBe('cli-x…: Snapshot a…');
  });
});

describe('progress without a terminal', () => {
  it('writes timestamped lines, collapsing loop iterations into one line with counts', () => {
    const clock = { now: T0 };
    const { deps, output } = capture(false, clock);

    playLoop(createProgress(deps, true), clock);

    expect(output()).toBe(
      [
        '2025-06-01T10:00:00Z started cli-x-20250601T100000',
        '2025-06-01T10:00:01Z → Create snapshot',
        '2025-06-01T10:00:02Z → Wait for snapshot',
        '2025-06-01T10:00:03Z → Snapshot available?',
        '2025-06-01T10:02:03Z ↻ Wait for snapshot ×3, Snapshot available? ×3',
        '2025-06-01T10:03:20Z → Verify snapshot',
        '2025-06-01T10:04:12Z SUCCEEDED',
        '',
      ].join('\n'),
    );
  });

  it('writes a loop line at least every 10 minutes while the loop goes on', () => {
    const { deps, output } = capture(false, { now: T0 });
    const progress = createProgress(deps, true);

    progress.started('cli-x', T0);
    for (let minute = 0; minute <= 25; minute += 1) progress.stateEntered('Wait for snapshot', at(minute * 60));

    expect(output().match(/↻ Wait for snapshot ×\d+/g)).toEqual(['↻ Wait for snapshot ×11', '↻ Wait for snapshot ×21']);
  });

  it('writes nothing when disabled (--json with stdout not a terminal)', () => {
    const clock = { now: T0 };
    const { deps, output } = capture(false, clock);

    playLoop(createProgress(deps, false), clock);

    expect(output()).toBe('');
  });
});
