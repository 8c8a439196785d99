/** The `remediation` block of each environment's config and its validation. */
import { ENVIRONMENT_NAMES, loadConfig } from '../../../infra/config/index.js';
import { type RemediationConfig, validateRemediationConfig } from '../../../infra/config/remediation.js';

const valid = loadConfig('prod').remediation;

describe('remediation config', () => {
  it.each(ENVIRONMENT_NAMES)('is valid in %s, with the table interactions-<env>-remediation', (env) => {
    // Act
    const { remediation } = loadConfig(env);

    // Assess
    expect(remediation.tableName).toBe(`interactions-${env}-remediation`);
    expect(validateRemediationConfig(env, remediation)).toEqual([]);
  });

  it('requires approval for disruptive playbooks in prod', () => {
    expect(validateRemediationConfig('prod', { ...valid, approvalRequired: false })).toEqual([
      'remediation.approvalRequired: prod needs approval for disruptive playbooks',
    ]);
  });

  it('names each bad field', () => {
    // Prepare
    const broken: RemediationConfig = {
      ...valid,
      tableName: 'remediation',
      cooldownMinutes: 0,
      playbookCooldownMinutes: {
        'rds-storage': 1.5,
        'disk-cleanup': 5,
      } as RemediationConfig['playbookCooldownMinutes'],
      rateLimit: { maxActions: -1, windowMinutes: 60 },
      freezeWindows: [
        { kind: 'weekly', window: 'fri:18:00-monday', reason: 'weekend' },
        { kind: 'once', start: '2026-12-24T00:00:00Z', end: '2026-12-20T00:00:00Z', reason: '' },
        { kind: 'once', start: '2026-12-24', end: '2026-12-26T00:00:00Z', reason: 'holidays' },
      ],
    };

    // Act
    const problems = validateRemediationConfig('staging', broken);

    // Assess
    expect(problems).toEqual([
      "remediation.tableName: must be 'interactions-staging-remediation', got 'remediation'",
      'remediation.cooldownMinutes: must be a positive whole number, got 0',
      'remediation.playbookCooldownMinutes.rds-storage: must be a positive whole number, got 1.5',
      "remediation.playbookCooldownMinutes: 'disk-cleanup' is not a playbook (ecs-service-health, api-error-rate, database-cpu, cache-memory, rds-storage, security-notify)",
      'remediation.rateLimit.maxActions: must be a positive whole number, got -1',
      "remediation.freezeWindows[0].window: 'fri:18:00-monday' is not 'ddd:hh:mm-ddd:hh:mm'",
      'remediation.freezeWindows[1].reason: say why changes are frozen',
      'remediation.freezeWindows[1]: start must be before end',
      "remediation.freezeWindows[2].start: '2026-12-24' is not an ISO 8601 time with an offset",
    ]);
  });
});
