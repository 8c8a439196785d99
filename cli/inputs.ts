/** Validation of the inputs most commands share: environment and region. */
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../infra/config/types.js';
import type { GlobalOptions } from './command.js';
import { UsageError } from './context.js';

export function parseEnvironment(value: string | undefined): EnvironmentName {
  if (value === undefined || value === '') {
    throw new UsageError(`missing environment: expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown environment '${value}': expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return value as EnvironmentName;
}

/** `--region` wins over AWS_REGION; neither is a usage error naming both. */
export function resolveRegion(global: GlobalOptions, env: Readonly<Record<string, string | undefined>>): string {
  const region = global.region ?? env.AWS_REGION;
  if (region === undefined || region.trim() === '') {
    throw new UsageError('no AWS region: pass --region <region> or set AWS_REGION');
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`invalid region '${region}' (from ${global.region ? '--region' : 'AWS_REGION'})`);
  }
  return region;
}
