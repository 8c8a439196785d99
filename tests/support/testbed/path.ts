/**
 * A run's path as a failure message prints it. A wait loop enters the same few states once per poll,
 * so a timed-out run's path is hundreds of states long; consecutive repeats of a run of states are
 * printed once with their count: `("Wait for snapshot" -> "Describe snapshot") ×90`.
 */

/** One printed step: `states` entered `times` times in a row. */
export interface PathSegment {
  readonly states: readonly string[];
  readonly times: number;
}

/** Longest run of states looked for as a repeating unit (a poll loop has four). */
const MAX_CYCLE = 20;

/** How often `path[from, from + length)` repeats back to back from `from`. */
function repeats(path: readonly string[], from: number, length: number): number {
  let times = 1;
  while (from + (times + 1) * length <= path.length) {
    const start = from + times * length;
    let same = true;
    for (let k = 0; k < length && same; k++) same = path[start + k] === path[from + k];
    if (!same) break;
    times++;
  }
  return times;
}

/**
 * The path as segments, left to right: at each position the repeating unit that covers the most
 * states (the shortest unit on a tie) when it repeats at least twice, else the single state.
 */
export function collapsePath(path: readonly string[]): PathSegment[] {
  const segments: PathSegment[] = [];
  let at = 0;
  while (at < path.length) {
    let best = { length: 1, times: 1 };
    const longest = Math.min(MAX_CYCLE, Math.floor((path.length - at) / 2));
    for (let length = 1; length <= longest; length++) {
      const times = repeats(path, at, length);
      if (times > 1 && length * times > best.length * best.times) best = { length, times };
    }
    segments.push({ states: path.slice(at, at + best.length), times: best.times });
    at += best.length * best.times;
  }
  return segments;
}

/** `"A" -> ("B" -> "C") ×3 -> "D"`: the path with its repeats collapsed (see the module comment). */
export function formatPath(path: readonly string[]): string {
  return collapsePath(path)
    .map(({ states, times }) => {
      const quoted = states.map((state) => JSON.stringify(state)).join(' -> ');
      if (times === 1) return quoted;
      return states.length === 1 ? `${quoted} ×${times}` : `(${quoted}) ×${times}`;
    })
    .join(' -> ');
}
