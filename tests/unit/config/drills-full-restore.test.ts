import { validateFullRestoreDrill } from '../../../infra/config/drills.js';
import { loadConfig } from '../../../infra/config/index.js';

describe('drills.fullRestore config', () => {
  it.each(['dev', 'staging', 'prod'])('%s runs quarterly with sound settings', (env) => {
    // Prepare
    const { fullRestore } = loadConfig(env).drills;

    // Assess: the first month of each quarter, every field valid
    expect(fullRestore.schedule).toMatch(/^cron\(\S+ \S+ \? 1,4,7,10 \S+ \*\)$/);
    expect(validateFullRestoreDrill(fullRestore)).toEqual([]);
  });

  it('names every broken field', () => {
    // Act
    const problems = validateFullRestoreDrill({
      schedule: 'rate(90 days)',
      scheduleEnabled: true,
      instanceClass: 'large',
      cacheNodeType: 'm5.large',
      pollIntervalSeconds: 5,
      timeoutMinutes: 120,
    });

    // Assess
    expect(problems).toEqual([
      'drills.fullRestore.schedule: "rate(90 days)" is not an EventBridge cron(...) expression',
      'drills.fullRestore.instanceClass: "large" is not an RDS instance class such as db.t3.medium',
      'drills.fullRestore.cacheNodeType: "m5.large" is not a node type such as cache.t3.small',
      'drills.fullRestore.pollIntervalSeconds: 5 is outside 10-600 whole seconds',
      'drills.fullRestore.timeoutMinutes: 120 is outside 180-720 whole minutes',
    ]);
  });
});
