/**
 * The user-visible downtime of each dependency a failover drill measured: its longest failing
 * stretch. The prober counts a stretch into `longestOutageSeconds` only once a probe passes again, so
 * a dependency still failing at the last probe has been down at least since its open stretch began:
 * that counts too, or a drill that never recovered would read as less downtime than one that did.
 */
import { DEPENDENCIES, type Dependency } from '../../workflows/failover-drill/contract.js';

/** What the downtime of one dependency is read from (the prober's DependencyDowntime). */
export interface MeasuredDependency {
  readonly longestOutageSeconds: number;
  readonly openOutage: { readonly from: string } | null;
  readonly lastProbeAt: string | null;
}

/** Seconds one dependency was down at most: the longest closed stretch, or the open one up to the last probe. */
export function downtimeSeconds(measured: MeasuredDependency): number {
  if (measured.openOutage === null || measured.lastProbeAt === null) return measured.longestOutageSeconds;
  const open = (Date.parse(measured.lastProbeAt) - Date.parse(measured.openOutage.from)) / 1000;
  return Number.isFinite(open) ? Math.max(measured.longestOutageSeconds, open) : measured.longestOutageSeconds;
}

/** The downtime of every dependency, in seconds. */
export function downtimeByDependency(
  dependencies: Readonly<Record<Dependency, MeasuredDependency>>,
): Record<Dependency, number> {
  return Object.fromEntries(DEPENDENCIES.map((d) => [d, downtimeSeconds(dependencies[d])])) as Record<
    Dependency,
    number
  >;
}
