/** Validation of the inputs most commands share: environment and region. */
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../infra/config/index.js';
import { isAwsRegion } from '../shared/schemas.js';
import type { GlobalOptions } from './command.js';
import { type CliDeps, UsageError } from './context.js';

/** Longest part of a rejected value a usage error repeats. */
const ECHO_LIMIT = 40;

/**
 * A value the user typed, as an error message repeats it: control characters escaped (`\n`), and
 * cut to its first 40 characters with its length, so the error stays one readable line.
 */
export function shown(value: string): string {
  const escaped = (text: string) =>
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    text.replace(/[\u0000-\u001f\u007f]/g, (char) => JSON.stringify(char).slice(1, -1));
  return value.length > ECHO_LIMIT
    ? `${escaped(value.slice(0, ECHO_LIMIT))}... (${value.length} characters)`
    : escaped(value);
}

/** The environment argument, or a usage error listing the valid ones. */
export function parseEnvironment(value: string | undefined): EnvironmentName {
  if (value === undefined || value === '') {
    throw new UsageError(`missing environment: expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown environment '${shown(value)}': expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return value as EnvironmentName;
}

/** A region name as typed (shared/schemas.ts isAwsRegion), or a usage error naming where it came from. */
export function checkRegion(region: string, source: string): string {
  if (!isAwsRegion(region)) {
    throw new UsageError(
      `invalid region '${shown(region)}' (from ${source}): expected an AWS region such as us-east-1`,
    );
  }
  return region;
}

/**
 * The environment's configured region, unless `--region` says otherwise. AWS_REGION does not
 * override it (a shell left on another region would otherwise act on the wrong environment's
 * resources, or find none), but a disagreeing AWS_REGION is warned about.
 */
export function resolveRegion(environment: EnvironmentName, global: GlobalOptions, deps: CliDeps): string {
  if (global.region !== undefined) return checkRegion(global.region, '--region');
  const configured = loadConfig(environment).region;
  const fromEnv = deps.env.AWS_REGION;
  if (fromEnv && fromEnv !== configured) {
    deps.stderr(
      `warning: AWS_REGION=${fromEnv} ignored: ${environment} is configured in ${configured} (pass --region to override)\n`,
    );
  }
  return configured;
}
