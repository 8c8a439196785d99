/**
 * The remediation playbooks, as data: their ids and whether each may change a resource. The
 * workflow implements them (one file each); intake only routes to them and applies the guardrails,
 * which need to know which playbooks are disruptive (approval in prod, change freezes).
 */

/** Every playbook id, in the order of the table. */
export const PLAYBOOK_IDS = [
  'ecs-service-health',
  'api-error-rate',
  'database-cpu',
  'cache-memory',
  'rds-storage',
  'security-notify',
] as const;

/** One playbook id. */
export type PlaybookId = (typeof PLAYBOOK_IDS)[number];

/** What the guardrails need to know about a playbook. */
export interface PlaybookSpec {
  readonly id: PlaybookId;
  /** One line: what it does. */
  readonly summary: string;
  /**
   * Whether it may change a resource (roll back, redeploy, scale, grow storage). Disruptive playbooks
   * need approval where the environment requires it and wait out change freezes; the others only
   * read and notify.
   */
  readonly disruptive: boolean;
}

/** The playbooks by id. */
export const PLAYBOOKS: Readonly<Record<PlaybookId, PlaybookSpec>> = {
  'ecs-service-health': {
    id: 'ecs-service-health',
    summary: 'roll back a recent deployment or force a new one, then verify the service recovered',
    disruptive: true,
  },
  'api-error-rate': {
    id: 'api-error-rate',
    summary: 'roll back a correlated recent deployment, otherwise scale out within the maximum and notify',
    disruptive: true,
  },
  'database-cpu': {
    id: 'database-cpu',
    summary: 'collect diagnostics (top statements, connections) into the notification',
    disruptive: false,
  },
  'cache-memory': {
    id: 'cache-memory',
    summary: 'report memory, evictions and key statistics; scale only where config allows',
    // It may scale the cache where config allows, so it is treated as a change.
    disruptive: true,
  },
  'rds-storage': {
    id: 'rds-storage',
    summary: 'grow allocated storage by at least 10% within the cap, or confirm storage autoscaling',
    disruptive: true,
  },
  'security-notify': {
    id: 'security-notify',
    summary: 'notify by severity with the collected context; never acts',
    disruptive: false,
  },
};
