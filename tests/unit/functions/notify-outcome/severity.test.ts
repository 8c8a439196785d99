import { effectiveSeverity, operatorErrorKind } from '../../../../functions/notify-outcome/severity.js';

describe('operatorErrorKind', () => {
  it.each([
    ['ValidationError', 'input'],
    ['Rds.InvalidParameterValueException', 'input'],
    ['Rds.InvalidParameterCombinationException', 'input'],
    ['ResourceConflictError', 'conflict'],
    ['Rds.DbSnapshotAlreadyExistsException', 'conflict'],
    ['ElastiCache.SnapshotAlreadyExistsFault', 'conflict'],
    ['QuotaExceededError', 'quota'],
    ['Rds.SnapshotQuotaExceededException', 'quota'],
  ])('classifies %s as %s', (error, kind) => {
    expect(operatorErrorKind(error)).toBe(kind);
  });

  it.each([
    'ResourceFailedError',
    'WaitTimedOutError',
    'VerificationFailedError',
    'TagGuardError',
    'ConfigurationError',
    'States.Timeout',
    'States.TaskFailed',
    'RetryableError',
    // The Lambda service's own faults (a function misconfigured or its payload too large), never the operator's.
    'Lambda.InvalidParameterValueException',
  ])('treats %s as a real failure', (error) => {
    expect(operatorErrorKind(error)).toBeUndefined();
  });

  it('has no kind without an error', () => {
    expect(operatorErrorKind(undefined)).toBeUndefined();
  });
});

describe('effectiveSeverity', () => {
  const manual = 'on-demand-snapshot' as const;

  it('lowers bad input and conflicts to low', () => {
    expect(
      effectiveSeverity({ workflow: manual, status: 'FAILED', severity: 'high', error: 'ValidationError' }),
    ).toEqual({
      requested: 'high',
      effective: 'low',
      operatorError: 'input',
    });
    expect(
      effectiveSeverity({ workflow: manual, status: 'FAILED', severity: 'medium', error: 'ResourceConflictError' })
        .effective,
    ).toBe('low');
  });

  it('lowers an exhausted quota to medium', () => {
    expect(
      effectiveSeverity({ workflow: manual, status: 'FAILED', severity: 'high', error: 'QuotaExceededError' })
        .effective,
    ).toBe('medium');
  });

  it('never raises the requested severity (it is the ceiling)', () => {
    expect(
      effectiveSeverity({ workflow: manual, status: 'FAILED', severity: 'low', error: 'QuotaExceededError' }),
    ).toEqual({
      requested: 'low',
      effective: 'low',
      operatorError: 'quota',
    });
  });

  it('keeps a real failure at the requested severity', () => {
    expect(
      effectiveSeverity({ workflow: manual, status: 'FAILED', severity: 'high', error: 'ResourceFailedError' }),
    ).toEqual({
      requested: 'high',
      effective: 'high',
      operatorError: null,
    });
  });

  it('leaves a success alone, whatever its error field says', () => {
    expect(
      effectiveSeverity({ workflow: manual, status: 'SUCCEEDED', severity: 'medium', error: 'ValidationError' })
        .effective,
    ).toBe('medium');
  });

  it.each([
    ['backup-verification', 'ValidationError'],
    ['snapshot-housekeeping', 'ValidationError'],
    ['recovery-test', 'Rds.InvalidParameterCombinationException'],
    ['full-restore-test', 'Rds.DBInstanceAlreadyExistsFault'],
    ['alarm-remediation', 'QuotaExceededError'],
    ['deployment-verification', 'ValidationError'],
  ] as const)(
    'keeps the requested severity when unattended %s fails with %s (no operator input to blame)',
    (workflow, error) => {
      expect(effectiveSeverity({ workflow, status: 'FAILED', severity: 'high', error })).toEqual({
        requested: 'high',
        effective: 'high',
        operatorError: null,
      });
    },
  );

  it.each(['TagGuardError', 'States.Timeout', 'ResourceFailedError', 'Lambda.InvalidParameterValueException'])(
    'never lowers %s, even in an operator-started workflow',
    (error) => {
      expect(effectiveSeverity({ workflow: manual, status: 'FAILED', severity: 'high', error }).effective).toBe('high');
    },
  );
});
