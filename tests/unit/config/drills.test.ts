import { type DrillsConfig, validateDrillsConfig } from '../../../infra/config/drills.js';
import { loadConfig } from '../../../infra/config/index.js';

describe('drills config', () => {
  it.each([
    ['prod', 5, 60],
    ['staging', 60, 90],
    ['dev', 1440, 120],
  ])('%s has RPO %d min and RTO %d min, and valid data checks', (env, rpo, rto) => {
    const { drills } = loadConfig(env);
    expect(drills.objectives).toEqual({ rpoMinutes: rpo, rtoMinutes: rto });
    expect(validateDrillsConfig(drills)).toEqual([]);
    expect(drills.dataChecks.filter((check) => check.freshness)).toHaveLength(1);
  });

  it('names every broken field', () => {
    // Prepare
    const broken: DrillsConfig = {
      objectives: { rpoMinutes: 0, rtoMinutes: Number.NaN },
      dataChecks: [{ name: 'x', sql: 'SELECT 1' }],
      dataCheckTimeouts: { connectSeconds: 120, statementSeconds: -1 },
      pitr: loadConfig('dev').drills.pitr,
      fullRestore: loadConfig('dev').drills.fullRestore,
    };

    // Act
    const problems = validateDrillsConfig(broken);

    // Assess
    expect(problems).toEqual([
      'drills.objectives.rpoMinutes: 0 is outside (0, 10080]',
      'drills.objectives.rtoMinutes: NaN is outside (0, 1440]',
      'drills.dataCheckTimeouts.connectSeconds: 120 is outside (0, 60]',
      'drills.dataCheckTimeouts.statementSeconds: -1 is outside (0, 300]',
      'drills.dataChecks: [0] x: needs exactly one of min, equals or freshness, found none',
    ]);
  });
});
