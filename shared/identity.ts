/**
 * The function's identity for safety decisions: its environment and region come from its own
 * settings (set by the CDK app and the Lambda runtime), never from the payload. A payload may still
 * carry them (today's state machines send them); a mismatch is bad input, never silently trusted.
 */
import { ValidationError } from './errors.js';
import { logger } from './powertools.js';

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
 * region for `role` 'dr'. Until the state machines set DR_REGION on the functions, a 'dr' region
 * other than the function's own is accepted with a warning in the logs (the environment's tags
 * and name prefix still scope every call), so the gap is visible rather than silent.
 */
export function assertAllowedRegion(region: string, role: 'source' | 'dr', settings: RegionSettings): void {
  if (role === 'source') {
    assertSameIdentity('region', region, settings.AWS_REGION);
    return;
  }
  if (settings.DR_REGION !== undefined) {
    assertSameIdentity('region', region, settings.DR_REGION);
    return;
  }
  if (region === settings.AWS_REGION) {
    const issue = `region: ${region} is the function's own region, not a DR region`;
    throw new ValidationError(`Invalid input: ${issue}`, { issues: [issue] });
  }
  logger.warn('DR_REGION is not set: using the DR region the payload names', { region });
}
