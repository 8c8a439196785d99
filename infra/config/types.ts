/**
 * The shape of one environment's configuration. Every number of the seed's tables lives here,
 * once per environment; constructs receive only the slice they need.
 */
import type { DrillsConfig } from './drills.js';

export * from './drills.js';

import type { DeploymentStrategyConfig } from './deployment.js';
import type { FailoverDrillConfig } from './failover-drill.js';

export type { FailoverDrillConfig } from './failover-drill.js';

import type { VerificationConfig } from './verification.js';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export type Severity = 'high' | 'medium' | 'low';

export * from './deployment.js';
export * from './remediation.js';
export * from './security-monitoring.js';
export * from './verification.js';

import type { RemediationConfig } from './remediation.js';
import type { SecurityMonitoringConfig } from './security-monitoring.js';

/** Network: the seed's VPC with public, private-app and private-data subnets over two AZs. */
export interface NetworkConfig {
  readonly vpcCidr: string;
  /** Explicit AZ names keep synth free of context lookups (no credentials needed). */
  readonly availabilityZones: readonly string[];
  /** NAT gateways for the private-app subnets: one per AZ where redundancy matters. */
  readonly natGateways: number;
  readonly flowLogRetentionDays: number;
}

/** RDS PostgreSQL, the seed's "RDS Configuration" table and parameter group. */
export interface DatabaseConfig {
  readonly engineMajorVersion: '15';
  /** Instance class without the `db.` prefix, e.g. `t3.large`. */
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly storageType: 'gp2' | 'gp3';
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  /** Daily automated backup window (UTC), kept clear of the maintenance window. */
  readonly preferredBackupWindow: string;
  /** Seed: Sun 03:00-04:00 (dev), 04:00-05:00 (staging), 05:00-06:00 (prod), in RDS syntax. */
  readonly preferredMaintenanceWindow: string;
  readonly deletionProtection: boolean;
  readonly performanceInsights: boolean;
  readonly logRetentionDays: number;
  readonly credentialsSecretName: string;
  readonly credentialsRotationDays: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** Parameter group values, exactly as RDS receives them (formulas for memory fractions). */
  readonly parameters: Readonly<Record<string, string>>;
}

/** ElastiCache Redis, the seed's "ElastiCache Setup" table. */
export interface CacheConfig {
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly numNodes: number;
  readonly multiAz: boolean;
  readonly automaticFailover: boolean;
  readonly atRestEncryption: boolean;
  readonly transitEncryption: boolean;
  readonly maxmemoryPolicy: 'volatile-lru';
  readonly logRetentionDays: number;
  /** Days of automatic Redis snapshots kept (0 disables them). */
  readonly snapshotRetentionDays: number;
  readonly snapshotWindow: string;
  /** The seed's TTL strategy, published to Parameter Store for the application. */
  readonly ttlSeconds: {
    readonly authTokens: number;
    readonly searchResults: number;
    readonly referenceData: number;
  };
}

export interface ContainerSize {
  /** Fargate CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** One target-tracking policy of the seed's "Container Scaling Policies" table. */
export interface ScalingRule {
  readonly scaleOutAbove: number;
  readonly scaleOutMinutes: number;
  readonly scaleInBelow: number;
  readonly scaleInMinutes: number;
  readonly cooldownSeconds: number;
}

/** ECS Fargate, the seed's "Amazon ECS Configuration" table. */
export interface ComputeConfig {
  readonly clusterName: string;
  readonly frontend: ContainerSize;
  readonly backend: ContainerSize;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly scaling: {
    readonly cpuPercent: ScalingRule;
    readonly memoryPercent: ScalingRule;
    /** Requests per minute per target. */
    readonly requestsPerTargetPerMinute: ScalingRule;
  };
  /** Image tags in the seed's format `{component}-{semver}-{env}-{git_short_hash}`. */
  readonly images: {
    readonly frontendTag: string;
    readonly backendTag: string;
  };
  readonly frontendPort: number;
  readonly backendPort: number;
  /** Path the ALB health check and the deployment verification probe. */
  readonly healthCheckPath: string;
  /** ACM certificate for the ALB's HTTPS listener; absent means a placeholder from context. */
  readonly albCertificateArn: string;
  readonly logRetentionDays: number;
  /** GitHub repository allowed to assume `interactions-ci-cd` through OIDC, `owner/name`. */
  readonly githubRepository: string;
  /** Rolling (circuit breaker) or blue/green with the deployment verification gate (deployment.ts). */
  readonly deploymentStrategy: DeploymentStrategyConfig;
}

/** S3 and CloudFront, the seed's "Static Asset Management" section. */
export interface CdnConfig {
  readonly bucketName: string;
  readonly noncurrentVersionExpirationDays: number;
  readonly priceClass: 'PriceClass_100';
  readonly defaultTtlSeconds: number;
  readonly staticTtlSeconds: number;
  readonly buildTtlSeconds: number;
  readonly originShieldRegion: string;
  /** Custom domain and its us-east-1 ACM certificate; empty means the CloudFront domain. */
  readonly domainNames: readonly string[];
  readonly certificateArn: string;
}

/** AWS WAF and Shield. */
export interface SecurityConfig {
  /** Requests per 5 minutes from one IP before the rate-based rule blocks. */
  readonly wafRateLimitPer5Minutes: number;
  /** Shield Advanced is a paid subscription: off by default, Shield Standard always applies. */
  readonly shieldAdvanced: boolean;
}

/** One alarm of the seed's "Alert Configuration" table. */
export interface AlarmRule {
  readonly threshold: number;
  /** How long the breach must last, in minutes (0 where the seed gives no duration). */
  readonly forMinutes: number;
  readonly severity: Severity;
}

export interface MonitoringConfig {
  readonly alarms: {
    readonly apiErrorRatePercent: AlarmRule;
    readonly databaseCpuPercent: AlarmRule;
    readonly ecsHealthyTasksPercent: AlarmRule;
    readonly cacheMemoryPercent: AlarmRule;
    readonly rdsStoragePercent: AlarmRule;
    readonly alb5xxPercent: AlarmRule;
    /** The seed's "Memory usage alarms set at 75% and 90%" for the cache. */
    readonly cacheMemoryWarningPercent: AlarmRule;
    readonly cacheMemoryCriticalPercent: AlarmRule;
  };
  /** Subscriptions per severity topic: email addresses and HTTPS endpoints (PagerDuty, Slack). */
  readonly subscriptions: Readonly<
    Record<Severity, { readonly emails: readonly string[]; readonly httpsEndpoints: readonly string[] }>
  >;
  readonly lambdaLogRetentionDays: number;
}

/** The automation layer's settings (backups, drills, verification, remediation). */
export interface AutomationConfig {
  /** Newest automated backup must be younger than this. */
  readonly backupMaxAgeHours: number;
  /** Maximum lag of RDS LatestRestorableTime behind now. */
  readonly restoreLagThresholdMinutes: number;
  /** AWS's default quota of manual DB snapshots per region. */
  readonly manualSnapshotQuota: number;
  /** Warn when manual snapshots reach this fraction of the quota. */
  readonly manualSnapshotWarnFraction: number;
  /** Days the automation keeps its own manual snapshots. */
  readonly manualSnapshotRetentionDays: number;
  /** Region that receives snapshot copies for region DR; empty disables it. */
  readonly drRegion: string;
  /** Whether the nightly run also snapshots ElastiCache. */
  readonly cacheSnapshotNightly: boolean;
  /**
   * Backup verification's nightly schedule (EventBridge cron, UTC, one fixed time a day): at least
   * 2 hours (the housekeeping's timeout) after `housekeepingSchedule`, so it checks what tonight's
   * housekeeping made.
   */
  readonly nightlySchedule: string;
  /**
   * Snapshot housekeeping's nightly schedule (EventBridge cron, UTC, one fixed time a day): after the
   * database backup and cache snapshot windows. Environments use different minutes, so their nightly
   * runs never start together.
   */
  readonly housekeepingSchedule: string;
  readonly reportsRetentionDays: number;
  /**
   * Hours between runs of the drill leftover sweep (1-24): the backstop that deletes drill resources
   * whose own drill did not. Also the sweep's dead-man period.
   */
  readonly drillLeftoverSweepHours: number;
  /** Severity topic that automation failures notify. */
  readonly failureSeverity: Severity;
}

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /** Account id; empty keeps stacks account-agnostic so synth needs no credentials. */
  readonly account: string;
  readonly region: string;
  readonly network: NetworkConfig;
  readonly database: DatabaseConfig;
  readonly cache: CacheConfig;
  readonly compute: ComputeConfig;
  readonly cdn: CdnConfig;
  readonly security: SecurityConfig;
  readonly monitoring: MonitoringConfig;
  readonly automation: AutomationConfig;
  /** Deployment verification: HTTP checks, login, frontend, cache and per-check timeouts. */
  readonly verification: VerificationConfig;
  /** Disaster-recovery drills: recovery objectives and the restored data's checks. */
  readonly drills: DrillsConfig;
  /** Alarm remediation guardrails and state table. */
  readonly remediation: RemediationConfig;
  /** Security signals (metric filters, alarms, saved queries) and pgaudit. */
  readonly securityMonitoring: SecurityMonitoringConfig;
  /** The bi-annual Multi-AZ failover drill (infra/config/failover-drill.ts). */
  readonly failoverDrill: FailoverDrillConfig;
  /** Tags applied to every resource of the environment. */
  readonly tags: Readonly<Record<string, string>>;
}
