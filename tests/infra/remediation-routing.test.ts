/**
 * Routing and alarm creation cannot drift: every alarm the synthesized platform stack creates
 * routes to a playbook, under exactly the names the remediation catalog derives from the same
 * config, in every environment.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { addEnvironment } from '../../infra/app.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { catalogAlarms, routeAlarm } from '../../shared/remediation/alarm-catalog.js';
import { policyFromConfig } from '../../shared/remediation/policy.js';
import { SECURITY_SIGNAL_IDS, securityAlarmName } from '../../shared/security-signals.js';
import { testApp } from '../support/cdk-app.js';

const app = testApp();
// Every environment is added before the first synth (the app refuses changes after it).
const built = ENVIRONMENT_NAMES.map((env) => {
  const config = loadConfig(env);
  return { env, config, platform: addEnvironment(app, config).platform };
});
const synthesized = built.map(({ env, config, platform }) => {
  const alarms = Template.fromStack(platform).findResources('AWS::CloudWatch::Alarm');
  const alarmNames = Object.values(alarms).map((alarm) => String(alarm.Properties?.AlarmName));
  return { env, scope: policyFromConfig(config).catalog, alarmNames };
});

describe.each(synthesized)('remediation routing in $env', ({ env, scope, alarmNames }) => {
  it('routes every alarm of the platform stack to a playbook', () => {
    // Act
    const unrouted = alarmNames.filter((name) => routeAlarm(name, scope) === undefined);

    // Assess
    // Six single alarms (two of them per ECS service), three memory alarms per cache node, one per security signal.
    expect(alarmNames).toHaveLength(6 + 3 * scope.cacheNodeCount + SECURITY_SIGNAL_IDS.length);
    expect(unrouted).toEqual([]);
  });

  it('names exactly the alarms the platform creates', () => {
    const security = SECURITY_SIGNAL_IDS.map((id) => securityAlarmName(env, id));
    expect([...catalogAlarms(scope).map((alarm) => alarm.alarmName), ...security].sort()).toEqual(
      [...alarmNames].sort(),
    );
    expect(security.map((name) => routeAlarm(name, scope)?.playbook)).toEqual(security.map(() => 'security-notify'));
  });

  it('routes each rule of the alert table to the playbook the issue gives it', () => {
    // Act
    const byRule = Object.fromEntries(catalogAlarms(scope).map((alarm) => [alarm.rule, alarm.playbook]));

    // Assess
    expect(byRule).toEqual({
      apiErrorRatePercent: 'api-error-rate',
      alb5xxPercent: 'api-error-rate',
      databaseCpuPercent: 'database-cpu',
      rdsStoragePercent: 'rds-storage',
      ecsHealthyTasksPercent: 'ecs-service-health',
      cacheMemoryPercent: 'cache-memory',
      cacheMemoryWarningPercent: 'cache-memory',
      cacheMemoryCriticalPercent: 'cache-memory',
    });
    expect(routeAlarm(`interactions-${env}-security-access-denied`, scope)?.playbook).toBe('security-notify');
  });
});
