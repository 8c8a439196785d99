/**
 * Parses argv, routes to a registered command and turns its outcome into an exit code:
 * 0 success, 1 failure (workflow, verification, AWS), 2 usage error. `--help` works at every level
 * and never builds an AWS client.
 */
import { parseArgs } from 'node:util';
import type { Command, CommandGroup, GlobalOptions, OptionSpec } from './command.js';
import { type CliDeps, CommandFailedError, EXIT, type ExitCode, UsageError } from './context.js';
import { formatTable } from './format.js';
import { COMMAND_GROUPS } from './registry.js';

export const PROGRAM = 'interactions-ops';

const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'machine-readable output on stdout' },
  'dry-run': { type: 'boolean', description: 'read only: show what would happen, change nothing' },
  region: { type: 'string', valueName: 'region', description: 'AWS region (default: AWS_REGION)' },
  wait: {
    type: 'boolean',
    description: 'follow the started execution to its end (--no-wait: print its ARN and return)',
  },
  help: { type: 'boolean', description: 'show help' },
};

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function toParseOptions(...specs: Readonly<Record<string, OptionSpec>>[]): ParseOptions {
  const options: NonNullable<ParseOptions> = {};
  for (const spec of specs) {
    for (const [name, option] of Object.entries(spec)) options[name] = { type: option.type };
  }
  options.help = { type: 'boolean', short: 'h' };
  return options;
}

/** Runs one CLI invocation; never throws, never calls process.exit. */
export async function runCli(
  argv: readonly string[],
  deps: CliDeps,
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
): Promise<ExitCode> {
  let helpForError: string | undefined;
  try {
    // First pass, lenient: find the command words. Every known option is declared so that the
    // value of a string option (`--region eu-west-1`) is not mistaken for a command word.
    const everyOption = toParseOptions(
      GLOBAL_OPTIONS,
      ...groups.flatMap((group) => group.commands.map((command) => command.options ?? {})),
    );
    const loose = parseArgs({
      args: [...argv],
      options: everyOption,
      allowPositionals: true,
      allowNegative: true,
      strict: false,
    });
    const wantsHelp = loose.values.help === true;
    const [groupName, subName] = loose.positionals;

    if (groupName === undefined) {
      if (wantsHelp) return printHelp(deps, topHelp(groups));
      throw new UsageError('missing command', topHelp(groups));
    }
    const group = groups.find((candidate) => candidate.name === groupName);
    if (!group) {
      throw new UsageError(`unknown command '${groupName}'`, topHelp(groups));
    }
    const selfCommand = group.commands.find((command) => command.name === undefined);
    let command: Command | undefined = selfCommand;
    let wordCount = 1;
    if (!selfCommand) {
      if (subName === undefined) {
        if (wantsHelp) return printHelp(deps, groupHelp(group));
        throw new UsageError(`missing ${group.name} command`, groupHelp(group));
      }
      command = group.commands.find((candidate) => candidate.name === subName);
      if (!command) throw new UsageError(`unknown ${group.name} command '${subName}'`, groupHelp(group));
      wordCount = 2;
    }
    if (!command) throw new UsageError(`unknown command '${groupName}'`, topHelp(groups));

    const help = commandHelp(group, command);
    helpForError = help;
    if (wantsHelp) return printHelp(deps, help);

    // Second pass, strict: only this command's and the global options are accepted.
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...argv],
        options: toParseOptions(GLOBAL_OPTIONS, command.options ?? {}),
        allowPositionals: true,
        allowNegative: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error), help);
    }
    const rest = parsed.positionals.slice(wordCount);
    const args: Record<string, string> = {};
    command.positionals.forEach((positional, index) => {
      const value = rest[index];
      if (value === undefined) {
        throw new UsageError(`missing argument <${positional.name}>: ${positional.description}`, help);
      }
      args[positional.name] = value;
    });
    if (rest.length > command.positionals.length) {
      throw new UsageError(`unexpected argument '${rest[command.positionals.length]}'`, help);
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const global: GlobalOptions = {
      json: values.json === true,
      dryRun: values['dry-run'] === true,
      region: typeof values.region === 'string' ? values.region : undefined,
      wait: typeof values.wait === 'boolean' ? values.wait : undefined,
    };
    const options = Object.fromEntries(Object.keys(command.options ?? {}).map((name) => [name, values[name]]));
    return await command.run({ args, options, global }, deps);
  } catch (error) {
    return reportError(error, deps, helpForError);
  }
}

function reportError(error: unknown, deps: CliDeps, help: string | undefined): ExitCode {
  if (error instanceof UsageError) {
    deps.stderr(`error: ${error.message}\n\n${error.help ?? help ?? ''}`);
    return EXIT.usage;
  }
  if (error instanceof CommandFailedError) {
    deps.stderr(`error: ${error.message}\n`);
    return EXIT.failed;
  }
  if (error instanceof Error) {
    const hint =
      error.name === 'CredentialsProviderError'
        ? ' (no AWS credentials found: configure a profile or export AWS_* variables)'
        : '';
    // AWS service errors carry their code in `name` (AccessDenied, ThrottlingException): keep it.
    const label = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    deps.stderr(`error: ${label}${error.message}${hint}\n`);
    return EXIT.failed;
  }
  deps.stderr(`error: ${String(error)}\n`);
  return EXIT.failed;
}

function printHelp(deps: CliDeps, text: string): ExitCode {
  deps.stdout(text);
  return EXIT.ok;
}

function optionRows(options: Readonly<Record<string, OptionSpec>>): string[][] {
  return Object.entries(options).map(([name, option]) => [
    `  --${name}${option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : ''}`,
    option.description,
  ]);
}

function columns(rows: readonly (readonly string[])[]): string {
  // formatTable pads like we want; the first row is the "header", so feed it the first entry.
  const [first, ...others] = rows;
  return first ? formatTable(first, others) : '';
}

const EXIT_CODES = 'Exit codes: 0 success, 1 workflow or verification failed, 2 usage error.\n';

export function topHelp(groups: readonly CommandGroup[]): string {
  const commandRows = groups.flatMap((group) =>
    group.commands.map((command) => [`  ${[group.name, command.name].filter(Boolean).join(' ')}`, command.summary]),
  );
  return (
    `Usage: ${PROGRAM} <command> [options]   (from a checkout: npm run --silent ops -- <command> [options])\n\n` +
    `Commands:\n${columns(commandRows)}\nGlobal options:\n${columns(optionRows(GLOBAL_OPTIONS))}\n` +
    `Run '${PROGRAM} <command> --help' for a command's arguments and examples.\n${EXIT_CODES}`
  );
}

function groupHelp(group: CommandGroup): string {
  const rows = group.commands.map((command) => [`  ${group.name} ${command.name ?? ''}`.trimEnd(), command.summary]);
  return `Usage: ${PROGRAM} ${group.name} <command> [options]\n\n${group.summary}\n\nCommands:\n${columns(rows)}`;
}

function commandHelp(group: CommandGroup, command: Command): string {
  const path = [group.name, command.name].filter(Boolean).join(' ');
  const usage = [PROGRAM, path, ...command.positionals.map((positional) => `<${positional.name}>`), '[options]'].join(
    ' ',
  );
  const sections = [`Usage: ${usage}\n\n${command.summary}.\n\n${command.description}\n`];
  if (command.positionals.length > 0) {
    sections.push(
      `Arguments:\n${columns(command.positionals.map((positional) => [`  <${positional.name}>`, positional.description]))}`,
    );
  }
  if (command.options && Object.keys(command.options).length > 0) {
    sections.push(`Options:\n${columns(optionRows(command.options))}`);
  }
  sections.push(`Global options:\n${columns(optionRows(GLOBAL_OPTIONS))}`);
  if (command.examples?.length) {
    sections.push(`Examples:\n${command.examples.map((example) => `  ${PROGRAM} ${example}`).join('\n')}\n`);
  }
  sections.push(EXIT_CODES);
  return sections.join('\n');
}
