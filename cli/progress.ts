/**
 * Progress of a followed execution on stderr. On a terminal: one line, rewritten in place, with the
 * current state, how often a polling loop has come back to it and the elapsed time. Elsewhere (CI
 * logs): timestamped lines, one per state entered the first time; loop iterations are collapsed into
 * one "↻" line with counts, written when the loop is left, at the end, or every 10 minutes of looping.
 */
import type { CliDeps } from './context.js';
import { formatDuration, isoSeconds } from './format.js';

/** What the follow loop reports. */
export interface ProgressReporter {
  /** The execution started (or was found running) at `startedAt`. */
  started(executionName: string, startedAt: Date): void;
  /** A state was entered at `at` (the history event's time). */
  stateEntered(state: string, at: Date): void;
  /** A poll happened: the terminal line refreshes its elapsed time. */
  polled(): void;
  /** The execution ended with `status` at `at`; ends the terminal line. */
  finished(status: string, at: Date): void;
  /** Following stopped (Ctrl-C); ends the terminal line. */
  stopped(): void;
}

const SILENT: ProgressReporter = {
  started: () => {},
  stateEntered: () => {},
  polled: () => {},
  finished: () => {},
  stopped: () => {},
};

/** Loop lines are written at least this often while a loop keeps going, so a CI log shows life. */
const LOOP_HEARTBEAT_MS = 10 * 60_000;
const CLEAR_LINE = '\r\x1b[2K';
/** Characters of the execution name kept however narrow the terminal. */
const MIN_NAME_LENGTH = 5;
const ELLIPSIS = '…';

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, Math.max(0, length - 1))}${ELLIPSIS}`;
}

/**
 * `name: rest` within `columns - 1` characters (a line that wraps cannot be rewritten in place, and
 * writing the last column wraps on some terminals): the name is shortened first, then the whole line.
 */
function fitLine(name: string, rest: string, columns: number | undefined): string {
  const full = `${name}: ${rest}`;
  if (columns === undefined || columns <= 0 || full.length < columns) return full;
  const width = columns - 1;
  const nameRoom = Math.max(MIN_NAME_LENGTH + 1, width - rest.length - 2);
  return shorten(`${shorten(name, nameRoom)}: ${rest}`, width);
}

/** The reporter for this run: silent when `enabled` is false, else line or log style by `deps.stderrIsTty`. */
export function createProgress(deps: CliDeps, enabled: boolean): ProgressReporter {
  if (!enabled) return SILENT;
  return deps.stderrIsTty ? terminalProgress(deps) : logProgress(deps);
}

function terminalProgress(deps: CliDeps): ProgressReporter {
  let name = '';
  let startedAt = deps.now();
  let state = 'starting';
  const visits = new Map<string, number>();
  const elapsed = (until = deps.now()) => formatDuration(until.getTime() - startedAt.getTime());
  const render = () => {
    const count = visits.get(state) ?? 0;
    const rest = `${state}${count > 1 ? ` (×${count})` : ''} · ${elapsed()}`;
    deps.stderr(`${CLEAR_LINE}${fitLine(name, rest, deps.stderrColumns?.())}`);
  };
  return {
    started(executionName, at) {
      name = executionName;
      startedAt = at;
      render();
    },
    stateEntered(entered) {
      state = entered;
      visits.set(entered, (visits.get(entered) ?? 0) + 1);
      render();
    },
    polled: render,
    finished(status, at) {
      deps.stderr(`${CLEAR_LINE}${name}: ${status} after ${elapsed(at)}\n`);
    },
    stopped() {
      deps.stderr('\n');
    },
  };
}

function logProgress(deps: CliDeps): ProgressReporter {
  const visits = new Map<string, number>();
  /** States re-entered since the last line, in first-repeat order. */
  const looping = new Set<string>();
  let lastLineAt: Date | undefined;
  let lastEventAt: Date | undefined;
  const line = (at: Date, text: string) => {
    deps.stderr(`${isoSeconds(at)} ${text}\n`);
    lastLineAt = at;
  };
  const flushLoop = () => {
    if (looping.size === 0 || !lastEventAt) return;
    line(lastEventAt, `↻ ${[...looping].map((state) => `${state} ×${visits.get(state)}`).join(', ')}`);
    looping.clear();
  };
  return {
    started(executionName, at) {
      line(at, `started ${executionName}`);
    },
    stateEntered(state, at) {
      const count = (visits.get(state) ?? 0) + 1;
      visits.set(state, count);
      if (count === 1) {
        // The loop line carries the time of the loop's last iteration, so flush before moving on.
        flushLoop();
        lastEventAt = at;
        line(at, `→ ${state}`);
        return;
      }
      lastEventAt = at;
      looping.add(state);
      if (lastLineAt && at.getTime() - lastLineAt.getTime() >= LOOP_HEARTBEAT_MS) flushLoop();
    },
    polled: () => {},
    finished(status, at) {
      flushLoop();
      line(at, status);
    },
    stopped: flushLoop,
  };
}
