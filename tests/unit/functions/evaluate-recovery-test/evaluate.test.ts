import { type DrillFacts, evaluateDrill } from '../../../../functions/evaluate-recovery-test/evaluate.js';

const now = new Date('2026-11-29T12:40:00.000Z');
const verification = {
  passed: true,
  checks: [
    { name: 'alembic_version has a row', status: 'pass', value: 1, finding: 'ok', durationMs: 4000 },
    { name: 'newest data', status: 'pass', value: '2026-11-29T11:54:00Z', finding: 'ok', durationMs: 1000 },
  ],
  newestDataAt: '2026-11-29T11:54:00.000Z',
  verifiedAt: '2026-11-29T12:35:00.000Z',
};
const facts: DrillFacts = {
  startedAt: '2026-11-29T12:00:00.000Z',
  plannedAt: '2026-11-29T12:00:05.000Z',
  restorePoint: '2026-11-29T11:55:00.000Z',
  restorePointMode: 'latest',
  temporaryInstance: 'interactions-prod-pitr-x',
  objectives: { rtoMinutes: 60, rpoMinutes: 5 },
  verification,
  deletion: { status: 'deleting' },
};

describe('evaluateDrill', () => {
  it('measures RTO from the start to verified data and RPO from the newest data to the restore point', () => {
    // Act
    const evaluation = evaluateDrill(facts, now);

    // Assess
    expect(evaluation).toMatchObject({
      passed: true,
      severity: 'low',
      rtoSeconds: 35 * 60,
      rpoSeconds: 60,
      objectives: { rtoSeconds: 3600, rpoSeconds: 300 },
      objectivesMet: { rto: true, rpo: true },
      cleanup: { status: 'deleting', error: null },
    });
    expect(evaluation.summary).toContain('verified within objectives (RTO 2100 s, RPO 60 s)');
  });

  it('times each phase: plan, restore until the checks started, verify, cleanup', () => {
    // Act
    const { phases } = evaluateDrill(facts, now);

    // Assess
    expect(phases.map((p) => [p.name, p.seconds])).toEqual([
      ['plan', 5],
      ['restore', 35 * 60 - 5 - 5],
      ['verify', 5],
      ['cleanup', 5 * 60],
    ]);
  });

  it("prefers the verifier's own RPO", () => {
    expect(evaluateDrill({ ...facts, verification: { ...verification, rpoSeconds: 42 } }, now).rpoSeconds).toBe(42);
  });

  it('reports a missed objective at medium severity, still a passed drill', () => {
    // Act
    const evaluation = evaluateDrill({ ...facts, objectives: { rtoMinutes: 30, rpoMinutes: 0.5 } }, now);

    // Assess
    expect(evaluation).toMatchObject({ passed: true, severity: 'medium', objectivesMet: { rto: false, rpo: false } });
    expect(evaluation.summary).toContain('objectives MISSED (RTO 2100 s over 1800 s; RPO 60 s over 30 s)');
  });

  it('leaves RPO unknown, not failed, without a freshness check', () => {
    // Act
    const evaluation = evaluateDrill({ ...facts, verification: { ...verification, newestDataAt: undefined } }, now);

    // Assess
    expect(evaluation).toMatchObject({ passed: true, rpoSeconds: null, objectivesMet: { rpo: null } });
  });

  it('fails the drill naming each failed check, with no RTO but the RPO the verifier measured', () => {
    // Act
    const evaluation = evaluateDrill(
      {
        ...facts,
        verification: {
          ...verification,
          passed: false,
          checks: [{ name: 'interactions has rows', status: 'fail', value: 0, finding: '0 < 1', durationMs: 3 }],
        },
      },
      now,
    );

    // Assess
    expect(evaluation).toMatchObject({ passed: false, rtoSeconds: null, rpoSeconds: 60 });
    expect(evaluation.failure?.cause).toBe(
      'Data checks failed on interactions-prod-pitr-x: interactions has rows: 0 < 1',
    );
  });

  it('fails the drill when the verifier could not run, quoting its error', () => {
    // Act
    const evaluation = evaluateDrill(
      { ...facts, verification: undefined, verificationError: { Error: 'ConnectionError', Cause: 'ETIMEDOUT' } },
      now,
    );

    // Assess
    expect(evaluation.failure).toEqual({
      error: 'ConnectionError',
      cause: 'The restored data could not be verified: ETIMEDOUT',
    });
  });

  it('fails the drill when the temporary instance could not be deleted', () => {
    // Act
    const evaluation = evaluateDrill(
      { ...facts, deletion: undefined, cleanupError: { Error: 'Rds.InvalidDbInstanceStateException', Cause: 'busy' } },
      now,
    );

    // Assess
    expect(evaluation).toMatchObject({ passed: false, cleanup: { status: 'failed' } });
    expect(evaluation.failure?.cause).toContain('was not deleted');
  });
});
