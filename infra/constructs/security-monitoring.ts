/**
 * The seed's "Security Monitoring" table: for each security signal (shared/security-signals.ts) a
 * metric filter on its log (the backend's structured JSON logs, the VPC flow logs, the PostgreSQL
 * log with pgaudit lines), an alarm `interactions-<env>-security-<id>` notifying its configured
 * severity topic (a static threshold, or anomaly detection for traffic volume) and a Logs Insights
 * saved query. The alarms' names put them under the remediation rule, whose security-notify
 * playbook adds context and never acts. Also the pgaudit parameters the database's parameter group
 * needs, and the audited tables published for the application's migrations.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import {
  SECURITY_SIGNAL_IDS,
  SECURITY_SIGNALS,
  type SecurityLogSource,
  type SecurityQuery,
  type SecuritySignalId,
  securityAlarmName,
  securityMetricsNamespace,
  securityQueryName,
} from '../../shared/security-signals.js';
import type { EnvironmentName, SecurityMonitoringConfig, Severity } from '../config/index.js';

/** Alarms, metric filters and saved queries count over five minutes. */
const PERIOD = Duration.minutes(5);

/** The role pgaudit's object auditing logs for: tables granted to it are audited. */
const PGAUDIT_ROLE = 'rds_pgaudit';

/**
 * The parameter-group values pgaudit needs: the library preloaded (beside pg_stat_statements, RDS's
 * default, which Performance Insights' SQL statistics read), the session classes, the object audit
 * role, and statement parameters kept out of the log (they may be the sensitive data itself).
 * `shared_preload_libraries` is static: RDS applies it at the next reboot.
 */
export function pgauditParameters(config: SecurityMonitoringConfig): Record<string, string> {
  return {
    shared_preload_libraries: 'pg_stat_statements,pgaudit',
    'pgaudit.log': config.pgauditLog,
    'pgaudit.role': PGAUDIT_ROLE,
    'pgaudit.log_parameter': '0',
    'pgaudit.log_relation': '1',
  };
}

/** Props of SecurityMonitoring. */
export interface SecurityMonitoringProps {
  readonly envName: EnvironmentName;
  readonly config: SecurityMonitoringConfig;
  /** The severity topics. */
  readonly topics: Readonly<Record<Severity, sns.ITopic>>;
  /** The log each signal source is read from. */
  readonly logGroups: Readonly<Record<SecurityLogSource, logs.ILogGroup>>;
}

/** Metric filters, alarms and saved queries of the security signals (see the module comment). */
export class SecurityMonitoring extends Construct {
  /** The alarm of each signal. */
  readonly alarms: Readonly<Record<SecuritySignalId, cloudwatch.Alarm>>;
  /** The saved query of each signal. */
  readonly queries: Readonly<Record<SecuritySignalId, logs.QueryDefinition>>;

  constructor(scope: Construct, id: string, props: SecurityMonitoringProps) {
    super(scope, id);
    const { envName, config } = props;
    const alarms = {} as Record<SecuritySignalId, cloudwatch.Alarm>;
    const queries = {} as Record<SecuritySignalId, logs.QueryDefinition>;
    for (const signalId of SECURITY_SIGNAL_IDS) {
      const signal = SECURITY_SIGNALS[signalId];
      const rule = config.signals[signalId];
      const logGroup = props.logGroups[signal.source];
      const construct = pascal(signalId);
      new logs.MetricFilter(this, `${construct}Filter`, {
        logGroup,
        filterPattern: { logPatternString: signal.filterPattern },
        metricNamespace: securityMetricsNamespace(envName),
        metricName: signal.metricName,
        metricValue: signal.metricValue,
        // No event in a period is zero events, not a gap.
        defaultValue: 0,
      });
      const metric = new cloudwatch.Metric({
        namespace: securityMetricsNamespace(envName),
        metricName: signal.metricName,
        statistic: 'Sum',
        period: PERIOD,
      });
      const description = `${signal.title} in ${names.prefix(envName)} (severity ${rule.severity}); saved query ${securityQueryName(envName, signalId)}.`;
      const alarm =
        signal.detection === 'anomaly'
          ? new cloudwatch.AnomalyDetectionAlarm(this, `${construct}Alarm`, {
              alarmName: securityAlarmName(envName, signalId),
              alarmDescription: `${description} Above the expected band of ${rule.threshold} standard deviations.`,
              metric,
              stdDevs: rule.threshold,
              comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
              evaluationPeriods: 3,
              datapointsToAlarm: 2,
              treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            })
          : new cloudwatch.Alarm(this, `${construct}Alarm`, {
              alarmName: securityAlarmName(envName, signalId),
              alarmDescription: `${description} At least ${rule.threshold} in 5 minutes.`,
              metric,
              threshold: rule.threshold,
              comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
              evaluationPeriods: 1,
              treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            });
      alarm.addAlarmAction(new actions.SnsAction(props.topics[rule.severity]));
      alarms[signalId] = alarm;
      queries[signalId] = new logs.QueryDefinition(this, `${construct}Query`, {
        queryDefinitionName: securityQueryName(envName, signalId),
        queryString: queryString(signal.query),
        logGroups: [logGroup],
      });
    }
    this.alarms = alarms;
    this.queries = queries;

    new ssm.StringParameter(this, 'AuditedTables', {
      parameterName: `${names.parameterPrefix(envName)}/security/audited-tables`,
      description: `Tables whose reads and writes pgaudit logs: the migrations GRANT them to ${PGAUDIT_ROLE}`,
      stringValue: config.auditedTables.length === 0 ? 'none' : config.auditedTables.join(','),
    });
  }
}

/** The saved query of a signal (shared/security-signals.ts). */
function queryString(query: SecurityQuery): logs.QueryString {
  return new logs.QueryString({
    fields: [...query.fields],
    parseStatements: query.parse === undefined ? undefined : [query.parse],
    filterStatements: [query.filter],
    statsStatements: query.stats === undefined ? undefined : [query.stats],
    sort: query.sort,
    limit: query.limit,
  });
}

function pascal(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
