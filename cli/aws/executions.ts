/**
 * Finding an execution by ARN or name, and the reports it wrote: what `executions watch` and
 * `reports show` need besides following.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  paginateGetExecutionHistory,
  paginateListStateMachines,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { parseExecutionArn } from '../../shared/console-links.js';
import { CommandFailedError, UsageError } from '../context.js';
import { checkRegion, shown } from '../inputs.js';

const EXECUTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/** An execution as the user named it: by ARN (which carries its region and state machine) or by name. */
export type ExecutionRef =
  | { readonly arn: string; readonly region: string; readonly stateMachine: string }
  | { readonly name: string };

/** Checks what the user typed, before any AWS call. */
export function parseExecutionRef(value: string): ExecutionRef {
  const arn = parseExecutionArn(value);
  if (arn) return { arn: value, region: checkRegion(arn.region, 'the execution ARN'), stateMachine: arn.stateMachine };
  if (!EXECUTION_NAME_PATTERN.test(value)) {
    throw new UsageError(
      `'${shown(value)}' is neither an execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>) nor an execution name`,
    );
  }
  return { name: value };
}

/**
 * The region of an execution named by ARN: its own, since Step Functions finds an execution only
 * there. A `--region` that says otherwise is a usage error rather than silently ignored.
 */
export function executionRegion(ref: { readonly region: string }, regionOption: string | undefined): string {
  if (regionOption !== undefined && checkRegion(regionOption, '--region') !== ref.region) {
    throw new UsageError(
      `--region ${regionOption} disagrees with the execution ARN's region ${ref.region} (an execution is only found in its own region)`,
    );
  }
  return ref.region;
}

/**
 * The ARN of the execution `ref`: an ARN is returned as is; a name is looked for in every state
 * machine whose name starts with `machinePrefix` (DescribeExecution on each candidate ARN).
 */
export async function findExecutionArn(
  sfn: SFNClient,
  ref: ExecutionRef,
  machinePrefix: string,
  region: string,
  signal?: AbortSignal,
): Promise<string> {
  if ('arn' in ref) return ref.arn;
  const nameOrArn = ref.name;
  const candidates: string[] = [];
  for await (const page of paginateListStateMachines({ client: sfn }, {})) {
    for (const machine of page.stateMachines ?? []) {
      if (machine.name?.startsWith(machinePrefix) && machine.stateMachineArn) {
        candidates.push(`${machine.stateMachineArn.replace(':stateMachine:', ':execution:')}:${nameOrArn}`);
      }
    }
  }
  const found = await Promise.all(
    candidates.map(async (arn) => ((await describeIfExists(sfn, arn, signal)) ? arn : undefined)),
  );
  const matches = found.filter((arn): arn is string => arn !== undefined);
  if (matches.length === 0) {
    throw new CommandFailedError(
      `no execution named '${nameOrArn}' in the ${machinePrefix}* state machines of ${region} (${candidates.length} searched)`,
    );
  }
  if (matches.length > 1) {
    throw new UsageError(`several executions are named '${nameOrArn}': pass one ARN of ${matches.join(', ')}`);
  }
  return matches[0] as string;
}

async function describeIfExists(
  sfn: SFNClient,
  executionArn: string,
  signal: AbortSignal | undefined,
): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: signal });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

/** Where notify-outcome filed an execution's reports. */
export interface ReportLocations {
  readonly bucket: string;
  readonly json: string;
  readonly markdown: string;
}

function reportsIn(output: string | undefined): ReportLocations | undefined {
  if (!output) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return undefined;
  }
  // A Lambda task with payloadResponseOnly reports the function's result; the lambda:invoke
  // integration wraps it in `Payload`.
  const result = (parsed as { Payload?: unknown })?.Payload ?? parsed;
  const reports = (result as { reports?: Partial<ReportLocations> } | null)?.reports;
  if (typeof reports?.bucket === 'string' && typeof reports.json === 'string' && typeof reports.markdown === 'string') {
    return { bucket: reports.bucket, json: reports.json, markdown: reports.markdown };
  }
  return undefined;
}

/**
 * The reports an execution wrote, read from its history (the notify-outcome task's result), newest
 * first, so the key scheme lives in one place (the notifier). Undefined when none was written.
 */
export async function findReportLocations(sfn: SFNClient, executionArn: string): Promise<ReportLocations | undefined> {
  const pages = paginateGetExecutionHistory(
    { client: sfn, pageSize: 100 },
    { executionArn, reverseOrder: true, includeExecutionData: true },
  );
  for await (const page of pages) {
    for (const event of page.events ?? []) {
      const found =
        reportsIn(event.lambdaFunctionSucceededEventDetails?.output) ??
        reportsIn(event.taskSucceededEventDetails?.output);
      if (found) return found;
    }
  }
  return undefined;
}
