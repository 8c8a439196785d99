/** The full restore test's verdict and measurements. */
import { evaluateFullRestore, type FullRestoreFacts } from '../../../../functions/evaluate-full-restore/evaluate.js';

const NOW = new Date('2026-01-14T10:00:10Z');

const PASSED_SMOKE = {
  passed: true,
  target: 'http://10.0.1.5:5000',
  checks: [{ name: 'http:health', status: 'pass', durationMs: 20, finding: 'ok' }],
  startedAt: '2026-01-14T09:40:00Z',
  checkedAt: '2026-01-14T09:40:01Z',
};

function facts(overrides: Partial<FullRestoreFacts> = {}): FullRestoreFacts {
  return {
    startedAt: '2026-01-14T09:00:00Z',
    polls: { database: 30, cache: 2, task: 6 },
    pollIntervalSeconds: { restores: 60, task: 15 },
    restorePoint: '2026-01-14T08:55:00Z',
    cacheSnapshot: 'automatic.interactions-prod-2026-01-14-03-00',
    temporaryInstance: 'interactions-prod-full-x',
    temporaryReplicationGroup: 'interactions-prod-full-abc',
    taskDefinition: 'interactions-prod-backend:42',
    rtoObjectiveMinutes: 60,
    smoke: {
      passed: true,
      target: 'http://10.0.1.5:5000',
      checks: [{ name: 'http:health', status: 'pass', durationMs: 20, finding: 'ok' }],
      startedAt: '2026-01-14T09:40:00Z',
      checkedAt: '2026-01-14T09:40:01Z',
    },
    teardown: { task: { status: 'RUNNING' }, cache: { status: 'deleting' }, database: { status: 'deleting' } },
    ...overrides,
  };
}

describe('evaluateFullRestore', () => {
  it('passes within the objective: RTO from the start to the checks, each phase measured', () => {
    // Act
    const evaluation = evaluateFullRestore(facts(), NOW);

    // Assess
    expect(evaluation).toMatchObject({ passed: true, severity: 'low', rtoSeconds: 2401, objectiveMet: true });
    expect(evaluation.phases).toEqual([
      { name: 'restore-database', seconds: 1800, measuredBy: 'polls' },
      { name: 'restore-cache', seconds: 1920, measuredBy: 'polls' },
      { name: 'start-task', seconds: 90, measuredBy: 'polls' },
      { name: 'smoke-checks', seconds: 1, measuredBy: 'clock' },
      { name: 'teardown', seconds: 1209, measuredBy: 'clock' },
    ]);
  });

  it('passes with medium severity when the RTO objective was missed', () => {
    // Act
    const evaluation = evaluateFullRestore(facts({ rtoObjectiveMinutes: 30 }), NOW);

    // Assess
    expect(evaluation).toMatchObject({ passed: true, severity: 'medium', objectiveMet: false });
    expect(evaluation.summary).toContain('RTO objective MISSED');
  });

  it('fails naming each failed check, with no RTO', () => {
    // Act
    const evaluation = evaluateFullRestore(
      facts({
        smoke: {
          ...PASSED_SMOKE,
          passed: false,
          checks: [{ name: 'http:health', status: 'fail', durationMs: 5, finding: 'GET /health answered 503' }],
        },
      }),
      NOW,
    );

    // Assess
    expect(evaluation).toMatchObject({
      passed: false,
      rtoSeconds: null,
      failure: { error: 'VerificationFailedError' },
    });
    expect(evaluation.failure?.cause).toContain('http:health: GET /health answered 503');
  });

  it('fails when the checks could not run, with the error', () => {
    // Act
    const evaluation = evaluateFullRestore(
      facts({ smoke: undefined, smokeError: { Error: 'ValidationError', Cause: 'no private IPv4 address' } }),
      NOW,
    );

    // Assess
    expect(evaluation.failure).toEqual({
      error: 'ValidationError',
      cause: 'The smoke checks could not run against the restored backend: no private IPv4 address',
    });
  });

  it('fails when a teardown step failed, naming it, and keeps the measured RTO', () => {
    // Act
    const evaluation = evaluateFullRestore(
      facts({
        teardown: {
          task: { status: 'RUNNING' },
          cacheError: { Error: 'ElastiCache.InvalidReplicationGroupStateException', Cause: 'creating' },
          database: { status: 'deleting' },
        },
      }),
      NOW,
    );

    // Assess
    expect(evaluation).toMatchObject({ passed: false, rtoSeconds: 2401 });
    expect(evaluation.failure?.cause).toContain('cache: ElastiCache.InvalidReplicationGroupStateException: creating');
    expect(evaluation.teardown.cache).toEqual({
      status: 'failed',
      error: 'ElastiCache.InvalidReplicationGroupStateException: creating',
    });
  });
});
