/**
 * Values the seed gives once for every environment. Environment files spread these and state
 * only what differs, so a difference between environments is always visible in one place.
 */
import type { AlarmRule, EnvironmentName, ScalingRule } from './types.js';

/** The seed's PostgreSQL parameter group. Memory fractions are RDS formulas (units of 8 KiB). */
export const POSTGRES_PARAMETERS: Readonly<Record<string, string>> = {
  max_connections: '200',
  // 25% of instance memory: bytes / 8192 (pages) / 4.
  shared_buffers: '{DBInstanceClassMemory/32768}',
  // 75% of instance memory: bytes * 3 / 8192 / 4.
  effective_cache_size: '{DBInstanceClassMemory*3/32768}',
  work_mem: '65536', // kB = 64MB
  maintenance_work_mem: '262144', // kB = 256MB
  autovacuum: '1',
  // The seed's "TLS 1.2+ for all communications": RDS refuses clients that do not use TLS.
  'rds.force_ssl': '1',
  ssl_min_protocol_version: 'TLSv1.2',
  // The Database dashboard's "Slow query analysis" reads duration lines from the exported log.
  log_min_duration_statement: '1000', // ms
};

/** The seed's "Container Scaling Policies" table, identical in every environment. */
export const SCALING: { cpuPercent: ScalingRule; memoryPercent: ScalingRule; requestsPerTargetPerMinute: ScalingRule } =
  {
    cpuPercent: { scaleOutAbove: 70, scaleOutMinutes: 3, scaleInBelow: 40, scaleInMinutes: 10, cooldownSeconds: 300 },
    memoryPercent: {
      scaleOutAbove: 80,
      scaleOutMinutes: 3,
      scaleInBelow: 50,
      scaleInMinutes: 10,
      cooldownSeconds: 300,
    },
    requestsPerTargetPerMinute: {
      scaleOutAbove: 1000,
      scaleOutMinutes: 3,
      scaleInBelow: 500,
      scaleInMinutes: 10,
      cooldownSeconds: 300,
    },
  };

/** The seed's "Alert Configuration" table plus the cache memory alarms at 75% and 90%. */
export const ALARMS: Record<
  | 'apiErrorRatePercent'
  | 'databaseCpuPercent'
  | 'ecsHealthyTasksPercent'
  | 'cacheMemoryPercent'
  | 'rdsStoragePercent'
  | 'alb5xxPercent'
  | 'cacheMemoryWarningPercent'
  | 'cacheMemoryCriticalPercent',
  AlarmRule
> = {
  apiErrorRatePercent: { threshold: 5, forMinutes: 5, severity: 'high' },
  databaseCpuPercent: { threshold: 80, forMinutes: 15, severity: 'medium' },
  ecsHealthyTasksPercent: { threshold: 50, forMinutes: 0, severity: 'high' },
  cacheMemoryPercent: { threshold: 85, forMinutes: 10, severity: 'medium' },
  rdsStoragePercent: { threshold: 85, forMinutes: 0, severity: 'low' },
  alb5xxPercent: { threshold: 1, forMinutes: 5, severity: 'high' },
  cacheMemoryWarningPercent: { threshold: 75, forMinutes: 5, severity: 'low' },
  cacheMemoryCriticalPercent: { threshold: 90, forMinutes: 5, severity: 'high' },
};

/** The seed's cache TTL strategy. */
export const CACHE_TTL_SECONDS = { authTokens: 24 * 3600, searchResults: 5 * 60, referenceData: 3600 } as const;

/** Log retentions of the seed's "Log Management" table. */
export const LOG_RETENTION_DAYS = { ecs: 30, rds: 14, elasticache: 14, lambda: 30 } as const;

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_AZS = ['us-east-1a', 'us-east-1b'] as const;

/** Placeholder image tags in the seed's format; real deploys pass `-c frontendTag=... -c backendTag=...`. */
export function placeholderImageTags(env: EnvironmentName): { frontendTag: string; backendTag: string } {
  return { frontendTag: `frontend-0.0.0-${env}-0000000`, backendTag: `backend-0.0.0-${env}-0000000` };
}

export const NO_SUBSCRIPTIONS = {
  high: { emails: [], httpsEndpoints: [] },
  medium: { emails: [], httpsEndpoints: [] },
  low: { emails: [], httpsEndpoints: [] },
} as const;
