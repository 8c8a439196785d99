/**
 * What the recovery test's runs meet: the RDS answers of each state (source instance, restore,
 * restored instance while it becomes available, delete), the verifier's results, and the checks
 * every failure test repeats (the temporary instance deleted once it existed, nothing else touched).
 */

import { temporaryInstanceId } from '../../functions/plan-point-in-time-restore/temporary-instance.js';
import type { Environment } from '../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../../shared/tags.js';
import { TEMPORARY_DB_STATES as S } from '../../workflows/common/temporary-db-instance.js';
import type { MockedResponse, RunResult } from '../support/state-machine-harness.js';

/** Mocks of a run, by state name. */
export type Mocks = Record<string, MockedResponse | MockedResponse[]>;

export const ok = (value: unknown): MockedResponse => ({ Return: value });
export const fail = (error: string, cause = 'mocked failure'): MockedResponse => ({
  Throw: { Error: error, Cause: cause },
});

/** The verifier's function name in an environment. */
export const verifierName = (env: Environment) => `interactions-${env}-verify-restored-data`;

/** The last states of every failed run: the catch-all failure path after its cleanup. */
export const FAILURE_TAIL = ['Notify failure', 'Build failure message', 'Fail'];

/** One pass of the wait loop. */
export const POLL = [S.wait, S.describe, S.count, S.available];

/** A drill world: the execution, its temporary instance and the answers RDS gives. */
export function drillWorld(env: Environment, execution = 'drill-2026-11') {
  const instance = temporaryInstanceId(env, 'pitr', execution);
  const source = `interactions-${env}-postgres`;
  const latestRestorableTime = new Date(Date.now() - 5 * 60_000).toISOString();
  const ownTags = [
    { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
    { Key: TAG_KEYS.execution, Value: execution },
    { Key: TAG_KEYS.expiresAt, Value: '2099-01-01T00:00:00.000Z' },
    { Key: TAG_KEYS.environment, Value: env },
  ];
  const restored = (status: string, extra: Record<string, unknown> = {}) =>
    ok({
      DbInstances: [
        {
          DbInstanceIdentifier: instance,
          DbInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${instance}`,
          DbInstanceStatus: status,
          ...(status === 'available' ? { Endpoint: { Address: '127.0.0.1', Port: 55432 } } : {}),
          TagList: ownTags,
          ...extra,
        },
      ],
    });
  /** Every SDK state of a successful drill whose restore becomes available on the second poll. */
  const base: Mocks = {
    'Describe source database': ok({
      DbInstances: [
        {
          DbInstanceIdentifier: source,
          DbInstanceStatus: 'available',
          LatestRestorableTime: latestRestorableTime,
          BackupRetentionPeriod: 7,
          InstanceCreateTime: '2025-01-01T00:00:00.000Z',
        },
      ],
    }),
    [S.restore]: ok({
      DbInstance: {
        DbInstanceIdentifier: instance,
        DbInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${instance}`,
        DbInstanceStatus: 'creating',
      },
    }),
    [S.describe]: [restored('creating'), restored('available')],
    [S.delete]: ok({ DbInstance: { DbInstanceIdentifier: instance, DbInstanceStatus: 'deleting' } }),
  };
  return { env, execution, instance, source, latestRestorableTime, ownTags, restored, base };
}

/** What a passing verifier returns: every check passed, newest data one minute before the restore point. */
export function passingVerification(restorePoint: string) {
  return {
    passed: true,
    checks: [
      { name: 'alembic_version has a row', status: 'pass', value: 1, finding: '1 >= 1', durationMs: 40 },
      { name: 'newest interaction', status: 'pass', value: restorePoint, finding: 'fresh', durationMs: 60 },
    ],
    newestDataAt: new Date(Date.parse(restorePoint) - 60_000).toISOString(),
    rpoSeconds: 60,
    verifiedAt: new Date().toISOString(),
  };
}

/** The identifiers the run's deletes named. */
export function deletedInstances(run: Pick<RunResult, 'sdkCalls'>): string[] {
  return run.sdkCalls
    .filter((call) => call.state === S.delete)
    .map((call) => String((call.parameters as { DbInstanceIdentifier?: unknown }).DbInstanceIdentifier));
}

/** Whether the run sent a restore (and so may have created an instance). */
export function restoreRequested(run: Pick<RunResult, 'sdkCalls'>): boolean {
  return run.sdkCalls.some((call) => call.state === S.restore);
}
