import {
  applyOverrides,
  ConfigError,
  type EnvironmentConfig,
  loadAllConfigs,
  loadConfig,
  resolveSelection,
  validateConfig,
  windowsOverlap,
} from '../../../infra/config/index.js';

/** A deep copy of a loaded config with one part replaced: the way a broken file would look. */
function broken(name: string, patch: (config: EnvironmentConfig) => EnvironmentConfig): string[] {
  return validateConfig(patch(structuredClone(loadConfig(name))));
}

describe('environment configs', () => {
  it('loads dev, staging and prod without problems', () => {
    expect(loadAllConfigs().map((c) => c.name)).toEqual(['dev', 'staging', 'prod']);
  });

  it.each([
    // env, instance class, storage, type, multi-AZ, retention, maintenance window
    ['dev', 't3.small', 20, 'gp2', false, 7, 'sun:03:00-sun:04:00'],
    ['staging', 't3.medium', 50, 'gp2', true, 14, 'sun:04:00-sun:05:00'],
    ['prod', 't3.large', 100, 'gp3', true, 30, 'sun:05:00-sun:06:00'],
  ])('%s database follows the seed', (env, instanceClass, storage, type, multiAz, retention, window) => {
    const { database } = loadConfig(env);
    expect(database).toMatchObject({
      instanceClass,
      allocatedStorageGiB: storage,
      storageType: type,
      multiAz,
      backupRetentionDays: retention,
      preferredMaintenanceWindow: window,
      credentialsSecretName: `/interactions/${env}/db-credentials`,
    });
    expect(database.parameters).toMatchObject({
      max_connections: '200',
      work_mem: '65536',
      maintenance_work_mem: '262144',
      autovacuum: '1',
    });
  });

  it.each([
    ['dev', 'cache.t3.small', 1, false, false, false],
    ['staging', 'cache.t3.medium', 2, true, true, true],
    ['prod', 'cache.m5.large', 2, true, true, true],
  ])('%s cache follows the seed', (env, nodeType, nodes, multiAz, failover, transit) => {
    expect(loadConfig(env).cache).toMatchObject({
      nodeType,
      numNodes: nodes,
      multiAz,
      automaticFailover: failover,
      atRestEncryption: true,
      transitEncryption: transit,
      maxmemoryPolicy: 'volatile-lru',
    });
  });

  it.each([
    ['dev', 512, 1024, 1024, 2048, 1, 2],
    ['staging', 1024, 2048, 1024, 2048, 2, 4],
    ['prod', 1024, 2048, 2048, 4096, 2, 6],
  ])('%s ECS sizes follow the seed', (env, feCpu, feMem, beCpu, beMem, min, max) => {
    const { compute } = loadConfig(env);
    expect(compute.frontend).toEqual({ cpu: feCpu, memoryMiB: feMem });
    expect(compute.backend).toEqual({ cpu: beCpu, memoryMiB: beMem });
    expect([compute.minCapacity, compute.maxCapacity]).toEqual([min, max]);
    expect(compute.clusterName).toBe(`interactions-${env}`);
  });

  it('keeps the seed scaling, alarm, TTL and log retention numbers in every environment', () => {
    for (const config of loadAllConfigs()) {
      expect(config.compute.scaling.cpuPercent).toEqual({
        scaleOutAbove: 70,
        scaleOutMinutes: 3,
        scaleInBelow: 40,
        scaleInMinutes: 10,
        cooldownSeconds: 300,
      });
      expect(config.compute.scaling.memoryPercent.scaleOutAbove).toBe(80);
      expect(config.compute.scaling.requestsPerTargetPerMinute.scaleOutAbove).toBe(1000);
      expect(config.cache.ttlSeconds).toEqual({ authTokens: 86400, searchResults: 300, referenceData: 3600 });
      expect(config.cache.logRetentionDays).toBe(14);
      expect(config.database.logRetentionDays).toBe(14);
      expect(config.compute.logRetentionDays).toBe(30);
      expect(config.monitoring.lambdaLogRetentionDays).toBe(30);
      expect(config.cdn.bucketName).toBe(`interactions-${config.name}-assets`);
      expect(config.security.shieldAdvanced).toBe(false);
    }
  });
});

describe("the seed's Alert Configuration table, row by row", () => {
  it.each([
    // row, config key, threshold, minutes (0: the seed gives none), severity
    ['API Error Rate > 5% for 5 min, High', 'apiErrorRatePercent', 5, 5, 'high'],
    ['Database CPU > 80% for 15 min, Medium', 'databaseCpuPercent', 80, 15, 'medium'],
    ['ECS Service Health < 50% tasks healthy, High', 'ecsHealthyTasksPercent', 50, 0, 'high'],
    ['ElastiCache Memory > 85% for 10 min, Medium', 'cacheMemoryPercent', 85, 10, 'medium'],
    ['RDS Storage > 85%, Low', 'rdsStoragePercent', 85, 0, 'low'],
    ['ALB 5xx Errors > 1% for 5 min, High', 'alb5xxPercent', 1, 5, 'high'],
  ] as const)('%s in every environment', (_row, key, threshold, forMinutes, severity) => {
    for (const config of loadAllConfigs()) {
      expect(config.monitoring.alarms[key]).toEqual({ threshold, forMinutes, severity });
    }
  });

  it('cache memory alarms at 75% and 90% in every environment', () => {
    for (const config of loadAllConfigs()) {
      expect(config.monitoring.alarms.cacheMemoryWarningPercent.threshold).toBe(75);
      expect(config.monitoring.alarms.cacheMemoryCriticalPercent.threshold).toBe(90);
    }
  });
});

describe('rules production must keep', () => {
  it.each<[string, (c: EnvironmentConfig) => EnvironmentConfig, RegExp]>([
    ['single-AZ database', (c) => ({ ...c, database: { ...c.database, multiAz: false } }), /prod must be Multi-AZ/],
    [
      'no deletion protection',
      (c) => ({ ...c, database: { ...c.database, deletionProtection: false } }),
      /prod must have deletion protection/,
    ],
    [
      'backup retention under 30 days',
      (c) => ({ ...c, database: { ...c.database, backupRetentionDays: 14 } }),
      /prod keeps at least 30 days, got 14/,
    ],
    [
      'cache without in-transit encryption',
      (c) => ({ ...c, cache: { ...c.cache, transitEncryption: false } }),
      /prod cache must encrypt in transit/,
    ],
    ['one task', (c) => ({ ...c, compute: { ...c.compute, minCapacity: 1 } }), /prod runs at least 2 tasks, got 1/],
  ])('fails when prod has %s', (_label, patch, message) => {
    expect(broken('prod', patch).join('\n')).toMatch(message);
  });

  it('lets dev be single-AZ without deletion protection', () => {
    const dev = loadConfig('dev');
    expect(dev.database.multiAz).toBe(false);
    expect(dev.database.deletionProtection).toBe(false);
  });
});

describe('errors a broken config gets', () => {
  it('fails when the environment is unknown, naming the choices', () => {
    expect(() => loadConfig('qa')).toThrow("unknown environment 'qa': expected one of dev, staging, prod");
  });

  it('reports every problem at once, each naming its field', () => {
    const problems = broken('staging', (c) => ({
      ...c,
      compute: { ...c.compute, frontend: { cpu: 300, memoryMiB: 1024 }, maxCapacity: 1 },
      database: { ...c.database, preferredMaintenanceWindow: 'sunday 4am' },
    }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^compute\.frontend\.cpu: 300 is not a Fargate CPU value/),
        expect.stringMatching(/^compute\.maxCapacity: 1 is below minCapacity 2/),
        expect.stringMatching(/^database\.preferredMaintenanceWindow: 'sunday 4am'/),
      ]),
    );
  });

  it('fails when a Fargate memory size does not fit its CPU', () => {
    const problems = broken('dev', (c) => ({
      ...c,
      compute: { ...c.compute, backend: { cpu: 1024, memoryMiB: 1024 } },
    }));
    expect(problems).toContain(
      'compute.backend.memoryMiB: 1024 is not a Fargate memory size for 1024 CPU units (2048-8192 in 1024 steps)',
    );
  });

  it.each([
    [1024, 3000],
    [256, 1536],
    [512, 1500],
    [2048, 5000],
    [4096, 30000],
  ])('fails when %i CPU units get %i MiB, between Fargate memory steps', (cpu, memoryMiB) => {
    const problems = broken('dev', (c) => ({ ...c, compute: { ...c.compute, backend: { cpu, memoryMiB } } }));
    expect(problems.join('\n')).toMatch(
      new RegExp(`^compute\\.backend\\.memoryMiB: ${memoryMiB} is not a Fargate memory size for ${cpu} CPU units`, 'm'),
    );
  });

  it.each([
    [256, 512],
    [256, 2048],
    [512, 3072],
    [1024, 7168],
    [2048, 16384],
    [4096, 30720],
  ])('accepts %i CPU units with %i MiB', (cpu, memoryMiB) => {
    const problems = broken('dev', (c) => ({ ...c, compute: { ...c.compute, backend: { cpu, memoryMiB } } }));
    expect(problems.filter((p) => p.startsWith('compute.backend'))).toEqual([]);
  });

  it('fails when the cache has automatic failover with one node', () => {
    const problems = broken('dev', (c) => ({ ...c, cache: { ...c.cache, automaticFailover: true } }));
    expect(problems).toContain('cache.automaticFailover: needs at least 2 nodes, got 1');
  });

  it('fails when names drift from the seed', () => {
    const problems = broken('prod', (c) => ({
      ...c,
      database: { ...c.database, credentialsSecretName: '/interactions/staging/db-credentials' },
      cdn: { ...c.cdn, bucketName: 'prod-assets' },
    }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^database\.credentialsSecretName: must be '\/interactions\/prod\/db-credentials'/),
        expect.stringMatching(/^cdn\.bucketName: must be 'interactions-prod-assets'/),
      ]),
    );
  });

  it('fails when the backup window overlaps the maintenance window', () => {
    const problems = broken('prod', (c) => ({
      ...c,
      database: { ...c.database, preferredBackupWindow: '05:30-06:30' },
    }));
    expect(problems.join('\n')).toMatch(/preferredBackupWindow: '05:30-06:30' overlaps the maintenance window/);
  });

  it('throws a ConfigError listing the problems when an override is invalid', () => {
    const load = () => loadConfig('prod', { frontendTag: 'frontend-latest' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /compute\.images\.frontendTag: 'frontend-latest' does not follow 'frontend-\{semver\}-prod-\{git_short_hash\}'/,
    );
  });

  it('accepts image tags in the seed format from context', () => {
    const config = loadConfig('prod', {
      frontendTag: 'frontend-1.2.3-prod-a7b3c9d',
      backendTag: 'backend-1.2.3-prod-a7b3c9d',
    });
    expect(config.compute.images).toEqual({
      frontendTag: 'frontend-1.2.3-prod-a7b3c9d',
      backendTag: 'backend-1.2.3-prod-a7b3c9d',
    });
  });

  it('rejects a tag built for another environment', () => {
    expect(() => loadConfig('prod', { backendTag: 'backend-1.2.3-dev-a7b3c9d' })).toThrow(/backendTag/);
  });

  it.each(['dev', 'staging', 'prod'])('%s: a deploy (account set) rejects the placeholder ALB certificate', (env) => {
    const load = () => loadConfig(env, { account: '111122223333' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/compute\.albCertificateArn: .*placeholder.*-c albCertificateArn=/);
  });

  it('a deploy with a domain (the certificate stack makes the ALB certificate) accepts the placeholder ARN', () => {
    const config = applyOverrides(loadConfig('staging'), { account: '111122223333' });
    expect(validateConfig(config, true).filter((problem) => problem.includes('albCertificateArn'))).toEqual([]);
    expect(validateConfig(config, false).filter((problem) => problem.includes('albCertificateArn'))).toHaveLength(1);
  });

  it('a deploy with the real certificate from context loads; synth without account keeps the placeholder', () => {
    const arn = 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789abc';
    expect(loadConfig('staging', { account: '111122223333', albCertificateArn: arn }).compute.albCertificateArn).toBe(
      arn,
    );
    expect(loadConfig('prod').compute.albCertificateArn).toMatch(/:123456789012:/);
  });

  it("rejects a certificate of another account than the deploy's", () => {
    const arn = 'arn:aws:acm:us-east-1:444455556666:certificate/12345678-1234-1234-1234-123456789abc';
    expect(() => loadConfig('prod', { account: '111122223333', albCertificateArn: arn })).toThrow(
      /the ALB certificate must be in account 111122223333, got 444455556666/,
    );
  });

  it('keeps the base config untouched when overrides are applied', () => {
    const base = loadConfig('dev');
    const changed = applyOverrides(base, { account: '123456789012' });
    expect(changed.account).toBe('123456789012');
    expect(base.account).toBe('');
  });
});

describe('windowsOverlap', () => {
  it.each([
    ['05:30-06:30', 'sun:05:00-sun:06:00', true],
    ['01:00-02:00', 'sun:05:00-sun:06:00', false],
    ['23:30-00:30', 'mon:00:00-mon:01:00', true],
    ['04:00-05:00', 'sun:05:00-sun:06:00', false],
    // A weekly window crossing Sunday midnight reaches Monday's daily window (shift back a week).
    ['00:00-00:20', 'sun:23:30-mon:00:30', true],
    ['00:40-01:00', 'sun:23:30-mon:00:30', false],
    ['23:00-23:40', 'sun:23:30-mon:00:30', true],
  ])('daily %s vs weekly %s -> %s', (daily, weekly, expected) => {
    expect(windowsOverlap(daily, weekly)).toBe(expected);
  });
});

describe('resolveSelection (infra/bin/app.ts context)', () => {
  const contextOf =
    (values: Record<string, string>) =>
    (key: string): string | undefined =>
      values[key];

  it('synthesizes every environment without -c env', () => {
    expect(resolveSelection(contextOf({})).environments).toEqual(['dev', 'staging', 'prod']);
  });

  it('restricts to one environment with its overrides', () => {
    const selection = resolveSelection(
      contextOf({ env: 'staging', frontendTag: 'frontend-1.2.3-staging-a7b3c9d', account: '111122223333' }),
    );
    expect(selection.environments).toEqual(['staging']);
    expect(selection.overrides).toMatchObject({
      frontendTag: 'frontend-1.2.3-staging-a7b3c9d',
      account: '111122223333',
    });
  });

  it.each(['frontendTag', 'backendTag', 'albCertificateArn'])('fails when -c %s is given without -c env', (key) => {
    expect(() => resolveSelection(contextOf({ [key]: 'x' }))).toThrow(
      new RegExp(`-c ${key} belongs to one environment: add -c env=<dev\\|staging\\|prod>`),
    );
  });

  it('allows -c account without -c env (one account for all)', () => {
    expect(resolveSelection(contextOf({ account: '111122223333' })).environments).toHaveLength(3);
  });

  it('fails on an unknown -c env', () => {
    expect(() => resolveSelection(contextOf({ env: 'qa' }))).toThrow(/unknown environment 'qa'/);
  });
});

describe('nightly schedules', () => {
  const startMinute = (cron: string): number => {
    const [minute, hour] = cron.replace(/^cron\(/, '').split(' ');
    return Number(hour) * 60 + Number(minute);
  };

  it('start the verification after the housekeeping has had its 2 hours, in every environment', () => {
    for (const { automation } of loadAllConfigs()) {
      expect(
        startMinute(automation.nightlySchedule) - startMinute(automation.housekeepingSchedule),
      ).toBeGreaterThanOrEqual(120);
    }
  });

  it('never start two nightly workflows of any environments in the same minute', () => {
    const starts = loadAllConfigs().flatMap(({ automation }) => [
      startMinute(automation.housekeepingSchedule),
      startMinute(automation.nightlySchedule),
    ]);
    expect(new Set(starts).size).toBe(starts.length);
  });

  it('fails when the verification starts less than 2 hours after the housekeeping, naming both fields', () => {
    const problems = broken('prod', (c) => ({
      ...c,
      automation: { ...c.automation, housekeepingSchedule: 'cron(40 3 * * ? *)', nightlySchedule: 'cron(0 5 * * ? *)' },
    }));
    expect(problems).toEqual([
      'automation.nightlySchedule: backup verification at 05:00 must start at least 120 minutes after automation.housekeepingSchedule (03:40): the housekeeping may run for 2 hours',
    ]);
  });

  it('fails when the housekeeping starts inside the backup or cache snapshot window', () => {
    const problems = broken('staging', (c) => ({
      ...c,
      automation: { ...c.automation, housekeepingSchedule: 'cron(30 2 * * ? *)' },
    }));
    expect(problems).toEqual([
      "automation.housekeepingSchedule: 02:30 is before the end of cache.snapshotWindow '02:00-03:00': tonight's automatic snapshots must be done first",
    ]);
  });

  it.each([
    ['a rate', 'rate(1 day)'],
    ['an hourly cron', 'cron(0 * * * ? *)'],
    ['a weekly cron', 'cron(10 3 ? * SUN *)'],
  ])('fails when the housekeeping schedule is %s instead of one fixed time a day', (_name, schedule) => {
    const problems = broken('dev', (c) => ({ ...c, automation: { ...c.automation, housekeepingSchedule: schedule } }));
    expect(problems).toContain(
      `automation.housekeepingSchedule: '${schedule}' is not a daily cron(M H * * ? *) expression at a fixed time`,
    );
  });
});

describe('high-severity subscribers', () => {
  const REAL_CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789abc';
  /** The config a deploy to an account would load: real certificate, subscriptions as given. */
  function deployConfig(name: string, high: { emails: string[]; httpsEndpoints: string[] }): EnvironmentConfig {
    const config = applyOverrides(loadConfig(name), { account: '111122223333', albCertificateArn: REAL_CERTIFICATE });
    const subscriptions = { ...config.monitoring.subscriptions, high };
    return { ...config, monitoring: { ...config.monitoring, subscriptions } };
  }

  it('fails a prod deploy (account set) with no high-severity subscriber, naming the field and how to fix it', () => {
    // Act
    const load = () => loadConfig('prod', { account: '111122223333', albCertificateArn: REAL_CERTIFICATE });

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/Invalid configuration for environment 'prod'/);
    expect(load).toThrow(
      /monitoring\.subscriptions\.high: prod has no high-severity subscriber.*infra\/config\/prod\.ts/,
    );
  });

  it.each([
    ['an email address', { emails: ['oncall@example.com'], httpsEndpoints: [] }],
    [
      'a PagerDuty https endpoint',
      { emails: [], httpsEndpoints: ['https://events.pagerduty.com/integration/x/enqueue'] },
    ],
  ])('passes a prod deploy with %s as high-severity subscriber', (_label, high) => {
    expect(validateConfig(deployConfig('prod', high))).toEqual([]);
  });

  it('lets prod synthesize without an account (the topics warn instead)', () => {
    expect(loadConfig('prod').monitoring.subscriptions.high).toEqual({ emails: [], httpsEndpoints: [] });
  });

  it.each(['dev', 'staging'])('lets a %s deploy go without a high-severity subscriber (a warning only)', (name) => {
    expect(validateConfig(deployConfig(name, { emails: [], httpsEndpoints: [] }))).toEqual([]);
  });
});
