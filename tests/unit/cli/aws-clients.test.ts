import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { awsClientFactory, DEFAULT_TIMEOUTS, timeoutsFromEnv } from '../../../cli/aws/clients.js';
import { describeAwsError } from '../../../cli/aws/errors.js';
import { type FakeEndpoint, startSilentEndpoint } from './fake-endpoints.js';

describe('SDK clients of the CLI', () => {
  it('read --profile from the shared config files, not the AWS_* variables, without a network call', async () => {
    // Prepare: AWS_ACCESS_KEY_ID (the test setup's fake keys) is set too; the profile must win.
    const dir = mkdtempSync(join(tmpdir(), 'ops-profile-'));
    writeFileSync(
      join(dir, 'credentials'),
      '[ops-prod]\naws_access_key_id = AKIAPROFILEPROFILE01\naws_secret_access_key = from-the-profile\n',
    );
    const saved = { ...process.env };
    // The SDK warns that both a profile and AWS_* keys are set (and uses the profile): expected here.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    try {
      // Act
      const { sfn } = awsClientFactory(DEFAULT_TIMEOUTS)('us-east-1', { profile: 'ops-prod' });
      const credentials = await sfn.config.credentials();

      // Assess
      expect(credentials.accessKeyId).toBe('AKIAPROFILEPROFILE01');
    } finally {
      process.env = saved;
      warn.mockRestore();
    }
  });

  it('reuse one client set per region and profile', () => {
    const clients = awsClientFactory(DEFAULT_TIMEOUTS);

    expect(clients('us-east-1', {})).toBe(clients('us-east-1', {}));
    expect(clients('us-east-1', { profile: 'a' })).not.toBe(clients('us-east-1', {}));
  });

  it('by default give up on a silent endpoint in under a minute (attempts x request timeout)', () => {
    expect(DEFAULT_TIMEOUTS.maxAttempts * DEFAULT_TIMEOUTS.requestMs).toBeLessThanOrEqual(50_000);
    expect(timeoutsFromEnv({})).toBe(DEFAULT_TIMEOUTS);
    expect(timeoutsFromEnv({ INTERACTIONS_OPS_REQUEST_TIMEOUT_MS: '300' })).toEqual({
      connectionMs: 300,
      requestMs: 300,
      maxAttempts: 3,
    });
  });

  describe('against an endpoint that accepts and never answers', () => {
    let endpoint: FakeEndpoint;
    beforeAll(async () => {
      endpoint = await startSilentEndpoint();
    });
    afterAll(() => endpoint.close());

    it('fail with a timeout the CLI explains, after the configured attempts', async () => {
      const saved = process.env.AWS_ENDPOINT_URL;
      process.env.AWS_ENDPOINT_URL = endpoint.url;
      const started = Date.now();
      try {
        const { sfn } = awsClientFactory({ connectionMs: 200, requestMs: 200, maxAttempts: 2 })('us-east-1', {});
        const error = await sfn.send(new ListStateMachinesCommand({})).then(
          () => undefined,
          (caught: unknown) => caught,
        );

        expect(describeAwsError(error)).toMatch(
          /^AWS did not answer in time after 2 attempts \(.+\): check the network/,
        );
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        process.env.AWS_ENDPOINT_URL = saved;
      }
    });
  });
});

describe('describeAwsError', () => {
  it('keeps an AWS error code and the first line of the message', () => {
    const error = Object.assign(new Error('User is not authorized\nmore'), { name: 'AccessDeniedException' });

    expect(describeAwsError(error)).toBe('AccessDeniedException: User is not authorized');
  });

  it('names the network failure and what to check', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

    expect(describeAwsError(error)).toContain('could not reach AWS (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9)');
  });
});
