/**
 * The severity each alarm's remediation notifies: the one the config gives the alarm's rule
 * (`monitoring.alarms.<rule>.severity`), the same topic the alarm itself notifies.
 */
import type { EnvironmentConfig } from '../../infra/config/index.js';
import { catalogAlarms } from '../../shared/remediation/alarm-catalog.js';
import type { Severity } from '../../shared/schemas.js';

/** Alarm name -> severity, for every alarm the platform creates with a playbook. */
export function alarmSeverities(config: EnvironmentConfig): Record<string, Severity> {
  const alarms = catalogAlarms({ env: config.name, cacheNodeCount: config.cache.numNodes });
  return Object.fromEntries(alarms.map((alarm) => [alarm.alarmName, config.monitoring.alarms[alarm.rule].severity]));
}
