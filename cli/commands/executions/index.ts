/** The `executions` command group: re-attach to a workflow run. */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { ENVIRONMENT_NAMES, loadConfig } from '../../../infra/config/index.js';
import { executionRegion, findExecutionArn, parseExecutionRef } from '../../aws/executions.js';
import type { Command, CommandGroup } from '../../command.js';
import { UsageError } from '../../context.js';
import { checkRegion } from '../../inputs.js';
import { type ContractSchema, followWithProgress, reportEnded, type SummaryRow } from '../../workflow-run.js';

/** Any output: watch serves every workflow, so it shows the output as it is. */
const anyOutput: ContractSchema<unknown> = { safeParse: (data) => ({ success: true, data }) };

function outputRows(output: unknown): SummaryRow[] {
  if (output === null || typeof output !== 'object' || Array.isArray(output))
    return [['output', JSON.stringify(output)]];
  return Object.entries(output).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}

/**
 * Region of a run named without its ARN: --region, else AWS_REGION, else the configured region when
 * every environment shares one.
 */
function regionForName(region: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (region !== undefined) return checkRegion(region, '--region');
  if (env.AWS_REGION) return checkRegion(env.AWS_REGION, 'AWS_REGION');
  const configured = [...new Set(ENVIRONMENT_NAMES.map((name) => loadConfig(name).region))];
  if (configured.length === 1 && configured[0]) return configured[0];
  throw new UsageError('an execution name needs --region <region> (or pass the execution ARN)');
}

const watch: Command = {
  name: 'watch',
  summary: 'Follow a running (or finished) workflow execution and print its result',
  description:
    'Re-attaches to an execution, e.g. after Ctrl-C or --no-wait: shows its progress until it ends, then its ' +
    'status, output and console link. Exits 0 when it SUCCEEDED, 1 otherwise. A name is looked up in every ' +
    'interactions-* state machine of the region; an ARN names its region itself.',
  arguments: [{ name: 'execution', description: 'execution ARN, or execution name (cli-...-20250601T101112)' }],
  examples: [
    'executions watch arn:aws:states:us-east-1:123456789012:execution:interactions-prod-on-demand-snapshot:cli-pre-migration-20250601T101112',
    'executions watch cli-pre-migration-20250601T101112 --region us-east-1',
  ],
  async run({ args, global }, deps) {
    const ref = parseExecutionRef(args.execution ?? '');
    const region = 'arn' in ref ? executionRegion(ref, global.region) : regionForName(global.region, deps.env);
    const { sfn } = deps.clients(region, { profile: global.profile });
    const executionArn = await findExecutionArn(sfn, ref, 'interactions-', region, deps.interrupt);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: deps.interrupt });
    const ended =
      described.status === 'RUNNING' || described.status === 'PENDING_REDRIVE'
        ? await followWithProgress(deps, global.json, sfn, {
            arn: executionArn,
            name: described.name ?? executionArn.split(':').pop() ?? '',
            startedAt: described.startDate ?? deps.now(),
          })
        : described;
    return reportEnded(deps, global.json, ended, executionArn, anyOutput, (output) => ({
      rows: outputRows(output),
      links: {},
    }));
  },
};

export const executionsCommands: CommandGroup = {
  name: 'executions',
  summary: 'Workflow executions: follow one again',
  commands: [watch],
};
