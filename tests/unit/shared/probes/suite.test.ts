/**
 * The probe suite gives every check the timeout configured for its kind: a hung target fails its
 * check at that timeout, not at the Lambda's or the CI job's.
 */
import { defaultVerification } from '../../../../infra/config/verification.js';
import { probeChecks } from '../../../../shared/probes/suite.js';

describe('probeChecks', () => {
  it("gives each check its kind's configured timeout", () => {
    // Prepare
    const config = {
      ...defaultVerification('/health', 31_536_000),
      timeoutsSeconds: { http: 1, frontend: 2, auth: 3, cache: 4, database: 5.5 },
    };

    // Act
    const checks = probeChecks(config, {
      app: { baseUrl: 'http://127.0.0.1:1' },
      cdn: { baseUrl: 'http://127.0.0.1:1' },
      credentials: { username: 'probe', password: 'pw' },
      redis: { url: 'redis://127.0.0.1:1' },
      database: { host: '127.0.0.1', port: 1, database: 'db', user: 'u', password: 'pw', sslMode: 'disable' },
    });

    // Assess
    expect(checks.map((check) => [check.name, check.timeoutMs])).toEqual([
      ['http:health', 1000],
      ['frontend-assets', 2000],
      ['auth-flow', 3000],
      ['cache', 4000],
      ['database', 5500],
    ]);
  });
});
