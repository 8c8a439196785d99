import {
  connectionError,
  DatabaseConnectionError,
  describeTarget,
  type PostgresTarget,
  PostgresUrlError,
  parsePostgresUrl,
  tlsOptions,
} from '../../../shared/probes/postgres.js';

const target: PostgresTarget = {
  host: 'db.internal',
  port: 5432,
  database: 'interactions',
  user: 'dbadmin',
  password: 's3cret',
  sslMode: 'require',
};

describe('parsePostgresUrl', () => {
  it('reads every part, decoding percent-encoded credentials', () => {
    expect(parsePostgresUrl('postgres://app%40x:p%2Fw%3Ad@db.example.com:6543/inter%20db?sslmode=require')).toEqual({
      host: 'db.example.com',
      port: 6543,
      database: 'inter db',
      user: 'app@x',
      password: 'p/w:d',
      sslMode: 'require',
    });
  });

  it('defaults the port to 5432 and sslmode to verify-full, and accepts postgresql://', () => {
    expect(parsePostgresUrl('postgresql://u:p@h/db')).toMatchObject({ port: 5432, sslMode: 'verify-full' });
  });

  it('reads an IPv6 host without its brackets', () => {
    expect(parsePostgresUrl('postgres://u:p@[::1]:5433/db?sslmode=disable').host).toBe('::1');
  });

  it.each([
    ['not a url', /not a URL/],
    ['mysql://u:p@h/db', /scheme 'mysql' is not postgres/],
    ['postgres://u:p@h:5432', /must name one database/],
    ['postgres://u:p@h:5432/a/b', /must name one database/],
    ['postgres://h:5432/db', /has no user/],
    ['postgres://u:p@h/db?sslmode=prefer', /sslmode 'prefer' is not one of disable, require, verify-full/],
    ['postgres://u:p@h/db?connect_timeout=3', /unsupported URL parameter\(s\): connect_timeout/],
    ['postgres://u:50%off@h/db', /the password has a malformed %-escape/],
    ['postgres://u%zz:p@h/db', /the user name has a malformed %-escape/],
  ])('rejects %s with a message naming the problem', (url, message) => {
    expect(() => parsePostgresUrl(url)).toThrow(PostgresUrlError);
    expect(() => parsePostgresUrl(url)).toThrow(message);
  });

  it.each([
    ['postgres://u:top%zzsecret@h/db', /the password has a malformed %-escape/],
    ['postgres://u%e9:p@h/db', /the user name has a malformed %-escape/],
    ['postgres://u:p@h/d%zz', /the database name has a malformed %-escape/],
  ])('rejects the malformed escape of %s as a URL error that names the part', (url, message) => {
    expect(() => parsePostgresUrl(url)).toThrow(PostgresUrlError);
    expect(() => parsePostgresUrl(url)).toThrow(message);
    expect(() => parsePostgresUrl(url)).toThrow(/^(?!.*top%zzsecret)/);
  });

  it('never repeats the password in an error', () => {
    expect(() => parsePostgresUrl('postgres://u:topsecret@h/db?sslmode=bogus')).toThrow(/^(?!.*topsecret)/);
  });
});

describe('describeTarget', () => {
  it('names user, host, port, database and TLS mode, without the password', () => {
    expect(describeTarget(target)).toBe('dbadmin@db.internal:5432/interactions (sslmode=require)');
  });
});

describe('tlsOptions', () => {
  it('maps each sslmode to the pg ssl option', () => {
    expect(tlsOptions({ ...target, sslMode: 'disable' })).toBe(false);
    expect(tlsOptions({ ...target, sslMode: 'require' })).toEqual({ rejectUnauthorized: false });
    expect(tlsOptions({ ...target, sslMode: 'verify-full' })).toEqual({ rejectUnauthorized: true });
    expect(tlsOptions({ ...target, sslMode: 'verify-full', ca: 'PEM' })).toEqual({
      rejectUnauthorized: true,
      ca: 'PEM',
    });
  });
});

describe('connectionError', () => {
  const cases: [string, object, string, boolean][] = [
    ['timeout', new Error('timeout expired'), 'timeout', true],
    [
      'refused',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      'unreachable',
      true,
    ],
    ['unknown host', Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }), 'unreachable', true],
    [
      'bad password',
      Object.assign(new Error('password authentication failed'), { code: '28P01' }),
      'authentication',
      false,
    ],
    [
      'no database',
      Object.assign(new Error('database "x" does not exist'), { code: '3D000' }),
      'database-missing',
      false,
    ],
    [
      'self-signed',
      Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      'tls',
      false,
    ],
    ['too many', Object.assign(new Error('sorry, too many clients'), { code: '53300' }), 'rejected', false],
  ];

  it.each(cases)('classifies %s', (_, error, kind, retryable) => {
    // Act
    const classified = connectionError(error, target, 5000);

    // Assess
    expect(classified).toBeInstanceOf(DatabaseConnectionError);
    expect(classified.kind).toBe(kind);
    expect(classified.retryable).toBe(retryable);
    expect(classified.message).toContain('dbadmin@db.internal:5432/interactions');
    expect(classified.message).not.toContain('s3cret');
    expect(classified.cause).toBe(error);
  });

  it('says how long it waited on a timeout', () => {
    expect(connectionError(new Error('timeout expired'), target, 1500).message).toMatch(/within 1500 ms/);
  });
});
