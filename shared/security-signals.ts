/**
 * The security signals of the seed's "Security Monitoring" table, written once: the platform
 * stack turns each into a metric filter, an alarm `interactions-<env>-security-<id>` and a Logs
 * Insights saved query; the security-notify playbook reads the same metric and names the same
 * query for context. The backend's structured JSON log fields they match are documented in
 * workflows/alarm-remediation/README.md ("Log fields the application must write").
 */

/** The signals, in the order of the seed's table. */
export const SECURITY_SIGNAL_IDS = [
  'failed-logins',
  'token-validation-failures',
  'access-denied',
  'elevation-attempts',
  'vpc-flow-rejects',
  'unusual-traffic',
  'database-sensitive-access',
] as const;
export type SecuritySignalId = (typeof SECURITY_SIGNAL_IDS)[number];

/** The log a signal is read from. */
export type SecurityLogSource = 'backend' | 'vpc-flow-logs' | 'postgresql';

/**
 * Namespace of an environment's security metrics. The environments share an account and a region,
 * and a metric filter cannot add a fixed dimension, so the environment is in the namespace.
 */
export function securityMetricsNamespace(environment: string): string {
  return `Interactions/Security/${environment}`;
}

/** A Logs Insights query, by command (rendered in this order: fields, parse, filter, stats, sort, limit). */
export interface SecurityQuery {
  readonly fields: readonly string[];
  readonly parse?: string;
  readonly filter: string;
  readonly stats?: string;
  readonly sort: string;
  readonly limit: number;
}

/** The `event` values of the backend's security log lines. */
const BACKEND_SECURITY_EVENTS = {
  loginFailed: 'auth.login_failed',
  tokenInvalid: 'auth.token_invalid',
  accessDenied: 'authz.access_denied',
  elevationAttempt: 'authz.elevation_attempt',
} as const;

/** The fields of a VPC flow log record (default format, version 2), as a space-delimited filter names them. */
const FLOW_LOG_FIELDS =
  'version, account, eni, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end';

/** One signal: what it matches, the metric it counts and the saved query an on-call engineer runs. */
export interface SecuritySignal {
  readonly id: SecuritySignalId;
  readonly title: string;
  readonly source: SecurityLogSource;
  /** CloudWatch Logs filter pattern of the metric filter. */
  readonly filterPattern: string;
  /** Metric in the environment's securityMetricsNamespace. */
  readonly metricName: string;
  /** What one matching record adds: `1` (count) or a `$field` of the record (bytes). */
  readonly metricValue: string;
  /** The saved Logs Insights query `interactions-<env>/security/<id>`. */
  readonly query: SecurityQuery;
  /** How the alarm compares: a static threshold, or the anomaly detection band of the metric. */
  readonly detection: 'threshold' | 'anomaly';
}

/** Every signal, by id. */
export const SECURITY_SIGNALS: Readonly<Record<SecuritySignalId, SecuritySignal>> = {
  'failed-logins': {
    id: 'failed-logins',
    title: 'Failed login attempts',
    source: 'backend',
    filterPattern: `{ $.event = "${BACKEND_SECURITY_EVENTS.loginFailed}" }`,
    metricName: 'FailedLogins',
    metricValue: '1',
    query: {
      fields: ['@timestamp', 'userId', 'sourceIp', 'reason', 'requestId'],
      filter: `event = "${BACKEND_SECURITY_EVENTS.loginFailed}"`,
      stats: 'count(*) as attempts by sourceIp, userId',
      sort: 'attempts desc',
      limit: 50,
    },
    detection: 'threshold',
  },
  'token-validation-failures': {
    id: 'token-validation-failures',
    title: 'Token validation failures',
    source: 'backend',
    filterPattern: `{ $.event = "${BACKEND_SECURITY_EVENTS.tokenInvalid}" }`,
    metricName: 'TokenValidationFailures',
    metricValue: '1',
    query: {
      fields: ['@timestamp', 'userId', 'sourceIp', 'reason', 'path', 'requestId'],
      filter: `event = "${BACKEND_SECURITY_EVENTS.tokenInvalid}"`,
      stats: 'count(*) as failures by reason, sourceIp',
      sort: 'failures desc',
      limit: 50,
    },
    detection: 'threshold',
  },
  'access-denied': {
    id: 'access-denied',
    title: 'Access denied',
    source: 'backend',
    filterPattern: `{ $.event = "${BACKEND_SECURITY_EVENTS.accessDenied}" }`,
    metricName: 'AccessDenied',
    metricValue: '1',
    query: {
      fields: ['@timestamp', 'userId', 'role', 'path', 'method', 'sourceIp', 'requestId'],
      filter: `event = "${BACKEND_SECURITY_EVENTS.accessDenied}"`,
      stats: 'count(*) as denials by userId, path',
      sort: 'denials desc',
      limit: 50,
    },
    detection: 'threshold',
  },
  'elevation-attempts': {
    id: 'elevation-attempts',
    title: 'Privilege elevation attempts',
    source: 'backend',
    filterPattern: `{ $.event = "${BACKEND_SECURITY_EVENTS.elevationAttempt}" }`,
    metricName: 'ElevationAttempts',
    metricValue: '1',
    query: {
      fields: ['@timestamp', 'userId', 'role', 'requestedRole', 'path', 'sourceIp', 'requestId'],
      filter: `event = "${BACKEND_SECURITY_EVENTS.elevationAttempt}"`,
      sort: '@timestamp desc',
      limit: 100,
    },
    detection: 'threshold',
  },
  'vpc-flow-rejects': {
    id: 'vpc-flow-rejects',
    title: 'VPC flow log rejects',
    source: 'vpc-flow-logs',
    filterPattern: `[${FLOW_LOG_FIELDS}, action = "REJECT", logstatus]`,
    metricName: 'VpcFlowRejects',
    metricValue: '1',
    query: {
      fields: ['@timestamp', 'srcAddr', 'dstAddr', 'dstPort', 'protocol'],
      filter: 'action = "REJECT"',
      stats: 'count(*) as rejects by srcAddr, dstPort',
      sort: 'rejects desc',
      limit: 50,
    },
    detection: 'threshold',
  },
  'unusual-traffic': {
    id: 'unusual-traffic',
    title: 'Unusual traffic volume (anomaly detection)',
    source: 'vpc-flow-logs',
    filterPattern: `[${FLOW_LOG_FIELDS}, action = "ACCEPT", logstatus]`,
    metricName: 'VpcAcceptedBytes',
    metricValue: '$bytes',
    query: {
      fields: ['@timestamp', 'srcAddr', 'dstAddr', 'bytes'],
      filter: 'action = "ACCEPT"',
      stats: 'sum(bytes) as totalBytes by srcAddr, dstAddr',
      sort: 'totalBytes desc',
      limit: 50,
    },
    detection: 'anomaly',
  },
  'database-sensitive-access': {
    id: 'database-sensitive-access',
    title: 'Sensitive data access (pgaudit)',
    source: 'postgresql',
    // pgaudit writes "AUDIT: OBJECT,..." for the tables granted to its audit role, "AUDIT: SESSION,..." for DDL and roles.
    filterPattern: '"AUDIT: OBJECT"',
    metricName: 'SensitiveDataAccess',
    metricValue: '1',
    query: {
      fields: ['@timestamp', '@message'],
      parse:
        '@message "AUDIT: *,*,*,*,*,*,*," as auditType, statementId, substatementId, auditClass, command, objectType, objectName',
      filter: '@message like /AUDIT: (OBJECT|SESSION)/',
      stats: 'count(*) as statements by auditType, command, objectName',
      sort: 'statements desc',
      limit: 50,
    },
    detection: 'threshold',
  },
};

/** Name of a signal's alarm: `interactions-<env>-security-<id>` (the remediation rule's prefix covers it). */
export function securityAlarmName(environment: string, id: SecuritySignalId): string {
  return `interactions-${environment}-security-${id}`;
}

/** Name of a signal's Logs Insights saved query (folders by `/`). */
export function securityQueryName(environment: string, id: SecuritySignalId): string {
  return `interactions-${environment}/security/${id}`;
}

/** The signal an alarm name belongs to; undefined for any other alarm. */
export function signalOfAlarm(alarmName: string): SecuritySignalId | undefined {
  return SECURITY_SIGNAL_IDS.find((id) => alarmName.endsWith(`-security-${id}`));
}
