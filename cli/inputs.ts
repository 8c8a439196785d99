/** Validation of the inputs most commands share: environment, region, execution ARNs. */
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../infra/config/index.js';
import type { GlobalOptions } from './command.js';
import { type CliDeps, UsageError } from './context.js';

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The environment argument, or a usage error listing the valid ones. */
export function parseEnvironment(value: string | undefined): EnvironmentName {
  if (value === undefined || value === '') {
    throw new UsageError(`missing environment: expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown environment '${value}': expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return value as EnvironmentName;
}

/** A region name as typed, or a usage error naming where it came from. */
export function checkRegion(region: string, source: string): string {
  if (!REGION_PATTERN.test(region)) throw new UsageError(`invalid region '${region}' (from ${source})`);
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

/** The parts of a Step Functions execution ARN. */
export interface ExecutionArnParts {
  readonly region: string;
  readonly account: string;
  readonly stateMachineName: string;
  readonly executionName: string;
}

/** Splits `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`; undefined for anything else. */
export function parseExecutionArn(value: string): ExecutionArnParts | undefined {
  const match = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/.exec(value);
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) return undefined;
  return { region: match[1], account: match[2], stateMachineName: match[3], executionName: match[4] };
}
