import { type PitrDrillConfig, validateDrillsConfig, validatePitrDrill } from '../../../infra/config/drills.js';
import { loadConfig } from '../../../infra/config/index.js';

describe('drills.pitr config', () => {
  it.each(['dev', 'staging', 'prod'] as const)('%s schedules a monthly drill with sound settings', (env) => {
    // Act
    const { pitr } = loadConfig(env).drills;

    // Assess: a day-of-week "#1" cron runs once a month.
    expect(pitr.schedule).toMatch(/^cron\(\d+ \d+ \? \* \d#1 \*\)$/);
    expect(validatePitrDrill(pitr)).toEqual([]);
  });

  it('drills prod at the latest restorable time, on the class of its database', () => {
    // Act
    const config = loadConfig('prod');

    // Assess
    expect(config.drills.pitr.restorePointMode).toBe('latest');
    expect(config.drills.pitr.instanceClass).toBe(`db.${config.database.instanceClass}`);
  });

  it('names every broken field', () => {
    // Prepare
    const broken: PitrDrillConfig = {
      schedule: 'monthly',
      scheduleEnabled: true,
      restorePointMode: 'latest',
      instanceClass: 't3.large',
      pollIntervalSeconds: 5,
      timeoutMinutes: 30,
    };

    // Act
    const problems = validatePitrDrill(broken);

    // Assess
    expect(problems).toEqual([
      'drills.pitr.schedule: "monthly" is not an EventBridge cron(...) expression',
      'drills.pitr.instanceClass: "t3.large" is not an RDS instance class such as db.t3.medium',
      'drills.pitr.pollIntervalSeconds: 5 is outside 10-600 whole seconds',
      'drills.pitr.timeoutMinutes: 30 is outside 60-720 whole minutes',
    ]);
  });

  it('is part of the drills validation that loadConfig runs', () => {
    // Prepare
    const { drills } = loadConfig('dev');

    // Act
    const problems = validateDrillsConfig({ ...drills, pitr: { ...drills.pitr, pollIntervalSeconds: 1.5 } });

    // Assess
    expect(problems).toEqual(['drills.pitr.pollIntervalSeconds: 1.5 is outside 10-600 whole seconds']);
  });
});
