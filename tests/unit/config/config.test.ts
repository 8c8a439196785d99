import {
  applyOverrides,
  ConfigError,
  type EnvironmentConfig,
  loadAllConfigs,
  loadConfig,
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
      expect(config.monitoring.alarms.apiErrorRatePercent).toEqual({ threshold: 5, forMinutes: 5, severity: 'high' });
      expect(config.monitoring.alarms.databaseCpuPercent).toEqual({
        threshold: 80,
        forMinutes: 15,
        severity: 'medium',
      });
      expect(config.monitoring.alarms.cacheMemoryWarningPercent.threshold).toBe(75);
      expect(config.monitoring.alarms.cacheMemoryCriticalPercent.threshold).toBe(90);
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
    expect(problems).toContain('compute.backend.memoryMiB: 1024 is outside 2048-8192 for 1024 CPU units');
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
  ])('daily %s vs weekly %s -> %s', (daily, weekly, expected) => {
    expect(windowsOverlap(daily, weekly)).toBe(expected);
  });
});
