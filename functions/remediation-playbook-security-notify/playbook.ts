/**
 * Security signals (failed logins, token failures, access denied, elevation attempts, flow-log
 * rejects, unusual traffic, sensitive data access): collect context and notify, never act. The
 * context is the signal's metric over the last hour and the Logs Insights saved query to run next.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ValidationError } from '../../shared/errors.js';
import { type MetricSummary, readMetrics } from '../../shared/playbooks/metrics.js';
import type { Playbook } from '../../shared/playbooks/playbook.js';
import {
  SECURITY_SIGNALS,
  type SecuritySignal,
  securityMetricsNamespace,
  securityQueryName,
  signalOfAlarm,
} from '../../shared/security-signals.js';
import * as z from '../../shared/zod.js';

/** No limits: this playbook never changes anything. */
export const policySchema = z.object({});

/** What the playbook reads. */
export interface SecurityFacts {
  readonly signal: SecuritySignal;
  readonly lastHour: MetricSummary;
  readonly savedQuery: string;
  readonly namespace: string;
}

/** The security-notify playbook. */
export const securityNotify: Playbook<
  SecurityFacts,
  z.infer<typeof policySchema>,
  { cloudWatch: () => CloudWatchClient }
> = {
  id: 'security-notify',
  target({ alarm }) {
    const signal = signalOfAlarm(alarm.name);
    if (signal === undefined) {
      throw new ValidationError(
        `Alarm ${alarm.name} is not a security signal alarm (interactions-<env>-security-<signal>)`,
      );
    }
    return signal;
  },
  async gather(target, clients, { environment, now }) {
    const signal = SECURITY_SIGNALS[target as keyof typeof SECURITY_SIGNALS];
    const metrics = await readMetrics(
      clients.cloudWatch(),
      [
        {
          id: 'signal',
          namespace: securityMetricsNamespace(environment),
          metricName: signal.metricName,
          dimensions: {},
          statistic: 'Sum',
        },
      ],
      now,
      60,
    );
    return {
      signal,
      lastHour: metrics.signal ?? { latest: null, max: null },
      savedQuery: securityQueryName(environment, signal.id),
      namespace: securityMetricsNamespace(environment),
    };
  },
  plan(facts) {
    return {
      target: facts.signal.id,
      seen: {
        signal: facts.signal.title,
        metric: `${facts.namespace} ${facts.signal.metricName}`,
        perMinuteLastHour: facts.lastHour,
        logSource: facts.signal.source,
        savedQuery: facts.savedQuery,
      },
      decided: `Security signal "${facts.signal.title}": notify with context only, never act. Run the saved Logs Insights query ${facts.savedQuery} for the details.`,
      actions: [],
      expectation: {},
    };
  },
  execute: async () => {},
  verify: (facts) => ({
    status: 'recovered',
    detail: 'Notification only: nothing to verify',
    seen: { signal: facts.signal.id },
  }),
};
