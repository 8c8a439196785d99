/**
 * Which alarms the platform creates, under which names, and which playbook each one routes to.
 *
 * The alarm names are the ones `infra/constructs/monitoring/alarms.ts` builds:
 * `interactions-<env>-<suffix>`, one alarm per config rule in `monitoring.alarms`, one per ECS
 * service for the healthy-tasks rule and one per cache node (`-001`, `-002`, ...) for the three
 * cache-memory rules. Routing is derived from the same config (rule keys, `cache.numNodes`), and
 * the `satisfies` below makes a new rule without a route a type error; a test synthesizes the
 * platform stack and routes every alarm it creates, so a renamed alarm fails the build too.
 */
import type { EnvironmentName, MonitoringConfig } from '../../infra/config/types.js';
import { names } from '../naming.js';
import type { PlaybookId } from './playbooks.js';

/** A rule of `monitoring.alarms` (the seed's alert table). */
export type AlarmKey = keyof MonitoringConfig['alarms'];

/** The ECS services with a healthy-tasks alarm each. */
export const ALARMED_SERVICES = ['frontend', 'backend'] as const;

/**
 * Suffix of the security monitoring alarms' names (`interactions-<env>-security-...`): they all
 * route to `security-notify`, whatever the rest of the name.
 */
export const SECURITY_ALARM_INFIX = 'security-';

/** How one config rule becomes alarms: their name suffixes, playbook and the resource each acts on. */
interface RuleRoute {
  readonly playbook: PlaybookId;
  /** Alarm name suffixes (after `interactions-<env>-`), each with the resource it watches. */
  readonly alarms: (env: EnvironmentName, cacheNodeCount: number) => readonly { suffix: string; resource: string }[];
}

/** `001`, `002`, ...: the member cluster ordinals of a cluster-mode-disabled replication group. */
export function cacheNodeOrdinals(cacheNodeCount: number): string[] {
  if (!Number.isInteger(cacheNodeCount) || cacheNodeCount < 1) {
    throw new RangeError(`cacheNodeCount must be a positive integer, got ${cacheNodeCount}`);
  }
  return Array.from({ length: cacheNodeCount }, (_, i) => String(i + 1).padStart(3, '0'));
}

// The API error rate and the ALB 5xx rate both point at the application's deployments (the
// playbook rolls back whichever service deployed last), so they share one resource and cooldown.
const application = (env: EnvironmentName) => `application/${names.prefix(env)}`;
const database = (env: EnvironmentName) => `db-instance/${names.databaseInstance(env)}`;
const cacheMemory =
  (variant: '' | '-warning' | '-critical') =>
  (env: EnvironmentName, cacheNodeCount: number): { suffix: string; resource: string }[] =>
    cacheNodeOrdinals(cacheNodeCount).map((ordinal) => ({
      suffix: `cache-memory${variant}-${ordinal}`,
      resource: `cache-node/${names.cacheReplicationGroup(env)}-${ordinal}`,
    }));

/** The route of every rule of `monitoring.alarms`. */
export const RULE_ROUTES = {
  apiErrorRatePercent: {
    playbook: 'api-error-rate',
    alarms: (env) => [{ suffix: 'api-error-rate', resource: application(env) }],
  },
  alb5xxPercent: {
    playbook: 'api-error-rate',
    alarms: (env) => [{ suffix: 'alb-5xx-rate', resource: application(env) }],
  },
  databaseCpuPercent: {
    playbook: 'database-cpu',
    alarms: (env) => [{ suffix: 'database-cpu', resource: database(env) }],
  },
  rdsStoragePercent: {
    playbook: 'rds-storage',
    alarms: (env) => [{ suffix: 'rds-storage', resource: database(env) }],
  },
  ecsHealthyTasksPercent: {
    playbook: 'ecs-service-health',
    alarms: (env) =>
      ALARMED_SERVICES.map((service) => ({
        suffix: `ecs-${service}-healthy-tasks`,
        resource: `ecs-service/${names.cluster(env)}/${names.service(env, service)}`,
      })),
  },
  cacheMemoryPercent: { playbook: 'cache-memory', alarms: cacheMemory('') },
  cacheMemoryWarningPercent: { playbook: 'cache-memory', alarms: cacheMemory('-warning') },
  cacheMemoryCriticalPercent: { playbook: 'cache-memory', alarms: cacheMemory('-critical') },
} as const satisfies Record<AlarmKey, RuleRoute>;

/** One alarm the platform creates, with its route. */
export interface CatalogAlarm {
  /** Full alarm name, `interactions-<env>-<suffix>`. */
  readonly alarmName: string;
  /** The config rule it comes from. */
  readonly rule: AlarmKey;
  readonly playbook: PlaybookId;
  /** What the playbook acts on; cooldowns are kept per playbook and resource too. */
  readonly resource: string;
}

/** Where an alarm routes: its playbook and resource, and the rule it comes from (`security` for security alarms). */
export interface AlarmRoute {
  readonly alarmName: string;
  readonly rule: AlarmKey | 'security';
  readonly playbook: PlaybookId;
  readonly resource: string;
}

/** What routing needs from the environment's config. */
export interface CatalogScope {
  readonly env: EnvironmentName;
  /** `cache.numNodes`: one set of cache-memory alarms per node. */
  readonly cacheNodeCount: number;
}

/** Full name of a platform alarm: `interactions-<env>-<suffix>` (as the monitoring construct names it). */
export function platformAlarmName(env: EnvironmentName, suffix: string): string {
  return `${names.prefix(env)}-${suffix}`;
}

/** Every alarm of the alert table the platform creates in `scope.env`, with its route. */
export function catalogAlarms(scope: CatalogScope): CatalogAlarm[] {
  return (Object.keys(RULE_ROUTES) as AlarmKey[]).flatMap((rule) => {
    const route: RuleRoute = RULE_ROUTES[rule];
    return route.alarms(scope.env, scope.cacheNodeCount).map(({ suffix, resource }) => ({
      alarmName: platformAlarmName(scope.env, suffix),
      rule,
      playbook: route.playbook,
      resource,
    }));
  });
}

/**
 * The route of `alarmName` in `scope.env`, or undefined when the alarm is not one of the
 * environment's (another environment's alarm, an alarm made by hand): nothing acts on it.
 */
export function routeAlarm(alarmName: string, scope: CatalogScope): AlarmRoute | undefined {
  const known = catalogAlarms(scope).find((alarm) => alarm.alarmName === alarmName);
  if (known) return known;
  const securityPrefix = platformAlarmName(scope.env, SECURITY_ALARM_INFIX);
  if (alarmName.startsWith(securityPrefix) && alarmName.length > securityPrefix.length) {
    return { alarmName, rule: 'security', playbook: 'security-notify', resource: `alarm/${alarmName}` };
  }
  return undefined;
}
