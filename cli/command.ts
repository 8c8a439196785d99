/**
 * The shape of a command and of a command group. A group (`backup`, `drill`, ...) is one module that
 * exports a `CommandGroup`; `registry.ts` lists the groups, and `main.ts` parses and routes by it.
 */
import type { CliDeps, ExitCode } from './context.js';

/** A command-specific option; global options (`--json`, `--region`, ...) are declared in `main.ts`. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** Placeholder shown in help (`--reason <text>`). */
  readonly valueName?: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
}

/** Options every command accepts. */
export interface GlobalOptions {
  /** Machine output on stdout; progress goes to stderr only when stdout is a terminal. */
  readonly json: boolean;
  /** Only read: show what would happen, mutate nothing. */
  readonly dryRun: boolean;
  readonly region: string | undefined;
  /** `--wait` / `--no-wait`; undefined leaves the command's own default. */
  readonly wait: boolean | undefined;
}

export interface Invocation {
  /** Positional arguments by their declared name. */
  readonly args: Readonly<Record<string, string>>;
  /** Command-specific options by name (as declared, kebab-case). */
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  readonly global: GlobalOptions;
}

export interface Command {
  /** Sub-command name within its group; omitted when the group itself is the command (`verify-deployment`). */
  readonly name?: string;
  readonly summary: string;
  /** Longer help: what it does, what it needs. */
  readonly description: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
  /** Runs the command. Throw `UsageError` for bad input (exit 2), `CommandFailedError` for failures (exit 1). */
  readonly run: (invocation: Invocation, deps: CliDeps) => Promise<ExitCode>;
}

export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}
