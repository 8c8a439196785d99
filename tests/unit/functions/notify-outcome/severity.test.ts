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
  ])('treats %s as a real failure', (error) => {
    expect(operatorErrorKind(error)).toBeUndefined();
  });

  it('has no kind without an error', () => {
    expect(operatorErrorKind(undefined)).toBeUndefined();
  });
});

describe('effectiveSeverity', () => {
  it('lowers bad input and conflicts to low', () => {
    expect(effectiveSeverity({ status: 'FAILED', severity: 'high', error: 'ValidationError' })).toEqual({
      requested: 'high',
      effective: 'low',
      operatorError: 'input',
    });
    expect(effectiveSeverity({ status: 'FAILED', severity: 'medium', error: 'ResourceConflictError' }).effective).toBe(
      'low',
    );
  });

  it('lowers an exhausted quota to medium', () => {
    expect(effectiveSeverity({ status: 'FAILED', severity: 'high', error: 'QuotaExceededError' }).effective).toBe(
      'medium',
    );
  });

  it('never raises the requested severity (it is the ceiling)', () => {
    expect(effectiveSeverity({ status: 'FAILED', severity: 'low', error: 'QuotaExceededError' })).toEqual({
      requested: 'low',
      effective: 'low',
      operatorError: 'quota',
    });
  });

  it('keeps a real failure at the requested severity', () => {
    expect(effectiveSeverity({ status: 'FAILED', severity: 'high', error: 'ResourceFailedError' })).toEqual({
      requested: 'high',
      effective: 'high',
      operatorError: null,
    });
  });

  it('leaves a success alone, whatever its error field says', () => {
    expect(effectiveSeverity({ status: 'SUCCEEDED', severity: 'medium', error: 'ValidationError' }).effective).toBe(
      'medium',
    );
  });
});
