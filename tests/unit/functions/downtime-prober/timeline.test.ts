/** The downtime timeline: samples folded into outages, carried across windows, bounded. */
import { addWindow, emptySummary, MAX_OUTAGES, type Sample } from '../../../../functions/downtime-prober/timeline.js';

const at = (second: number) => new Date(Date.UTC(2026, 2, 10, 10, 0, second));
const db = (second: number, ok: boolean): Sample => ({
  dependency: 'database',
  at: at(second),
  ok,
  ...(ok ? {} : { error: 'refused' }),
});

describe('addWindow', () => {
  it('measures an outage from its first failing probe to the first passing one', () => {
    // Act
    const summary = addWindow(emptySummary(), [db(0, true), db(1, false), db(2, false), db(3, false), db(4, true)]);

    // Assess
    expect(summary.dependencies.database).toMatchObject({
      samples: 5,
      failures: 3,
      longestOutageSeconds: 3,
      outages: [{ from: at(1).toISOString(), until: at(4).toISOString(), seconds: 3, error: 'refused' }],
      openOutage: null,
      lastOk: true,
    });
    expect(summary.firstProbeAt).toBe(at(0).toISOString());
    expect(summary.windows).toBe(1);
  });

  it('keeps the longest of several outages as the downtime, in any sample order', () => {
    const samples = [db(5, true), db(0, false), db(1, true), db(2, false), db(3, false), db(4, false)];
    expect(addWindow(emptySummary(), samples).dependencies.database.longestOutageSeconds).toBe(3);
  });

  it('carries an open outage into the next window and counts it while still failing', () => {
    // Act
    const first = addWindow(emptySummary(), [db(0, true), db(1, false), db(2, false)]);
    const second = addWindow(first, [db(3, false), db(4, false), db(5, true)]);

    // Assess
    expect(first.dependencies.database.openOutage).toEqual({ from: at(1).toISOString(), error: 'refused' });
    expect(first.dependencies.database.longestOutageSeconds).toBe(1);
    expect(second.dependencies.database.outages).toEqual([
      { from: at(1).toISOString(), until: at(5).toISOString(), seconds: 4, error: 'refused' },
    ]);
    expect(second.windows).toBe(2);
  });

  it(`keeps at most ${MAX_OUTAGES} outages and counts the rest`, () => {
    const flapping = Array.from({ length: 2 * (MAX_OUTAGES + 5) }, (_, i) => db(i, i % 2 === 1));
    const database = addWindow(emptySummary(), flapping).dependencies.database;
    expect(database.outages).toHaveLength(MAX_OUTAGES);
    expect(database.droppedOutages).toBe(5);
  });

  it('leaves the other dependencies untouched', () => {
    expect(addWindow(emptySummary(), [db(0, false)]).dependencies.cache).toEqual(emptySummary().dependencies.cache);
  });
});
