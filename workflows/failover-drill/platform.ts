/**
 * What the failover drill takes from the platform stack, and how the automation stack maps it and
 * the config onto the workflow's props (one place, shared with the testbed's config mapping).
 */
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { EnvironmentConfig } from '../../infra/config/index.js';
import { appHealthUrl, resolvePublicUrls } from '../../infra/config/public-urls.js';
import { POSTGRES_PORT } from '../../infra/constructs/network.js';
import type { FailoverDrillWorkflowProps, ProbeTargets } from './construct.js';

/** The platform's references the drill needs (PlatformStack satisfies it structurally). */
export interface FailoverPlatformRefs {
  /** The alarms of each rule of the alert table (`monitoring.alarms` of the config says each one's severity). */
  readonly monitoring: { readonly alarms: Readonly<Record<string, readonly cloudwatch.IAlarm[]>> };
  readonly database: { readonly instance: rds.IDatabaseInstance; readonly secret: secretsmanager.ISecret };
  readonly network: {
    readonly vpc: ec2.IVpc;
    /** The data tier's groups: the prober's access is added to them from the automation stack. */
    readonly databaseSecurityGroup: ec2.ISecurityGroup;
    readonly cacheSecurityGroup: ec2.ISecurityGroup;
  };
  readonly cache: {
    readonly replicationGroupId: string;
    readonly primaryEndpointAddress: string;
    readonly port: number;
    readonly authToken?: secretsmanager.ISecret;
  };
  readonly compute: { readonly loadBalancer: { readonly loadBalancerDnsName: string } };
}

/** The alarms of every rule the config marks high severity: the experiment's stop conditions. */
export function highSeverityAlarms(
  config: EnvironmentConfig,
  alarms: Readonly<Record<string, readonly cloudwatch.IAlarm[]>>,
): cloudwatch.IAlarm[] {
  return Object.entries(config.monitoring.alarms)
    .filter(([, rule]) => rule.severity === 'high')
    .flatMap(([key]) => alarms[key] ?? []);
}

/** The config part of the drill's props (what is not a reference to another construct). */
export function failoverDrillConfig(config: EnvironmentConfig) {
  const drill = config.failoverDrill;
  return {
    failureSeverity: config.automation.failureSeverity,
    scheduleExpression: drill.schedule,
    scheduleEnabled: drill.scheduleEnabled,
    changeFreezes: drill.changeFreezes,
    cacheInterruption: Duration.minutes(drill.cacheInterruptionMinutes),
    experimentBudget: Duration.minutes(drill.experimentBudgetMinutes),
    probeWindow: Duration.seconds(drill.probeWindowSeconds),
    availabilityZones: config.network.availabilityZones,
    cacheNodeCount: config.cache.numNodes,
    // FIS selects replication groups by tags only; the environment's tags are on the platform's group
    // (infra/app.ts), and the drill's pre-check refuses to run unless they select exactly that group.
    cacheTargetTags: config.tags,
  } as const satisfies Partial<FailoverDrillWorkflowProps>;
}

/**
 * The prober's health URL: the application's public URL where one is known (a domain, or
 * `verification.appUrl`), whose name the ALB certificate covers; otherwise the ALB's DNS name, whose
 * TLS check fails against that certificate (the workflow README says what to configure).
 */
function proberHealthUrl(platform: FailoverPlatformRefs, config: EnvironmentConfig): string {
  const { appUrl } = resolvePublicUrls(config.verification);
  const base = appUrl ?? `https://${platform.compute.loadBalancer.loadBalancerDnsName}`;
  return appHealthUrl(base, config.compute.healthCheckPath);
}

/** The reference part of the drill's props. */
export function failoverDrillPlatformProps(platform: FailoverPlatformRefs, config: EnvironmentConfig) {
  const probeTargets: ProbeTargets = {
    databaseHost: platform.database.instance.dbInstanceEndpointAddress,
    databasePort: POSTGRES_PORT,
    databaseName: config.database.databaseName,
    databaseSecret: platform.database.secret,
    cacheHost: platform.cache.primaryEndpointAddress,
    cachePort: platform.cache.port,
    cacheTls: config.cache.transitEncryption,
    cacheAuthToken: platform.cache.authToken,
    healthUrl: proberHealthUrl(platform, config),
  };
  return {
    database: platform.database.instance,
    cacheReplicationGroupId: platform.cache.replicationGroupId,
    stopConditionAlarms: highSeverityAlarms(config, platform.monitoring.alarms),
    vpc: platform.network.vpc,
    dataSecurityGroups: {
      database: platform.network.databaseSecurityGroup,
      cache: platform.network.cacheSecurityGroup,
    },
    probeTargets,
  } as const satisfies Partial<FailoverDrillWorkflowProps>;
}
