import '../../support/testbed/matchers.js';
import { collapsePath, formatPath } from '../../support/testbed/path.js';
import { sdkParameters } from '../../support/workflow-testbed.js';

const POLL = ['Wait for snapshot', 'Describe snapshot', 'Count snapshot poll', 'Snapshot available?'];
const polls = (times: number) => Array.from({ length: times }, () => POLL).flat();

describe('formatPath', () => {
  it('prints a path without repeats as before: quoted states joined by arrows', () => {
    expect(formatPath(['Validate request', 'Create snapshot'])).toBe('"Validate request" -> "Create snapshot"');
    expect(formatPath([])).toBe('');
  });

  it('collapses the iterations of a wait loop into one group with its count', () => {
    // Prepare
    const path = ['Create snapshot', 'Start waiting', ...polls(90), 'Snapshot wait timed out', 'Snapshot created?'];

    // Act
    const printed = formatPath(path);

    // Assess
    expect(printed).toBe(
      '"Create snapshot" -> "Start waiting" -> ' +
        '("Wait for snapshot" -> "Describe snapshot" -> "Count snapshot poll" -> "Snapshot available?") ×90 -> ' +
        '"Snapshot wait timed out" -> "Snapshot created?"',
    );
  });

  it('collapses a state repeated back to back without parentheses', () => {
    expect(formatPath(['A', 'B', 'B', 'B', 'C'])).toBe('"A" -> "B" ×3 -> "C"');
  });

  it('keeps a run that occurs once, and separate loops apart', () => {
    expect(formatPath(['A', 'B', 'A', 'B', 'C', 'D', 'C', 'D', 'C', 'D', 'A'])).toBe(
      '("A" -> "B") ×2 -> ("C" -> "D") ×3 -> "A"',
    );
  });
});

describe('collapsePath', () => {
  it('loses no state: expanding the segments gives the path back', () => {
    // Prepare
    const path = ['Validate request', ...polls(3), 'X', 'X', ...polls(2), 'Verify snapshot'];

    // Act
    const segments = collapsePath(path);

    // Assess
    expect(segments.flatMap(({ states, times }) => Array.from({ length: times }, () => states).flat())).toEqual(path);
    expect(segments.map((s) => s.times)).toEqual([1, 3, 2, 2, 1]);
  });
});

describe('failure messages of the milestone matchers', () => {
  it('print the path with its loop iterations collapsed', () => {
    // Prepare
    const run = {
      status: 'FAILED' as const,
      error: 'WaitTimedOutError',
      cause: 'not available after 90 polls',
      path: ['Start waiting', ...polls(90), 'Snapshot wait timed out'],
      lambdaInvocations: [],
    };

    // Act
    const message = (() => {
      try {
        expect(run).toHaveFailedWith('ResourceFailedError');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();

    // Assess
    expect(message).toContain('to fail with ResourceFailedError');
    expect(message).toContain(
      'path: "Start waiting" -> ("Wait for snapshot" -> "Describe snapshot" -> "Count snapshot poll" -> "Snapshot available?") ×90 -> "Snapshot wait timed out"',
    );
    expect(message.match(/Describe snapshot/g)).toHaveLength(1);
  });
});

describe('sdkParameters', () => {
  it('names the state and prints the path with its loop iterations collapsed when the run made no call from it', () => {
    // Prepare
    const run = { sdkCalls: [], path: ['Start waiting', ...polls(90), 'Snapshot wait timed out'] };

    // Act
    const act = () => sdkParameters(run, 'Delete snapshot');

    // Assess
    expect(act).toThrow(
      'The run made no call from "Delete snapshot". Path: "Start waiting" -> ("Wait for snapshot" -> "Describe snapshot" -> "Count snapshot poll" -> "Snapshot available?") ×90 -> "Snapshot wait timed out"',
    );
  });
});
