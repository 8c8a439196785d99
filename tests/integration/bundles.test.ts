/**
 * The deployed artifacts themselves: every `dist/functions/<name>/index.mjs` (bundled by the jest
 * global setup exactly as for deploy, with the Lambda-only shims) loads in a fresh Node process,
 * exports a handler, and rejects a malformed event with a ValidationError before any AWS call.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve('dist/functions');
const bundles = readdirSync(resolve('functions'))
  .filter((name) => existsSync(join('functions', name, 'handler.ts')))
  .sort();

/** Settings every function may read at load; values point nowhere reachable. */
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '',
  ENVIRONMENT: 'dev',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  REPORTS_BUCKET: 'interactions-dev-automation-reports',
  TOPIC_ARN_HIGH: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-high',
  TOPIC_ARN_MEDIUM: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-medium',
  TOPIC_ARN_LOW: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-low',
  DB_INSTANCE_ID: 'interactions-dev-postgres',
  CACHE_REPLICATION_GROUP_ID: 'interactions-dev',
  REMEDIATION_TABLE: 'interactions-dev-remediation',
  REMEDIATION_POLICY: '{"env":"dev"}',
  ALARM_SEVERITIES: '{}',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-dev-deployment-verification',
  TEST_URL: 'http://127.0.0.1:9',
  BACKEND_TARGET_GROUP_ARNS: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/backend/0123456789abcdef',
  FRONTEND_TARGET_GROUP_ARNS:
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/frontend/0123456789abcdef',
  CALLBACK_DELAY_SECONDS: '30',
  // downtime-prober (the failover drill): its endpoints and secrets.
  DB_HOST: 'db.invalid',
  DB_PORT: '5432',
  DB_NAME: 'interactions',
  DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:/interactions/dev/db-credentials',
  REDIS_HOST: 'cache.invalid',
  REDIS_PORT: '6379',
  REDIS_TLS: 'false',
  HEALTH_URL: 'https://app.invalid/health',
};

const context = { functionName: 'bundle-test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30000 };

/** Loads bundle `name` in a fresh Node process with `env`, invokes it once with a non-object event and returns how it ended. */
function invokeMalformed(name: string, env: Record<string, string>) {
  const file = pathToFileURL(join(dist, name, 'index.mjs')).href;
  const script = `
    const { handler } = await import(${JSON.stringify(file)});
    if (typeof handler !== 'function') throw new Error('no handler export');
    try {
      await handler('not an event', ${JSON.stringify(context)});
      console.log(JSON.stringify({ outcome: 'accepted' }));
    } catch (error) {
      console.log(JSON.stringify({ outcome: 'rejected', name: error.name, message: error.message }));
    }`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  return { ...result, last };
}

describe.each(bundles)('bundle %s', (name) => {
  it('loads, exports a handler and rejects a malformed event before any AWS call', () => {
    const result = invokeMalformed(name, LAMBDA_ENV);
    expect(result.stderr).not.toMatch(/Error \[|SyntaxError|Cannot find/);
    expect(result.status).toBe(0);
    expect(result.last).toMatchObject({ outcome: 'rejected', name: 'ValidationError' });
    expect(result.last.message).toMatch(/input/i);
  });

  it('fails with ConfigurationError naming a missing variable, without acting', () => {
    const { ENVIRONMENT: _missing, ...withoutEnvironment } = LAMBDA_ENV;
    const result = invokeMalformed(name, withoutEnvironment);
    expect(result.status).toBe(0);
    expect(result.last).toMatchObject({ outcome: 'rejected', name: 'ConfigurationError' });
    expect(result.last.message).toMatch(/ENVIRONMENT: required/);
  });
});
