/** The drift check's schedule in config.verification: every environment has one, and a bad one is named. */
import { loadConfig } from '../../../infra/config/index.js';
import { defaultVerification, validateVerification } from '../../../infra/config/verification.js';

describe('verification.driftSchedule', () => {
  it.each(['dev', 'staging', 'prod'])('%s runs the drift check on a schedule', (env) => {
    expect(loadConfig(env).verification.driftSchedule).toMatch(/^(cron|rate)\(.+\)$/);
  });

  it('rejects an expression EventBridge would refuse, naming the field', () => {
    const config = { ...defaultVerification('/health', 31_536_000), driftSchedule: 'every 6 hours' };
    expect(validateVerification(config)).toEqual([
      "verification.driftSchedule: 'every 6 hours' is not an EventBridge cron(...) or rate(...) expression",
    ]);
  });
});
