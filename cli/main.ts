/**
 * Runs one CLI invocation and turns its outcome into an exit code: 0 success, 1 failure (workflow,
 * verification, AWS, credentials), 2 usage error, 130 interrupted. Every error is one line on stderr
 * (a usage error points at the `--help` of the command reached); `--debug` adds the stack.
 */
import { CommanderError } from 'commander';
import { ENVIRONMENT_NAMES } from '../infra/config/index.js';
import { describeAwsError } from './aws/errors.js';
import type { CommandGroup } from './command.js';
import { type CliDeps, CommandFailedError, EXIT, type ExitCode, InterruptedError, UsageError } from './context.js';
import { buildProgram, type ParseState, PROGRAM } from './program.js';
import { COMMAND_GROUPS } from './registry.js';

export { PROGRAM };

/** Runs one CLI invocation; never throws, never calls process.exit. */
export async function runCli(
  argv: readonly string[],
  deps: CliDeps,
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
): Promise<ExitCode> {
  const state: ParseState = { commandPath: PROGRAM, subcommands: [] };
  // Known before parsing, so even a parse error can be reported with its stack.
  const debug = argv.includes('--debug');
  try {
    const program = buildProgram(groups, deps, state);
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(error, deps, state, debug, argv);
  }
}

function usageLine(message: string, state: ParseState): string {
  return `error: ${message}. See '${state.commandPath} --help'.\n`;
}

/** Commander's message without its `error: ` prefix, its suggestion folded into the same line. */
function commanderMessage(error: CommanderError, state: ParseState): string {
  const raw = (state.commanderMessage ?? error.message).trim().replace(/^error: /, '');
  return (
    raw
      .replace(/\.?\n\(Did you mean (.+)\?\)$/, ' (did you mean $1?)')
      // An option parser's reason follows commander's "argument 'x' is invalid." as its own clause.
      .replace(/ is invalid\. /, ' is invalid: ')
      .replace(/\.$/, '')
      .replace(/\n/g, ' ')
  );
}

const isEnvironment = (word: string | undefined) => (ENVIRONMENT_NAMES as readonly string[]).includes(word ?? '');

/**
 * The seed's scripts put the environment first (`backup.sh create-snapshot prod ...`), so an
 * environment typed where a command belongs, or given to a command that takes none, is a habit
 * worth naming instead of only "unknown command" or "too many arguments".
 */
function environmentHint(error: CommanderError, argv: readonly string[]): string {
  if (error.code === 'commander.unknownCommand' && argv.some((word, i) => i < 2 && isEnvironment(word))) {
    return ' (the environment goes after the command: <group> <command> <env>)';
  }
  if (error.code === 'commander.excessArguments' && argv[0] === 'executions' && isEnvironment(argv[2])) {
    return ' (executions watch takes no environment: executions watch <arn|name>)';
  }
  return '';
}

function reportError(
  error: unknown,
  deps: CliDeps,
  state: ParseState,
  debug: boolean,
  argv: readonly string[],
): ExitCode {
  if (error instanceof CommanderError) {
    // --help, --version and `help` end as "errors" with exit code 0 under exitOverride.
    if (error.exitCode === 0) return EXIT.ok;
    if (error.code === 'commander.help') {
      const choices = state.subcommands.filter((name) => name !== 'help').join(', ');
      deps.stderr(usageLine(`missing command after '${state.commandPath}': one of ${choices}`, state));
      return EXIT.usage;
    }
    deps.stderr(usageLine(commanderMessage(error, state) + environmentHint(error, argv), state));
    return EXIT.usage;
  }
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  if (error instanceof UsageError) {
    deps.stderr(usageLine(error.message, state) + stack);
    return EXIT.usage;
  }
  if (error instanceof InterruptedError) {
    deps.stderr(`\n${error.message}\n`);
    return EXIT.interrupted;
  }
  if (error instanceof CommandFailedError) {
    deps.stderr(`error: ${error.message}\n${stack}`);
    return EXIT.failed;
  }
  deps.stderr(`error: ${describeAwsError(error, state.profile)}${debug ? '' : ' (--debug shows details)'}\n${stack}`);
  return EXIT.failed;
}
