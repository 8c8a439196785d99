/**
 * Facts and fakes of the failover drill's workflow tests: the platform as the SDK integrations
 * describe it before and after a failover (staging: database and cache primaries in us-east-1a), and a
 * prober stand-in that folds scripted samples into the summary as the real one does.
 */
import { addWindow, type Sample } from '../../functions/downtime-prober/timeline.js';
import type { DowntimeSummary } from '../../workflows/failover-drill/contract.js';
import type { MockedResponse } from '../support/harness/mocks.js';

const DB_INSTANCE = 'interactions-staging-postgres';
const GROUP = 'interactions-staging';
export const GROUP_ARN = `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${GROUP}`;
export const PROBER = 'interactions-staging-downtime-prober';
export const EXPERIMENT_ID = 'EXPfailover0001';

export const ok = (value: unknown): MockedResponse => ({ Return: value });
export const fail = (error: string, cause = 'mocked'): MockedResponse => ({ Throw: { Error: error, Cause: cause } });

/** DescribeDBInstances' `DbInstances[0]` with the primary in `az`. */
export function database(az: string, overrides: Record<string, unknown> = {}) {
  const standby = az === 'us-east-1a' ? 'us-east-1b' : 'us-east-1a';
  return {
    DbInstances: [
      {
        DbInstanceIdentifier: DB_INSTANCE,
        DbInstanceStatus: 'available',
        MultiAZ: true,
        AvailabilityZone: az,
        SecondaryAvailabilityZone: standby,
        ...overrides,
      },
    ],
  };
}

/** DescribeReplicationGroups with the primary node in `az` (node 001 in us-east-1a, 002 in us-east-1b). */
export function cache(primaryAz: string, overrides: Record<string, unknown> = {}) {
  const role = (az: string) => (az === primaryAz ? 'primary' : 'replica');
  return {
    ReplicationGroups: [
      {
        ReplicationGroupId: GROUP,
        Status: 'available',
        MultiAZ: 'enabled',
        AutomaticFailover: 'enabled',
        NodeGroups: [
          {
            NodeGroupMembers: [
              {
                CacheClusterId: `${GROUP}-001`,
                CurrentRole: role('us-east-1a'),
                PreferredAvailabilityZone: 'us-east-1a',
              },
              {
                CacheClusterId: `${GROUP}-002`,
                CurrentRole: role('us-east-1b'),
                PreferredAvailabilityZone: 'us-east-1b',
              },
            ],
          },
        ],
        ...overrides,
      },
    ],
  };
}

/** DescribeServices with both services steady (or `backend` overridden). */
export function services(backend: Record<string, unknown> = {}) {
  const service = (name: string) => ({
    ServiceName: name,
    DesiredCount: 2,
    RunningCount: 2,
    Deployments: [{ Status: 'PRIMARY', RolloutState: 'COMPLETED' }],
  });
  return {
    Services: [service('interactions-staging-frontend'), { ...service('interactions-staging-backend'), ...backend }],
  };
}

/** GetExperiment's answer with `status`. */
export function experiment(status: string, reason = `Experiment ${status}.`) {
  return {
    Experiment: {
      Id: EXPERIMENT_ID,
      ExperimentTemplateId: 'EXTtemplate',
      State: { Status: status, Reason: reason },
    },
  };
}

/** The facts every pre-check passes on, for `execution`. */
export function healthyFacts(execution: string): Record<string, MockedResponse | MockedResponse[]> {
  return {
    'Describe database': ok(database('us-east-1a')),
    'Describe cache': ok(cache('us-east-1a')),
    'Resolve cache target': ok({ ResourceTagMappingList: [{ ResourceARN: GROUP_ARN }] }),
    'List alarms in ALARM': ok({ MetricAlarms: [], CompositeAlarms: [] }),
    'Describe services': ok(services()),
    'List running drills': ok({ Executions: [{ Name: execution, StartDate: '2026-03-10T10:00:00Z' }] }),
    'List experiments': ok({ Experiments: [] }),
  };
}

/** After a good failover: both primaries in us-east-1b, the RDS events of the failover. */
export function failedOverFacts(): Record<string, MockedResponse | MockedResponse[]> {
  return {
    'Start experiment': ok({ Experiment: { Id: EXPERIMENT_ID } }),
    'Describe database after': ok(database('us-east-1b')),
    'Describe cache after': ok(cache('us-east-1b')),
    'Describe services after': ok(services()),
    'Describe RDS events': ok({
      Events: [
        { Date: '2026-03-10T10:01:05Z', Message: 'Multi-AZ instance failover started.' },
        { Date: '2026-03-10T10:01:40Z', Message: 'Multi-AZ instance failover completed' },
      ],
    }),
  };
}

/** The samples of one window in which `failing` fails from second `from` to second `until` (exclusive). */
export function windowSamples(
  start: string,
  seconds: number,
  outage?: { readonly dependency: Sample['dependency']; readonly from: number; readonly until: number },
): Sample[] {
  const samples: Sample[] = [];
  for (let s = 0; s < seconds; s += 1) {
    const at = new Date(Date.parse(start) + s * 1000);
    for (const dependency of ['database', 'cache', 'application'] as const) {
      const failing = outage?.dependency === dependency && s >= outage.from && s < outage.until;
      samples.push(failing ? { dependency, at, ok: false, error: 'connection refused' } : { dependency, at, ok: true });
    }
  }
  return samples;
}

/** A prober stand-in: each invocation folds the next scripted window into the summary it is given. */
export function scriptedProber(windows: readonly Sample[][]) {
  let call = 0;
  const invocations: unknown[] = [];
  const handler = async (event: unknown) => {
    invocations.push(event);
    const { summary } = event as { summary: DowntimeSummary };
    const samples = windows[Math.min(call, windows.length - 1)] ?? [];
    call += 1;
    return addWindow(summary, samples);
  };
  return { handler, invocations };
}
