import {
  AutomationError,
  ConfigurationError,
  classifyError,
  errorName,
  NON_RETRYABLE_ERROR_NAMES,
  QuotaExceededError,
  RETRYABLE_ERROR_NAMES,
  ResourceConflictError,
  ResourceFailedError,
  RetryableError,
  TagGuardError,
  ValidationError,
  VerificationFailedError,
  WaitTimedOutError,
  WORKFLOW_ERROR_NAMES,
} from '../../../shared/errors.js';

const classes = [
  ValidationError,
  ResourceConflictError,
  QuotaExceededError,
  TagGuardError,
  VerificationFailedError,
  ConfigurationError,
  ResourceFailedError,
  WaitTimedOutError,
  RetryableError,
];

describe('automation errors', () => {
  it.each(classes.map((Class) => [Class.name, Class] as const))('%s keeps its name, message and cause', (_, Class) => {
    const cause = new Error('root');
    const error = new Class('boom', { cause });
    expect(error).toBeInstanceOf(AutomationError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(Class.name);
    expect(error.message).toBe('boom');
    expect(error.cause).toBe(cause);
  });

  it('lists every class once, split by retryable', () => {
    const retryable = classes.filter((C) => new C('x').retryable).map((C) => new C('x').name);
    const nonRetryable = classes.filter((C) => !new C('x').retryable).map((C) => new C('x').name);
    expect([...RETRYABLE_ERROR_NAMES].sort()).toEqual(retryable.sort());
    expect([...NON_RETRYABLE_ERROR_NAMES].sort()).toEqual(nonRetryable.sort());
  });

  it('lets workflows raise only names of automation errors that go straight to Catch', () => {
    expect(WORKFLOW_ERROR_NAMES).toEqual(expect.arrayContaining(['ResourceFailedError', 'WaitTimedOutError']));
    for (const name of WORKFLOW_ERROR_NAMES) expect(NON_RETRYABLE_ERROR_NAMES).toContain(name);
  });

  it('reads the name of an SDK fault, and none of anything else', () => {
    expect(errorName(Object.assign(new Error('x'), { name: 'DBSnapshotNotFoundFault' }))).toBe(
      'DBSnapshotNotFoundFault',
    );
    expect(errorName('DBSnapshotNotFoundFault')).toBe('');
    expect(errorName(null)).toBe('');
  });

  it('keeps names that a minifier would rename (literal, not constructor.name)', () => {
    class Renamed extends TagGuardError {}
    expect(new Renamed('x').name).toBe('TagGuardError');
  });

  it('ValidationError carries its issues', () => {
    expect(new ValidationError('bad', { issues: ['a: required'] }).issues).toEqual(['a: required']);
  });
});

describe('classifyError', () => {
  const sdkError = (name: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`${name} happened`), { name, $metadata: {}, ...extra });

  it('passes automation errors through unchanged', () => {
    const error = new VerificationFailedError('x');
    expect(classifyError(error)).toBe(error);
  });

  it.each([
    ['ThrottlingException', {}, 'RetryableError'],
    ['InternalFailure', { $fault: 'server' }, 'RetryableError'],
    ['SomethingTransient', { $retryable: {} }, 'RetryableError'],
    ['DBSnapshotAlreadyExistsFault', {}, 'ResourceConflictError'],
    ['SnapshotQuotaExceededFault', {}, 'QuotaExceededError'],
    ['InstanceQuotaExceeded', {}, 'QuotaExceededError'],
  ])('maps SDK error %s to its routing class', (name, extra, expected) => {
    const original = sdkError(name, extra);
    const classified = classifyError(original) as AutomationError;
    expect(classified.name).toBe(expected);
    expect(classified.cause).toBe(original);
    expect(classified.message).toContain(name);
  });

  it('leaves unknown errors (and non-objects) alone', () => {
    const original = sdkError('DBInstanceNotFoundFault', { $fault: 'client' });
    expect(classifyError(original)).toBe(original);
    expect(classifyError('text')).toBe('text');
  });
});
