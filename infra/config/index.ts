/**
 * Loads and validates one environment's configuration. Validation collects every problem so a
 * broken config is fixed in one pass, and names each field by its path.
 */
import { dev } from './dev.js';
import { validateDrillsConfig } from './drills.js';
import { prod } from './prod.js';
import { staging } from './staging.js';
import {
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  type MonitoringConfig,
  type Severity,
} from './types.js';
import { validateVerification } from './verification.js';

export * from './types.js';

const CONFIGS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = { dev, staging, prod };

/** Values a deploy may set from CDK context (`-c frontendTag=...`) without editing the files. */
export interface ConfigOverrides {
  readonly account?: string;
  readonly frontendTag?: string;
  readonly backendTag?: string;
  readonly albCertificateArn?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for environment '${environment}':\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function isEnvironmentName(value: string): value is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(value);
}

/** Returns the validated config of `name`, with context overrides applied. */
export function loadConfig(name: string, overrides: ConfigOverrides = {}): EnvironmentConfig {
  if (!isEnvironmentName(name)) {
    throw new ConfigError(name, [`unknown environment '${name}': expected one of ${ENVIRONMENT_NAMES.join(', ')}`]);
  }
  const config = applyOverrides(CONFIGS[name], overrides);
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigError(name, problems);
  return config;
}

export function applyOverrides(base: EnvironmentConfig, overrides: ConfigOverrides): EnvironmentConfig {
  return {
    ...base,
    account: overrides.account ?? base.account,
    compute: {
      ...base.compute,
      albCertificateArn: overrides.albCertificateArn ?? base.compute.albCertificateArn,
      images: {
        frontendTag: overrides.frontendTag ?? base.compute.images.frontendTag,
        backendTag: overrides.backendTag ?? base.compute.images.backendTag,
      },
    },
  };
}

// RDS `ddd:hh24:mi-ddd:hh24:mi` and backup `hh24:mi-hh24:mi` windows.
const MAINTENANCE_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;
const DAILY_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
const ACM_ARN = /^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const SEMVER = '\\d+\\.\\d+\\.\\d+';
/** `from`..`to` MiB in 1 GiB steps. */
const gibSteps = (from: number, to: number): number[] =>
  Array.from({ length: (to - from) / 1024 + 1 }, (_, i) => from + i * 1024);
/** Fargate's valid CPU units and the exact memory sizes (MiB) ECS accepts with each. */
const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: gibSteps(1024, 4096),
  1024: gibSteps(2048, 8192),
  2048: gibSteps(4096, 16384),
  4096: gibSteps(8192, 30720),
};
/** The account of the placeholder ALB certificate ARNs in the env files (AWS's documentation account). */
export const PLACEHOLDER_ACCOUNT = '123456789012';
/** CloudWatch Logs only accepts these retention values. */
export const VALID_LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Whether a severity's subscriptions reach anyone (an email address or an https endpoint). */
export function hasSubscriber(subscriptions: MonitoringConfig['subscriptions'][Severity]): boolean {
  return subscriptions.emails.length > 0 || subscriptions.httpsEndpoints.length > 0;
}

/** Every problem of `config`, each naming the field; empty when the config is sound. */
export function validateConfig(config: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  const env = config.name;
  const { network, database, cache, compute, cdn, monitoring, automation, security } = config;

  check(isEnvironmentName(env), `name: '${env}' is not one of ${ENVIRONMENT_NAMES.join(', ')}`);
  check(config.account === '' || /^\d{12}$/.test(config.account), `account: '${config.account}' is not a 12-digit id`);
  check(/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region), `region: '${config.region}' is not an AWS region name`);

  // Network
  check(
    /^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/.test(network.vpcCidr),
    `network.vpcCidr: '${network.vpcCidr}' is not a /16-/24 CIDR`,
  );
  check(
    network.availabilityZones.length === 2,
    `network.availabilityZones: the seed's layout spans exactly 2 AZs, got ${network.availabilityZones.length}`,
  );
  check(
    network.availabilityZones.every((az) => az.startsWith(config.region)),
    `network.availabilityZones: every AZ must be in region ${config.region}`,
  );
  check(
    network.natGateways >= 1 && network.natGateways <= 2,
    `network.natGateways: must be 1 or 2, got ${network.natGateways}`,
  );

  // Database
  check(
    /^[a-z0-9]+\.[a-z0-9]+$/.test(database.instanceClass) && !database.instanceClass.startsWith('db.'),
    `database.instanceClass: '${database.instanceClass}' must look like 't3.large' (no 'db.' prefix)`,
  );
  check(
    database.allocatedStorageGiB >= 20 && database.allocatedStorageGiB <= 65536,
    `database.allocatedStorageGiB: ${database.allocatedStorageGiB} is outside 20-65536`,
  );
  check(
    database.backupRetentionDays >= 1 && database.backupRetentionDays <= 35,
    `database.backupRetentionDays: ${database.backupRetentionDays} is outside 1-35 (RDS limits; 0 would disable point-in-time recovery)`,
  );
  check(
    MAINTENANCE_WINDOW.test(database.preferredMaintenanceWindow),
    `database.preferredMaintenanceWindow: '${database.preferredMaintenanceWindow}' is not 'ddd:hh:mm-ddd:hh:mm'`,
  );
  check(
    DAILY_WINDOW.test(database.preferredBackupWindow),
    `database.preferredBackupWindow: '${database.preferredBackupWindow}' is not 'hh:mm-hh:mm'`,
  );
  check(
    !windowsOverlap(database.preferredBackupWindow, database.preferredMaintenanceWindow),
    `database.preferredBackupWindow: '${database.preferredBackupWindow}' overlaps the maintenance window '${database.preferredMaintenanceWindow}'`,
  );
  check(
    database.credentialsSecretName === `/interactions/${env}/db-credentials`,
    `database.credentialsSecretName: must be '/interactions/${env}/db-credentials', got '${database.credentialsSecretName}'`,
  );
  check(
    database.credentialsRotationDays >= 1 && database.credentialsRotationDays <= 365,
    `database.credentialsRotationDays: ${database.credentialsRotationDays} is outside 1-365`,
  );
  check(
    VALID_LOG_RETENTION_DAYS.includes(database.logRetentionDays as never),
    `database.logRetentionDays: ${database.logRetentionDays} is not a CloudWatch Logs retention value`,
  );
  for (const key of [
    'max_connections',
    'shared_buffers',
    'effective_cache_size',
    'work_mem',
    'maintenance_work_mem',
    'autovacuum',
  ]) {
    check(
      database.parameters[key] !== undefined,
      `database.parameters: '${key}' is missing (the seed's parameter group sets it)`,
    );
  }

  // Cache
  check(cache.nodeType.startsWith('cache.'), `cache.nodeType: '${cache.nodeType}' must start with 'cache.'`);
  check(cache.numNodes >= 1 && cache.numNodes <= 6, `cache.numNodes: ${cache.numNodes} is outside 1-6`);
  check(
    !cache.automaticFailover || cache.numNodes >= 2,
    `cache.automaticFailover: needs at least 2 nodes, got ${cache.numNodes}`,
  );
  check(
    !cache.multiAz || cache.automaticFailover,
    'cache.multiAz: ElastiCache requires automaticFailover when Multi-AZ is on',
  );
  check(cache.atRestEncryption, 'cache.atRestEncryption: the seed encrypts cache data at rest in every environment');
  check(
    DAILY_WINDOW.test(cache.snapshotWindow),
    `cache.snapshotWindow: '${cache.snapshotWindow}' is not 'hh:mm-hh:mm'`,
  );
  check(
    VALID_LOG_RETENTION_DAYS.includes(cache.logRetentionDays as never),
    `cache.logRetentionDays: ${cache.logRetentionDays} is not a CloudWatch Logs retention value`,
  );

  // Compute
  check(
    compute.clusterName === `interactions-${env}`,
    `compute.clusterName: must be 'interactions-${env}', got '${compute.clusterName}'`,
  );
  for (const [component, size] of [
    ['frontend', compute.frontend],
    ['backend', compute.backend],
  ] as const) {
    const sizes = FARGATE_MEMORY[size.cpu];
    check(
      sizes !== undefined,
      `compute.${component}.cpu: ${size.cpu} is not a Fargate CPU value (${Object.keys(FARGATE_MEMORY).join(', ')})`,
    );
    if (sizes) {
      // ECS rejects any size between the steps (e.g. 3000 MiB with 1024 CPU units).
      check(
        sizes.includes(size.memoryMiB),
        `compute.${component}.memoryMiB: ${size.memoryMiB} is not a Fargate memory size for ${size.cpu} CPU units (${describeSizes(sizes)})`,
      );
    }
  }
  check(compute.minCapacity >= 1, `compute.minCapacity: must be at least 1, got ${compute.minCapacity}`);
  check(
    compute.maxCapacity >= compute.minCapacity,
    `compute.maxCapacity: ${compute.maxCapacity} is below minCapacity ${compute.minCapacity}`,
  );
  for (const [component, tag] of Object.entries({
    frontend: compute.images.frontendTag,
    backend: compute.images.backendTag,
  })) {
    check(
      new RegExp(`^${component}-${SEMVER}-${env}-[0-9a-f]{7,12}$`).test(tag),
      `compute.images.${component}Tag: '${tag}' does not follow '${component}-{semver}-${env}-{git_short_hash}'`,
    );
  }
  check(
    ACM_ARN.test(compute.albCertificateArn),
    `compute.albCertificateArn: '${compute.albCertificateArn}' is not an ACM certificate ARN`,
  );
  check(
    compute.albCertificateArn.split(':')[3] === config.region,
    `compute.albCertificateArn: the ALB certificate must be in ${config.region}`,
  );
  // The env files carry placeholder ARNs so that synth works without an account; a real deploy
  // (account set) would otherwise fail late in CloudFormation on a certificate that does not exist.
  const certificateAccount = compute.albCertificateArn.split(':')[4];
  if (config.account !== '') {
    check(
      certificateAccount !== PLACEHOLDER_ACCOUNT,
      `compute.albCertificateArn: '${compute.albCertificateArn}' is the placeholder certificate; a deploy to account ${config.account} needs the real ACM certificate ARN: set compute.albCertificateArn in infra/config/${env}.ts or pass -c albCertificateArn=<arn>`,
    );
    check(
      certificateAccount === PLACEHOLDER_ACCOUNT || certificateAccount === config.account,
      `compute.albCertificateArn: the ALB certificate must be in account ${config.account}, got ${certificateAccount}`,
    );
  }
  check(
    /^[\w.-]+\/[\w.-]+$/.test(compute.githubRepository),
    `compute.githubRepository: '${compute.githubRepository}' is not 'owner/name'`,
  );
  for (const [name, rule] of Object.entries(compute.scaling)) {
    check(
      rule.scaleInBelow < rule.scaleOutAbove,
      `compute.scaling.${name}: scaleInBelow ${rule.scaleInBelow} must be below scaleOutAbove ${rule.scaleOutAbove}`,
    );
    check(rule.cooldownSeconds > 0, `compute.scaling.${name}.cooldownSeconds: must be positive`);
  }

  // CDN
  check(
    cdn.bucketName === `interactions-${env}-assets`,
    `cdn.bucketName: must be 'interactions-${env}-assets', got '${cdn.bucketName}'`,
  );
  check(cdn.noncurrentVersionExpirationDays >= 1, 'cdn.noncurrentVersionExpirationDays: must be at least 1');
  check(
    (cdn.domainNames.length === 0) === (cdn.certificateArn === ''),
    'cdn.domainNames/certificateArn: a custom domain needs a certificate and a certificate needs a domain',
  );
  check(
    cdn.certificateArn === '' || (ACM_ARN.test(cdn.certificateArn) && cdn.certificateArn.split(':')[3] === 'us-east-1'),
    `cdn.certificateArn: CloudFront needs an ACM certificate in us-east-1, got '${cdn.certificateArn}'`,
  );
  check(
    cdn.staticTtlSeconds >= cdn.defaultTtlSeconds,
    'cdn.staticTtlSeconds: static assets live at least as long as the default TTL',
  );

  // Security
  check(
    security.wafRateLimitPer5Minutes >= 10,
    `security.wafRateLimitPer5Minutes: AWS WAF's minimum is 10, got ${security.wafRateLimitPer5Minutes}`,
  );

  // Monitoring
  for (const [name, rule] of Object.entries(monitoring.alarms)) {
    check(rule.threshold > 0, `monitoring.alarms.${name}.threshold: must be positive`);
    check(rule.forMinutes >= 0, `monitoring.alarms.${name}.forMinutes: must not be negative`);
  }
  for (const [severity, subs] of Object.entries(monitoring.subscriptions)) {
    for (const email of subs.emails)
      check(
        /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email),
        `monitoring.subscriptions.${severity}.emails: '${email}' is not an email address`,
      );
    for (const url of subs.httpsEndpoints)
      check(
        url.startsWith('https://'),
        `monitoring.subscriptions.${severity}.httpsEndpoints: '${url}' is not an https URL`,
      );
  }

  // Alarms page nobody without a high-severity subscriber. Synth without an account only warns (on
  // the high topic, see AlertTopics); a prod deploy, like the placeholder certificate above, fails.
  if (env === 'prod' && config.account !== '') {
    check(
      hasSubscriber(monitoring.subscriptions.high),
      `monitoring.subscriptions.high: prod has no high-severity subscriber, so a deploy to account ${config.account} would page nobody: add the on-call email or PagerDuty https endpoint to monitoring.subscriptions.high in infra/config/prod.ts`,
    );
  }

  // Automation
  check(
    automation.backupMaxAgeHours >= 24,
    `automation.backupMaxAgeHours: ${automation.backupMaxAgeHours} is shorter than the daily backup cycle`,
  );
  check(automation.manualSnapshotQuota > 0, 'automation.manualSnapshotQuota: must be positive');
  check(
    automation.manualSnapshotWarnFraction > 0 && automation.manualSnapshotWarnFraction <= 1,
    'automation.manualSnapshotWarnFraction: must be in (0, 1]',
  );
  check(automation.manualSnapshotRetentionDays >= 1, 'automation.manualSnapshotRetentionDays: must be at least 1');
  check(
    automation.drRegion === '' ||
      (automation.drRegion !== config.region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(automation.drRegion)),
    `automation.drRegion: '${automation.drRegion}' must be another AWS region or empty`,
  );
  check(
    /^cron\(.+\)$/.test(automation.nightlySchedule),
    `automation.nightlySchedule: '${automation.nightlySchedule}' is not a cron() expression`,
  );
  checkNightlySchedules(config, check);
  check(
    Number.isInteger(automation.drillLeftoverSweepHours) &&
      automation.drillLeftoverSweepHours >= 1 &&
      automation.drillLeftoverSweepHours <= 24,
    `automation.drillLeftoverSweepHours: ${automation.drillLeftoverSweepHours} must be a whole number of hours from 1 to 24`,
  );
  problems.push(...validateVerification(config.verification));

  // The rules production must keep, whatever else changes.
  if (env === 'prod') {
    check(database.multiAz, 'database.multiAz: prod must be Multi-AZ');
    check(database.deletionProtection, 'database.deletionProtection: prod must have deletion protection');
    check(
      database.backupRetentionDays >= 30,
      `database.backupRetentionDays: prod keeps at least 30 days, got ${database.backupRetentionDays}`,
    );
    check(
      cache.multiAz && cache.automaticFailover,
      'cache.multiAz: prod cache must be Multi-AZ with automatic failover',
    );
    check(cache.transitEncryption, 'cache.transitEncryption: prod cache must encrypt in transit');
    check(compute.minCapacity >= 2, `compute.minCapacity: prod runs at least 2 tasks, got ${compute.minCapacity}`);
    check(network.natGateways === 2, 'network.natGateways: prod needs one NAT gateway per AZ');
  }
  problems.push(...validateDrillsConfig(config.drills));
  return problems;
}

/** The housekeeping's timeout: the backup verification starts no sooner after it. */
const HOUSEKEEPING_MINUTES = 120;

/** `cron(M H * * ? *)`: one fixed time every day. */
const DAILY_CRON = /^cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)$/;

/** Minutes since midnight of a daily cron, or undefined when it is not one fixed time a day. */
function dailyCronMinutes(expression: string): number | undefined {
  const match = DAILY_CRON.exec(expression);
  if (match === null) return undefined;
  const minute = Number(match[1]);
  const hour = Number(match[2]);
  return minute < 60 && hour < 24 ? hour * 60 + minute : undefined;
}

/** `hh:mm` of minutes since midnight. */
function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The nightly workflows' order: the housekeeping after tonight's automatic backups and cache
 * snapshots (it copies the newest backup and takes its own cache snapshot), the verification after
 * the housekeeping's 2 hours (it checks what the housekeeping made).
 */
function checkNightlySchedules(config: EnvironmentConfig, check: (ok: boolean, message: string) => void): void {
  const { automation, database, cache } = config;
  const daily = (field: 'housekeepingSchedule' | 'nightlySchedule'): number | undefined => {
    const minutes = dailyCronMinutes(automation[field]);
    check(
      minutes !== undefined,
      `automation.${field}: '${automation[field]}' is not a daily cron(M H * * ? *) expression at a fixed time`,
    );
    return minutes;
  };
  const housekeeping = daily('housekeepingSchedule');
  const verification = daily('nightlySchedule');
  if (housekeeping === undefined) return;
  const windows = [
    ['database.preferredBackupWindow', database.preferredBackupWindow],
    ['cache.snapshotWindow', cache.snapshotWindow],
  ] as const;
  for (const [field, window] of windows) {
    if (!DAILY_WINDOW.test(window)) continue;
    const [start = '', end = ''] = window.split('-');
    const [from, to] = [toMinutes(start), toMinutes(end)];
    // A window that wraps midnight ends the next day: anything before its end tonight is inside it.
    const inside = from <= to ? housekeeping < to : housekeeping < to || housekeeping >= from;
    check(
      !inside,
      `automation.housekeepingSchedule: ${clock(housekeeping)} is before the end of ${field} '${window}': tonight's automatic snapshots must be done first`,
    );
  }
  if (verification === undefined) return;
  check(
    verification - housekeeping >= HOUSEKEEPING_MINUTES,
    `automation.nightlySchedule: backup verification at ${clock(verification)} must start at least ${HOUSEKEEPING_MINUTES} minutes after automation.housekeepingSchedule (${clock(housekeeping)}): the housekeeping may run for 2 hours`,
  );
}

/** Minutes since Monday 00:00 for `ddd:hh:mm`, or since midnight for `hh:mm`. */
function toMinutes(time: string): number {
  const parts = time.split(':');
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  if (parts.length === 3) return days.indexOf(parts[0] ?? '') * 1440 + Number(parts[1]) * 60 + Number(parts[2]);
  return Number(parts[0]) * 60 + Number(parts[1]);
}

/** `512, 1024, 2048` or a range in 1 GiB steps, for error messages. */
function describeSizes(sizes: readonly number[]): string {
  return sizes.length <= 3 ? sizes.join(', ') : `${sizes[0]}-${sizes[sizes.length - 1]} in 1024 steps`;
}

/** Whether a daily backup window overlaps a weekly maintenance window (RDS rejects that). */
export function windowsOverlap(daily: string, weekly: string): boolean {
  if (!DAILY_WINDOW.test(daily) || !MAINTENANCE_WINDOW.test(weekly)) return false;
  const [dStart = '', dEnd = ''] = daily.split('-');
  const [wStart = '', wEnd = ''] = weekly.split('-');
  const ws = toMinutes(wStart);
  const we = toMinutes(wEnd);
  const ds = toMinutes(dStart);
  const de = toMinutes(dEnd);
  const week = 7 * 1440;
  const weeklyEnd = we > ws ? we : we + week;
  // The daily window on each day of the week, against the weekly window and its copies one week
  // earlier and later: a weekly window crossing Sunday midnight wraps into Monday (+week seen from
  // Monday's daily window is covered by -week: 'sun:23:30-mon:00:30' vs Monday's '00:00-00:20').
  for (let day = 0; day < 7; day++) {
    const start = day * 1440 + ds;
    const end = day * 1440 + (de > ds ? de : de + 1440);
    for (const shift of [-week, 0, week]) {
      if (start < weeklyEnd + shift && ws + shift < end) return true;
    }
  }
  return false;
}

/** What `infra/bin/app.ts` synthesizes: the environments and the overrides applied to them. */
export interface Selection {
  readonly environments: readonly EnvironmentName[];
  readonly overrides: ConfigOverrides;
}

/**
 * Reads the CDK context (`env`, `account`, `frontendTag`, `backendTag`, `albCertificateArn`).
 * Without `env` every environment is synthesized; tags and the certificate belong to one
 * environment, so giving them without `env` is an error (it would apply a staging tag to dev and prod).
 */
export function resolveSelection(context: (key: string) => string | undefined): Selection {
  const overrides: ConfigOverrides = {
    account: context('account'),
    frontendTag: context('frontendTag'),
    backendTag: context('backendTag'),
    albCertificateArn: context('albCertificateArn'),
  };
  const only = context('env');
  if (only === undefined) {
    const perEnvironment = (['frontendTag', 'backendTag', 'albCertificateArn'] as const).filter(
      (key) => overrides[key] !== undefined,
    );
    if (perEnvironment.length > 0) {
      throw new ConfigError('(all)', [
        `${perEnvironment.map((key) => `-c ${key}`).join(', ')} belongs to one environment: add -c env=<${ENVIRONMENT_NAMES.join('|')}>`,
      ]);
    }
    return { environments: ENVIRONMENT_NAMES, overrides };
  }
  if (!isEnvironmentName(only)) {
    throw new ConfigError(only, [`unknown environment '${only}': expected one of ${ENVIRONMENT_NAMES.join(', ')}`]);
  }
  return { environments: [only], overrides };
}

/** Every environment's validated config, in promotion order. */
export function loadAllConfigs(overrides: ConfigOverrides = {}): EnvironmentConfig[] {
  return ENVIRONMENT_NAMES.map((name) => loadConfig(name, overrides));
}
