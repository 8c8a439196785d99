/**
 * The prober's three probes, built from its settings on top of the shared probe modules
 * (shared/probes/): one real query on PostgreSQL, a Redis round trip, a GET of the health endpoint.
 * Credentials come from Secrets Manager once per container.
 */
import * as z from '../../shared/zod.js';
import type { Dependency } from '../../workflows/failover-drill/contract.js';
import type { ProbeFn } from './probe-window.js';

/** The prober's variables (set by FailoverDrillWorkflow). */
export const proberSettingsShape = {
  DB_HOST: z.string().check(z.minLength(1)),
  DB_PORT: z.coerce.number().check(z.int(), z.gte(1), z.lte(65535)),
  DB_NAME: z.string().check(z.minLength(1)),
  DB_SECRET_ARN: z.string().check(z.minLength(1)),
  REDIS_HOST: z.string().check(z.minLength(1)),
  REDIS_PORT: z.coerce.number().check(z.int(), z.gte(1), z.lte(65535)),
  REDIS_TLS: z.enum(['true', 'false']),
  REDIS_AUTH_SECRET_ARN: z.optional(z.string()),
  HEALTH_URL: z.url(),
};

/** The prober's settings. */
export type ProberSettings = z.infer<z.ZodMiniObject<typeof proberSettingsShape>>;

/** How the handler gets its probes (tests inject theirs). */
export interface ProbeSet {
  readonly probes: () => Promise<Record<Dependency, ProbeFn>>;
}

/** The real probes (see the module comment). */
export function sdkProbeSet(_settings: ProberSettings): ProbeSet {
  return {
    probes: async () => {
      throw new Error('downtime-prober: the shared probe modules are not wired yet');
    },
  };
}
