/**
 * The commander program built from the registered command groups. Commander gives `--version`,
 * help at every level, typo suggestions and strict per-command options; this module only maps our
 * declarative `Command`s onto it and records which command the user reached, so usage errors can
 * point at that command's `--help`.
 */
import { Argument, Command as CommanderCommand, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import type { Command, CommandGroup, GlobalOptions, OptionSpec } from './command.js';
import { type CliDeps, EXIT, type ExitCode, UsageError } from './context.js';

/** The program's name, as installed by package.json `bin`. */
export const PROGRAM = 'interactions-ops';

const EXIT_CODES =
  'Exit codes: 0 success, 1 workflow or verification failed (or AWS refused, did not answer, no credentials),\n' +
  '2 usage error, 130 interrupted (Ctrl-C; the execution keeps running).';

/** What one parse learned, for the error report. */
export interface ParseState {
  /** Full path of the deepest command reached (`interactions-ops backup create-snapshot`). */
  commandPath: string;
  /** Names of the subcommands of that command, when it is a group. */
  subcommands: readonly string[];
  /** The commander message of a usage error, captured instead of printed. */
  commanderMessage?: string;
  /** Exit code returned by the command's run. */
  exitCode?: ExitCode;
  /** `--profile` of the command run, for an error about its credentials. */
  profile?: string;
}

function pathOf(command: CommanderCommand): string {
  const names: string[] = [];
  for (let current: CommanderCommand | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

function toCommanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  const { parse } = spec;
  if (parse) {
    option.argParser((value: string) => {
      try {
        return parse(value);
      } catch (error) {
        // Commander reports InvalidArgumentError as a usage error naming the option and value.
        throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
      }
    });
  }
  return option;
}

function globalOptions(program: CommanderCommand): GlobalOptions {
  const values = program.opts<{ json?: boolean; region?: string; profile?: string; debug?: boolean }>();
  return {
    json: values.json === true,
    region: values.region,
    profile: values.profile,
    debug: values.debug === true,
  };
}

function addCommand(
  parent: CommanderCommand,
  program: CommanderCommand,
  command: Command,
  deps: CliDeps,
  state: ParseState,
): void {
  const sub = parent
    .command(command.name, { isDefault: command.isDefault === true })
    .summary(command.summary)
    .description(command.description);
  for (const argument of command.arguments) sub.addArgument(new Argument(`<${argument.name}>`, argument.description));
  for (const option of command.options ?? []) sub.addOption(toCommanderOption(option));
  const examples = (command.examples ?? []).map((example) => `  ${PROGRAM} ${example}`).join('\n');
  sub.addHelpText('after', `${examples ? `\nExamples:\n${examples}\n` : ''}\n${EXIT_CODES}`);
  sub.action(async (...received: unknown[]) => {
    const values = received.slice(0, command.arguments.length) as string[];
    const args = Object.fromEntries(command.arguments.map((argument, index) => [argument.name, values[index] ?? '']));
    const global = globalOptions(program);
    state.profile = global.profile;
    state.exitCode = await command.run({ args, options: sub.opts(), global, commandPath: pathOf(sub) }, deps);
  });
}

/** The help command: `help`, `help backup`, `help backup create-snapshot` (commander's own stops at one word). */
function addHelpCommand(program: CommanderCommand, state: ParseState): void {
  program
    .command('help')
    .summary('show help for a command')
    .description('Show the help of the program, a group or a command.')
    .argument('[command...]', 'command words, e.g. backup create-snapshot')
    .action((words: string[]) => {
      let target: CommanderCommand = program;
      for (const word of words) {
        const next = target.commands.find((candidate) => candidate.name() === word);
        if (!next || next.name() === 'help') {
          const known = target.commands.map((candidate) => candidate.name()).filter((name) => name !== 'help');
          // The help worth reading is that of the last command found, not that of `help`.
          state.commandPath = pathOf(target);
          throw new UsageError(`unknown command '${word}' (${pathOf(target)} has: ${known.join(', ')})`);
        }
        target = next;
      }
      target.outputHelp();
      state.exitCode = EXIT.ok;
    });
}

/** Every command with its arguments, for the top-level help (commander lists only the groups). */
function everyCommandText(groups: readonly CommandGroup[]): string {
  const lines = groups.flatMap((group) =>
    group.commands.map((command) => ({
      usage: [group.name, command.name, ...command.arguments.map((argument) => `<${argument.name}>`)].join(' '),
      summary: command.summary,
    })),
  );
  const width = Math.max(...lines.map((line) => line.usage.length));
  return `All commands (run '${PROGRAM} help <group> <command>' for one):\n${lines
    .map((line) => `  ${line.usage.padEnd(width)}  ${line.summary}`)
    .join('\n')}\n`;
}

/** Builds a fresh program (commander keeps parsed values on the instances, so one per run). */
export function buildProgram(groups: readonly CommandGroup[], deps: CliDeps, state: ParseState): CommanderCommand {
  const program = new CommanderCommand(PROGRAM)
    .usage('<group> <command> <env> [args] [options]')
    .description(
      'Operator CLI of the interactions platform: starts and follows the automation workflows, lists backups.\n' +
        `From a checkout: npx ${PROGRAM} ... (after npm ci and npm run build:cli).`,
    )
    .version(packageJson.version, '-V, --version', 'print the version')
    .option('--json', 'machine-readable output on stdout')
    .option('--region <region>', "AWS region (default: the environment's configured region)")
    .option('--profile <name>', 'AWS named profile from ~/.aws/config (default: the SDK default chain)')
    .option('--debug', 'show stack traces and SDK details on errors')
    .helpCommand(false)
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', `\n${everyCommandText(groups)}\n${EXIT_CODES}`)
    .exitOverride()
    .configureOutput({
      writeOut: deps.stdout,
      // Only help shown for an incomplete command goes here; runCli prints a one-line error instead.
      writeErr: () => {},
      outputError: (message) => {
        state.commanderMessage = message;
      },
    });
  // Subcommands inherit the settings above (exit override, output, help); hooks are per command.
  const recordReached = (parent: CommanderCommand) =>
    parent.hook('preSubcommand', (_parent, sub) => {
      state.commandPath = pathOf(sub);
      state.subcommands = sub.commands.map((candidate) => candidate.name());
    });

  recordReached(program);
  state.commandPath = PROGRAM;
  for (const group of groups) {
    const groupCommand = program.command(group.name).summary(group.summary).description(group.summary);
    recordReached(groupCommand.helpCommand(false));
    for (const command of group.commands) addCommand(groupCommand, program, command, deps, state);
  }
  addHelpCommand(program, state);
  state.subcommands = program.commands.map((command) => command.name());
  return program;
}
