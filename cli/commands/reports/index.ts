/** The `reports` command group: read the reports the workflows file in the reports bucket. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { executionConsoleUrl, s3ObjectConsoleUrl } from '../../../shared/console-links.js';
import { names } from '../../../shared/naming.js';
import { executionRegion, findExecutionArn, findReportLocations, parseExecutionRef } from '../../aws/executions.js';
import type { Command, CommandGroup } from '../../command.js';
import { CommandFailedError, EXIT, UsageError } from '../../context.js';
import { parseEnvironment, resolveRegion } from '../../inputs.js';

const show: Command = {
  name: 'show',
  summary: "Print an execution's report (Markdown, or the JSON report with --json)",
  description:
    'Finds the report the execution filed (its notify-outcome step records where) and prints it: the Markdown ' +
    'report, or with --json the JSON report as stored. The S3 location and console links go to stderr. ' +
    "The execution is an ARN or a name of one of the environment's workflows.",
  arguments: [
    { name: 'env', description: 'environment: dev, staging or prod' },
    { name: 'execution', description: 'execution ARN or name (cli-...-20250601T101112)' },
  ],
  examples: [
    'reports show prod cli-interactions-pre-migration-20250601T101112',
    'reports show prod <execution-arn> --json',
  ],
  async run({ args, global }, deps) {
    const environment = parseEnvironment(args.env);
    const ref = parseExecutionRef(args.execution ?? '');
    const prefix = `${names.prefix(environment)}-`;
    // Else another environment's report would be printed as this one's.
    if ('arn' in ref && !ref.stateMachine.startsWith(prefix)) {
      throw new UsageError(
        `the execution ARN is a run of '${ref.stateMachine}', not of a ${environment} workflow (${prefix}*)`,
      );
    }
    // An ARN names the execution's region; the reports bucket is in the environment's.
    const executionsRegion = 'arn' in ref ? executionRegion(ref, global.region) : undefined;
    const region = resolveRegion(environment, global, deps);
    const { sfn } = deps.clients(executionsRegion ?? region, { profile: global.profile });
    const { s3 } = deps.clients(region, { profile: global.profile });
    const executionArn = await findExecutionArn(sfn, ref, prefix, region, deps.interrupt);
    const reports = await findReportLocations(sfn, executionArn);
    if (!reports) {
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      throw new CommandFailedError(
        `execution ${executionArn.split(':').pop()} (${status ?? 'unknown status'}) has not filed a report` +
          `${status === 'RUNNING' ? ' yet' : ''}; console: ${executionConsoleUrl(executionArn)}`,
      );
    }
    const key = global.json ? reports.json : reports.markdown;
    const object = await s3.send(new GetObjectCommand({ Bucket: reports.bucket, Key: key }));
    deps.stdout((await object.Body?.transformToString('utf-8')) ?? '');
    deps.stderr(
      `report: s3://${reports.bucket}/${key}\n` +
        `report console: ${s3ObjectConsoleUrl({ bucket: reports.bucket, key, region })}\n` +
        `execution console: ${executionConsoleUrl(executionArn)}\n`,
    );
    return EXIT.ok;
  },
};

export const reportsCommands: CommandGroup = {
  name: 'reports',
  summary: 'Workflow reports: print the one an execution filed',
  commands: [show],
};
