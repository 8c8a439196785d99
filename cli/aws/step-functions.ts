/**
 * Starting and following Step Functions executions, shared by every command that runs a workflow
 * (snapshots now; drills and deployment verification later).
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  paginateListStateMachines,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { CommandFailedError } from '../context.js';

/** Step Functions limit on execution names. */
export const EXECUTION_NAME_MAX_LENGTH = 80;

/** Finds a state machine's ARN by name (ListStateMachines, all pages), so users never type ARNs. */
export async function findStateMachineArn(sfn: SFNClient, name: string, region: string): Promise<string> {
  for await (const page of paginateListStateMachines({ client: sfn }, {})) {
    const match = page.stateMachines?.find((machine) => machine.name === name);
    if (match?.stateMachineArn) return match.stateMachineArn;
  }
  throw new CommandFailedError(
    `state machine '${name}' not found in ${region}: is the automation stack deployed in this account and region?`,
  );
}

/** `yyyymmddThhmmss` in UTC. */
export function compactTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:]/g, '');
}

/**
 * `<prefix>-<label>-<yyyymmddThhmmss>`, at most 80 characters of `[A-Za-z0-9-_]`. The label is
 * shortened, never the timestamp, so two runs a second apart still get distinct names.
 */
export function executionName(prefix: string, label: string, date: Date): string {
  const suffix = `-${compactTimestamp(date)}`;
  const room = EXECUTION_NAME_MAX_LENGTH - prefix.length - 1 - suffix.length;
  const safeLabel = label
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, Math.max(0, room))
    .replace(/-+$/, '');
  return `${prefix}${safeLabel ? `-${safeLabel}` : ''}${suffix}`;
}

export interface FollowOptions {
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly pollIntervalMs: number;
  /** Called once per state entered, in order. */
  readonly onStateEntered: (stateName: string, event: HistoryEvent) => void;
  /** Called after every poll that found the execution still running. @default nothing */
  readonly onPoll?: (execution: DescribeExecutionCommandOutput) => void;
  /** Stops following (Ctrl-C): pending calls and the sleep are aborted. @default never */
  readonly signal?: AbortSignal;
}

/**
 * Polls until the execution leaves RUNNING. History is read newest-first and only up to the last
 * event already seen, so a long execution costs one short page per poll.
 */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  options: FollowOptions,
): Promise<DescribeExecutionCommandOutput> {
  let lastSeenId = 0;
  for (;;) {
    // Describe before reading history: once it reports a terminal status, the history read
    // afterwards holds every state the execution entered.
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: options.signal });
    const events = await newEvents(sfn, executionArn, lastSeenId, options.signal);
    for (const event of events) {
      lastSeenId = Math.max(lastSeenId, event.id ?? 0);
      const entered = event.stateEnteredEventDetails?.name;
      if (event.type?.endsWith('StateEntered') && entered) options.onStateEntered(entered, event);
    }
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') return execution;
    options.onPoll?.(execution);
    await options.sleep(options.pollIntervalMs, options.signal);
  }
}

async function newEvents(
  sfn: SFNClient,
  executionArn: string,
  afterId: number,
  signal: AbortSignal | undefined,
): Promise<HistoryEvent[]> {
  const collected: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        includeExecutionData: false,
        maxResults: 100,
        nextToken,
      }),
      { abortSignal: signal },
    );
    const events = page.events ?? [];
    const fresh = events.filter((event) => (event.id ?? 0) > afterId);
    collected.push(...fresh);
    // Newest first: once a page reaches an event already seen, older pages hold nothing new.
    if (fresh.length < events.length) break;
    nextToken = page.nextToken;
  } while (nextToken);
  return collected.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

/** The failure of a finished execution, with a Lambda's JSON cause reduced to its message. */
export function describeFailure(execution: DescribeExecutionCommandOutput): { error: string; cause: string } {
  const error = execution.error ?? execution.status ?? 'unknown error';
  const raw = execution.cause ?? '';
  let cause = raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed && typeof parsed.errorMessage === 'string') {
      cause = parsed.errorMessage;
    }
  } catch {
    // Not JSON: the cause is already a sentence.
  }
  return { error, cause: cause || '(no cause given)' };
}
