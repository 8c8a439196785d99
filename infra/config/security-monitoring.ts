/**
 * Security monitoring of one environment (the seed's "Security Monitoring" table): for each
 * security signal (shared/security-signals.ts) how many events in five minutes raise its alarm and
 * the topic it notifies; which database tables pgaudit audits and which statement classes it logs.
 */
import { SECURITY_SIGNAL_IDS, type SecuritySignalId } from '../../shared/security-signals.js';
import type { EnvironmentName, Severity } from './types.js';

/** When a signal alarms, and whom it tells. */
export interface SecuritySignalRule {
  /**
   * Events in five minutes at or above which the alarm fires; for `unusual-traffic` (anomaly
   * detection) the width of the expected band in standard deviations.
   */
  readonly threshold: number;
  readonly severity: Severity;
}

/** Security monitoring settings. */
export interface SecurityMonitoringConfig {
  readonly signals: Readonly<Record<SecuritySignalId, SecuritySignalRule>>;
  /**
   * Tables (`schema.table`) whose reads and writes pgaudit logs (object auditing through the
   * `rds_pgaudit` role; the application's migrations grant it on these tables, see
   * workflows/alarm-remediation/README.md). Published to Parameter Store for them.
   */
  readonly auditedTables: readonly string[];
  /** pgaudit session classes logged for every statement (`pgaudit.log`), e.g. `ddl,role`. */
  readonly pgauditLog: string;
}

/** The seed's table with thresholds a normal day stays under; environments spread it and change what differs. */
export const SECURITY_SIGNAL_RULES: Readonly<Record<SecuritySignalId, SecuritySignalRule>> = {
  'failed-logins': { threshold: 20, severity: 'medium' },
  'token-validation-failures': { threshold: 50, severity: 'medium' },
  'access-denied': { threshold: 20, severity: 'medium' },
  // Nobody should try to raise their own role: one attempt is worth a look.
  'elevation-attempts': { threshold: 1, severity: 'high' },
  'vpc-flow-rejects': { threshold: 500, severity: 'low' },
  'unusual-traffic': { threshold: 3, severity: 'medium' },
  'database-sensitive-access': { threshold: 1000, severity: 'low' },
};

/** Tables holding customer data in the seed's data model. */
export const AUDITED_TABLES: readonly string[] = ['public.customers', 'public.interactions', 'public.users'];

/** pgaudit session classes logged everywhere: schema changes and role/permission changes. */
export const PGAUDIT_SESSION_CLASSES = 'ddl,role';

const PGAUDIT_CLASSES = new Set(['read', 'write', 'function', 'role', 'ddl', 'misc', 'misc_set', 'all', 'none']);

/** Every problem of an environment's security monitoring settings, each naming its field. */
export function validateSecurityMonitoringConfig(_env: EnvironmentName, config: SecurityMonitoringConfig): string[] {
  const problems: string[] = [];
  for (const id of SECURITY_SIGNAL_IDS) {
    const rule = config.signals[id];
    if (rule === undefined) {
      problems.push(`securityMonitoring.signals.${id}: missing`);
      continue;
    }
    if (!(Number.isFinite(rule.threshold) && rule.threshold > 0)) {
      problems.push(`securityMonitoring.signals.${id}.threshold: must be positive, got ${rule.threshold}`);
    }
  }
  for (const table of config.auditedTables) {
    if (!/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(table)) {
      problems.push(`securityMonitoring.auditedTables: '${table}' is not schema.table in lower case`);
    }
  }
  const classes = config.pgauditLog.split(',').map((c) => c.trim().replace(/^-/, ''));
  for (const unknown of classes.filter((c) => !PGAUDIT_CLASSES.has(c))) {
    problems.push(
      `securityMonitoring.pgauditLog: '${unknown}' is not a pgaudit class (${[...PGAUDIT_CLASSES].join(', ')})`,
    );
  }
  return problems;
}

/** Every environment's security monitoring: the same signals, audited tables and pgaudit classes. */
export const SECURITY_MONITORING: SecurityMonitoringConfig = {
  signals: SECURITY_SIGNAL_RULES,
  auditedTables: AUDITED_TABLES,
  pgauditLog: PGAUDIT_SESSION_CLASSES,
};
