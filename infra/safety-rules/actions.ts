/**
 * What an IAM action does to the services the drills touch (RDS, ElastiCache, ECS), decided from
 * its name alone so the rules stay pure. Names and wildcards (`rds:Delete*`, `rds:*`, `*`) are
 * compared case-insensitively, as IAM does. Each question is answered for EVERY action a pattern
 * could match: a wildcard that might reach a destructive action counts as destructive.
 */

/** Services whose resources the automation creates, modifies and deletes. */
export const GUARDED_SERVICES = ['rds', 'elasticache', 'ecs'] as const;

/** Verbs of read-only actions (IAM access level Read or List). */
const READ_PREFIXES = ['describe', 'list', 'get'];

/**
 * Verbs of actions that make a NEW resource, on which IAM evaluates `aws:RequestTag`. Restores are
 * creates: they never overwrite, and their source (the platform's own database) cannot carry the
 * automation's tags, so they are held to request tags rather than resource tags.
 */
const CREATE_PREFIXES = ['create', 'copy', 'restore'];

/** Creates that do not start with a create verb: a running task, a task definition revision. */
const CREATE_NAMES = ['ecs:runtask', 'ecs:starttask', 'ecs:registertaskdefinition'];

/**
 * Tag-on-create: RDS and ElastiCache authorize the tags of a create as a separate tagging action
 * (ECS as TagResource), so these are held to the same request tags as the create itself.
 */
const TAGGING_NAMES = ['rds:addtagstoresource', 'elasticache:addtagstoresource', 'ecs:tagresource'];

/** An action as `service:name`, lowercased, split in two; `*` alone is `*:*`. */
export interface ActionPattern {
  /** The service prefix (`rds`), possibly a wildcard. */
  readonly service: string;
  /** The action name (`deletedbinstance`), possibly with `*` and `?`. */
  readonly name: string;
}

/** Splits `rds:DeleteDBInstance` into its lowercased service and name. */
export function parseAction(action: string): ActionPattern {
  const lower = action.toLowerCase();
  if (lower === '*') return { service: '*', name: '*' };
  const colon = lower.indexOf(':');
  // No service prefix: IAM rejects it; treat it as matching anything so no rule waves it through.
  if (colon < 0) return { service: '*', name: '*' };
  return { service: lower.slice(0, colon), name: lower.slice(colon + 1) };
}

const hasWildcard = (glob: string): boolean => /[*?]/.test(glob);

/** The part of a glob before its first wildcard: every match starts with it. */
function literalPrefix(glob: string): string {
  const index = glob.search(/[*?]/);
  return index < 0 ? glob : glob.slice(0, index);
}

/**
 * Whether `glob` matches some string that starts with `prefix` (`prefix` itself a plain string).
 * Runs the glob as an automaton over `prefix`; whatever glob is left can always match some suffix.
 */
export function mayMatchPrefix(glob: string, prefix: string): boolean {
  let states = closure(glob, new Set([0]));
  for (const char of prefix) {
    const next = new Set<number>();
    for (const at of states) {
      const token = glob[at];
      if (token === '*') next.add(at);
      else if (token === '?' || token === char) next.add(at + 1);
    }
    states = closure(glob, next);
    if (states.size === 0) return false;
  }
  return true;
}

/** Whether `glob` matches exactly `text`. */
export function globMatches(glob: string, text: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(text);
}

/** Adds the states reachable by letting each `*` match nothing. */
function closure(glob: string, states: Set<number>): Set<number> {
  const result = new Set(states);
  for (const at of states) {
    let index = at;
    while (glob[index] === '*') {
      index += 1;
      result.add(index);
    }
  }
  return result;
}

/** The guarded services a pattern's service part can match (`rds`, `r*`, `*`). */
export function guardedServices(action: ActionPattern): string[] {
  return GUARDED_SERVICES.filter((service) => globMatches(action.service, service));
}

/** Whether every action the pattern matches is read-only (Describe*, List*, Get*). */
export function isReadOnly(action: ActionPattern): boolean {
  if (hasWildcard(action.service)) return false;
  const prefix = literalPrefix(action.name);
  return READ_PREFIXES.some((verb) => prefix.startsWith(verb));
}

/** Names of `service` that are creates or tag-on-create without a create verb. */
function explicitCreates(service: string): string[] {
  return [...CREATE_NAMES, ...TAGGING_NAMES]
    .filter((name) => name.startsWith(`${service}:`))
    .map((name) => name.slice(service.length + 1));
}

/** Whether the pattern may match a create (or tag-on-create) action of a guarded service. */
export function mayCreate(action: ActionPattern): boolean {
  return guardedServices(action).some(
    (service) =>
      CREATE_PREFIXES.some((verb) => mayMatchPrefix(action.name, verb)) ||
      explicitCreates(service).some((name) => globMatches(action.name, name)),
  );
}

/**
 * Whether the pattern may match a destructive action of a guarded service: any action that is
 * neither read-only nor a create nor tag-on-create. Deciding by exclusion keeps the rule safe for
 * verbs nobody listed (Delete, Terminate, Modify, Reboot, Failover, TestFailover, Stop, Update,
 * Promote, Switchover, Remove, Deregister, ...), including ones AWS adds later.
 */
export function mayDestroy(action: ActionPattern): boolean {
  return guardedServices(action).some((service) => {
    if (!hasWildcard(action.name)) {
      const creates = explicitCreates(service);
      return !(
        isReadOnly(action) ||
        CREATE_PREFIXES.some((verb) => action.name.startsWith(verb)) ||
        creates.includes(action.name)
      );
    }
    // A wildcard is harmless only if every match starts with a read or create verb.
    const prefix = literalPrefix(action.name);
    return ![...READ_PREFIXES, ...CREATE_PREFIXES].some((verb) => prefix.startsWith(verb));
  });
}
