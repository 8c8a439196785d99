/** Deployment verification config: the defaults every environment gets, and what validation rejects. */
import { loadConfig, validateConfig } from '../../../infra/config/index.js';
import {
  defaultVerification,
  type VerificationConfig,
  validateHttpChecks,
  validateVerification,
} from '../../../infra/config/verification.js';

const base = defaultVerification('/health', 365 * 86400);

describe('verification config', () => {
  it.each(['dev', 'staging', 'prod'])('%s checks /health and expects the seed one-year static lifetime', (env) => {
    // Act
    const { verification, compute, cdn } = loadConfig(env);

    // Assess
    expect(verification.httpChecks[0]).toMatchObject({ name: 'health', path: compute.healthCheckPath });
    expect(verification.frontend.staticMaxAgeSeconds).toBe(cdn.staticTtlSeconds);
    expect(verification.frontend.staticMaxAgeSeconds).toBe(31_536_000);
  });

  it('accepts the defaults', () => {
    expect(validateVerification(base)).toEqual([]);
  });

  it('reports every problem, each naming its field', () => {
    // Prepare
    const broken: VerificationConfig = {
      ...base,
      httpChecks: [
        { name: 'health', path: 'health' },
        { name: 'health', path: '/x', expectedStatus: 700 },
      ],
      login: { ...base.login, tokenField: ' ' },
      frontend: { ...base.frontend, staticPrefix: '/static' },
      cache: { ...base.cache, keyTtlSeconds: 0 },
      timeoutsSeconds: { ...base.timeoutsSeconds, cache: 0 },
    };

    // Act
    const problems = validateVerification(broken);

    // Assess
    expect(problems).toEqual([
      "verification.httpChecks[0].path: 'health' is not a path starting with /",
      "verification.httpChecks[1].name: 'health' is used twice",
      'verification.httpChecks[1].expectedStatus: 700 is not an HTTP status (100-599)',
      'verification.login.tokenField: must not be empty',
      "verification.frontend.staticPrefix: '/static' must start and end with /",
      'verification.cache.keyTtlSeconds: must be 1-3600, got 0',
      'verification.timeoutsSeconds.cache: must be more than 0 and at most 120, got 0',
    ]);
  });

  it('is part of validateConfig', () => {
    // Prepare
    const config = loadConfig('dev');

    // Act
    const problems = validateConfig({ ...config, verification: { ...config.verification, httpChecks: [] } });

    // Assess
    expect(problems).toEqual(['verification.httpChecks: at least one check (the health path)']);
  });

  it('rejects an HTTP check name that is not a plain slug, or a JSON path with blanks', () => {
    // Act
    const problems = validateHttpChecks(
      [{ name: 'Health Check', path: '/h', jsonFields: [{ path: 'a..b' }] }],
      'checks',
    );

    // Assess
    expect(problems).toEqual([
      "checks[0].name: 'Health Check' must be lowercase letters, digits and hyphens (1-63)",
      "checks[0].jsonFields[0].path: 'a..b' is not a dotted path",
    ]);
  });
});
