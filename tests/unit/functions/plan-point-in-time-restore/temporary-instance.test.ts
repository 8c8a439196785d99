import { temporaryInstanceId } from '../../../../functions/plan-point-in-time-restore/temporary-instance.js';
import { rdsIdentifierSchema } from '../../../../shared/schemas.js';

describe('temporaryInstanceId', () => {
  it('names the instance from the environment, the purpose and the execution', () => {
    expect(temporaryInstanceId('prod', 'pitr', 'drill-2026-11')).toMatch(
      /^interactions-prod-pitr-drill-2026-11-[0-9a-f]{8}$/,
    );
  });

  it('gives the same execution the same name, and different executions different names', () => {
    expect(temporaryInstanceId('dev', 'pitr', 'a')).toBe(temporaryInstanceId('dev', 'pitr', 'a'));
    expect(temporaryInstanceId('dev', 'pitr', 'Run_1')).not.toBe(temporaryInstanceId('dev', 'pitr', 'run-1'));
  });

  it.each(['nightly-0e8f1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a4b', '__x__', 'A'.repeat(80), '-leading-and-trailing-', '___'])(
    'stays a valid RDS identifier of at most 63 characters for %s',
    (execution) => {
      // Act
      const id = temporaryInstanceId('staging', 'pitr', execution);

      // Assess
      expect(id.length).toBeLessThanOrEqual(63);
      expect(rdsIdentifierSchema.safeParse(id).success).toBe(true);
    },
  );
});
