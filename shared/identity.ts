/**
 * The function's identity for safety decisions: its environment and region come from its own
 * settings (set by the CDK app and the Lambda runtime), never from the payload. A payload may still
 * carry them (today's state machines send them); a mismatch is bad input, never silently trusted.
 */
import { ConfigurationError, ValidationError } from './errors.js';

/** Throws ValidationError when the payload's `field` is present and differs from the function's own value. */
export function assertSameIdentity(field: string, payload: string | undefined, own: string): void {
  if (payload === undefined || payload === own) return;
  const issue = `${field}: ${payload} does not match the function's own ${field} ${own}`;
  throw new ValidationError(`Invalid input: ${issue}`, { issues: [issue] });
}

/** The regions a function may work in: its own and, when configured, the environment's DR region. */
export interface RegionSettings {
  readonly AWS_REGION: string;
  /** The DR region (config.automation.drRegion); undefined where the function is not given one. */
  readonly DR_REGION?: string | undefined;
}

/**
 * Checks the region a payload asks for against the function's settings: its own region, or the DR
 * region for `role` 'dr'. A 'dr' call needs DR_REGION (the CDK app sets it on the functions of
 * workflows with a DR region): without it the function has no DR region, and a region taken from
 * the payload would let a malformed input choose where copies land and what is deleted.
 * Throws ConfigurationError when DR_REGION is missing (or is the function's own region),
 * ValidationError when the payload's region differs from it.
 */
export function assertAllowedRegion(region: string, role: 'source' | 'dr', settings: RegionSettings): void {
  if (role === 'source') {
    assertSameIdentity('region', region, settings.AWS_REGION);
    return;
  }
  if (settings.DR_REGION === undefined) {
    throw new ConfigurationError(
      `DR_REGION is not set: this function has no DR region, so it refuses the DR call for region ${region}`,
    );
  }
  if (settings.DR_REGION === settings.AWS_REGION) {
    throw new ConfigurationError(
      `DR_REGION is the function's own region ${settings.AWS_REGION}: a DR region must differ`,
    );
  }
  assertSameIdentity('region', region, settings.DR_REGION);
}
