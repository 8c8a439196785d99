/**
 * The shape of a command and of a command group, independent of the parsing library. A group
 * (`backup`, `executions`, ...) is one module exporting a `CommandGroup`; `registry.ts` lists the
 * groups and `program.ts` turns them into commander commands. Every command has the one shape
 * `<group> <command> <env> [args] [options]` (environment first, as in the seed's scripts).
 */
import type { CliDeps, ExitCode } from './context.js';

/** A command-specific option; the global ones (`--json`, `--region`, ...) are declared in `program.ts`. */
export interface OptionSpec {
  /** Commander flags with the value placeholder: `--reason <text>`, `--dry-run`, `--no-wait`. */
  readonly flags: string;
  readonly description: string;
  /**
   * Converts and checks the value; throw `UsageError` naming what is wrong (exit 2).
   * @default the value is kept as typed (a string, or a boolean for a flag)
   */
  readonly parse?: (value: string) => unknown;
}

/** A positional argument, always required. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
}

/** Options every command accepts (before or after the command words). */
export interface GlobalOptions {
  /** Machine output on stdout; progress goes to stderr only when stdout is a terminal. */
  readonly json: boolean;
  /** `--region`; @default the environment's configured region */
  readonly region: string | undefined;
  /** `--profile`; @default the SDK's default credential chain */
  readonly profile: string | undefined;
  /** Stack traces and SDK details on errors. */
  readonly debug: boolean;
}

/** One parsed invocation of a command. */
export interface Invocation {
  /** Positional arguments by their declared name. */
  readonly args: Readonly<Record<string, string>>;
  /** Command-specific options by commander's camelCase key (`dryRun`, `wait`, `retainDays`). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly global: GlobalOptions;
  /** `interactions-ops backup create-snapshot`: for messages that point at `--help`. */
  readonly commandPath: string;
}

/** One command of a group. */
export interface Command {
  readonly name: string;
  /** One line for command lists. */
  readonly summary: string;
  /** Longer help: what it does, what it needs. */
  readonly description: string;
  readonly arguments: readonly ArgumentSpec[];
  /** @default no command-specific option (unknown options are rejected) */
  readonly options?: readonly OptionSpec[];
  /** Argument lines shown after the program name in help. @default none */
  readonly examples?: readonly string[];
  /**
   * Runs when the group is given no command word (`verify-deployment prod ...` as `verify-deployment
   * run prod ...`): for a group whose one main command reads best without its word. At most one per
   * group. @default false
   */
  readonly isDefault?: boolean;
  /** Runs the command. Throw `UsageError` for bad input (exit 2), `CommandFailedError` for failures (exit 1). */
  readonly run: (invocation: Invocation, deps: CliDeps) => Promise<ExitCode>;
}

/** A group of commands under one word (`backup`). */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}
