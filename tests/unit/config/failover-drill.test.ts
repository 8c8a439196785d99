/** config.failoverDrill: each environment's choice and every validation message. */
import { type FailoverDrillConfig, validateFailoverDrillConfig } from '../../../infra/config/failover-drill.js';
import { loadConfig } from '../../../infra/config/index.js';

const valid: FailoverDrillConfig = {
  enabled: true,
  schedule: 'cron(0 10 ? 3,9 TUE#2 *)',
  scheduleEnabled: true,
  changeFreezes: [{ from: '2026-11-20T00:00:00Z', until: '2026-12-01T00:00:00Z', reason: 'peak season' }],
  cacheInterruptionMinutes: 5,
  experimentBudgetMinutes: 30,
  probeWindowSeconds: 60,
};

describe('failoverDrill config', () => {
  it('runs in staging, not in dev or prod by default', () => {
    expect(loadConfig('staging').failoverDrill.enabled).toBe(true);
    expect(loadConfig('dev').failoverDrill.enabled).toBe(false);
    expect(loadConfig('prod').failoverDrill.enabled).toBe(false);
  });

  it('accepts a valid section', () => {
    expect(validateFailoverDrillConfig(valid, true)).toEqual([]);
  });

  it('names every bad field', () => {
    const problems = validateFailoverDrillConfig(
      {
        ...valid,
        schedule: 'rate(180 days)',
        cacheInterruptionMinutes: 0,
        experimentBudgetMinutes: 0,
        probeWindowSeconds: 5,
        changeFreezes: [{ from: '2026-12-01', until: '2026-11-01T00:00:00Z', reason: ' ' }],
      },
      false,
    );
    expect(problems).toEqual([
      'failoverDrill.enabled: the drill fails over to the standby, so database.multiAz and cache.multiAz must be true',
      "failoverDrill.schedule: 'rate(180 days)' is not an EventBridge cron(...) expression",
      'failoverDrill.cacheInterruptionMinutes: must be a whole number of minutes from 1 to 720 (FIS limits), got 0',
      'failoverDrill.experimentBudgetMinutes: must be a whole number above cacheInterruptionMinutes (0) and at most 180, got 0',
      'failoverDrill.probeWindowSeconds: must be a whole number from 10 to 600, got 5',
      "failoverDrill.changeFreezes[0].from: '2026-12-01' is not an ISO 8601 time with an offset",
      'failoverDrill.changeFreezes[0]: until must be after from',
      'failoverDrill.changeFreezes[0].reason: must not be empty',
    ]);
  });
});
