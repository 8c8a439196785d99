/**
 * The recovery objectives' alarms and graphs: RTO and RPO as evaluate-recovery-test publishes them
 * (shared/metrics-contract.ts, the exact dimension set), against the environment's objectives.
 * One datapoint a month: an alarm fires on the drill that missed, and missing data in between is
 * no evidence either way.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { RecoveryObjectives } from '../../infra/config/drills.js';
import { contractMetric } from '../../infra/constructs/workflow-monitoring.js';
import { type RecoveryTestMetricName, recoveryTestMetric } from '../../shared/metrics-contract.js';
import { type Environment, names } from '../../shared/naming.js';

/** The alarm of each recovery metric. */
export type ObjectiveAlarms = Readonly<Record<RecoveryTestMetricName, cloudwatch.Alarm>>;

const OBJECTIVE: Record<RecoveryTestMetricName, { short: string; minutes: (o: RecoveryObjectives) => number }> = {
  RecoveryTimeSeconds: { short: 'rto', minutes: (o) => o.rtoMinutes },
  RecoveryPointSeconds: { short: 'rpo', minutes: (o) => o.rpoMinutes },
};

/**
 * `interactions-<env>-recovery-test-rto-objective` and `-rpo-objective` in `scope`: the hour's
 * maximum above the objective, notifying `topic` when given (else alarms without actions).
 */
export function objectiveAlarms(
  scope: Construct,
  envName: Environment,
  objectives: RecoveryObjectives,
  topic: sns.ITopic | undefined,
): ObjectiveAlarms {
  const alarm = (metricName: RecoveryTestMetricName): cloudwatch.Alarm => {
    const { short, minutes } = OBJECTIVE[metricName];
    const created = new cloudwatch.Alarm(scope, `${metricName}Alarm`, {
      alarmName: `${names.stateMachine(envName, 'recovery-test')}-${short}-objective`,
      alarmDescription: `The last point-in-time recovery drill measured its ${short.toUpperCase()} above the objective of ${minutes(objectives)} minutes`,
      metric: contractMetric(recoveryTestMetric(envName, metricName), {
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      }),
      threshold: minutes(objectives) * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (topic !== undefined) created.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    return created;
  };
  return { RecoveryTimeSeconds: alarm('RecoveryTimeSeconds'), RecoveryPointSeconds: alarm('RecoveryPointSeconds') };
}

/** Dashboard graphs of RTO and RPO per drill (the daily maximum) with their alarm's threshold line. */
export function objectiveWidgets(envName: Environment, alarms: ObjectiveAlarms): cloudwatch.IWidget[] {
  const graph = (title: string, metricName: RecoveryTestMetricName) =>
    new cloudwatch.GraphWidget({
      title,
      left: [
        contractMetric(recoveryTestMetric(envName, metricName), {
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.days(1),
        }),
      ],
      leftAnnotations: [alarms[metricName].toAnnotation()],
      width: 12,
      height: 6,
    });
  return [
    graph('Recovery time (RTO) per drill, seconds', 'RecoveryTimeSeconds'),
    graph('Recovery point (RPO) per drill, seconds', 'RecoveryPointSeconds'),
  ];
}
