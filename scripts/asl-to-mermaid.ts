/**
 * Turns an Amazon States Language definition (JSONPath) into a Mermaid `flowchart TD` and a table
 * of its states, so workflow diagrams are generated from the real definitions instead of drawn by
 * hand. Pure and deterministic: the output follows the definition's own state order, so a changed
 * workflow shows up as a small diff of the committed docs.
 */

/** One ASL state, loosely typed: definitions are JSON. */
export type AslStateLike = Record<string, unknown> & { readonly Type: string };

/** The parts of a state machine (or of a Parallel branch / Map processor) that are drawn. */
export interface AslDefinitionLike {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslStateLike>>;
  readonly [key: string]: unknown;
}

/** A Retry or Catch rule as the definition holds it. */
interface ErrorRule {
  readonly ErrorEquals?: readonly string[];
  readonly MaxAttempts?: number;
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
  readonly Next?: string;
}

type ChoiceRule = Readonly<Record<string, unknown>>;

/** How many error names a node label lists before counting the rest (the table lists them all). */
const LABEL_ERRORS = 2;

// ---------------------------------------------------------------- text helpers

/**
 * Escapes text for a quoted Mermaid label. Mermaid decodes `#name;` / `#code;` entities; `#` goes
 * first so the entities this inserts are not escaped again. Angle brackets are escaped so the only
 * HTML in a label is the `<br/>` this module adds.
 */
export function escapeMermaid(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/&/g, '#amp;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;')
    .replace(/\r?\n/g, '<br/>');
}

/** Lines of a label, each escaped, joined with Mermaid's line break. */
function label(lines: readonly string[]): string {
  return lines.map(escapeMermaid).join('<br/>');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function rules(value: unknown): ErrorRule[] {
  return Array.isArray(value) ? (value.filter(isRecord) as ErrorRule[]) : [];
}

function errorsOf(rule: ErrorRule): string[] {
  return [...(rule.ErrorEquals ?? [])];
}

/** `A, B (+3 more)`: the first few error names, the rest counted. */
function shortErrors(errors: readonly string[]): string {
  const shown = errors.slice(0, LABEL_ERRORS).join(', ');
  return errors.length > LABEL_ERRORS ? `${shown} (+${errors.length - LABEL_ERRORS} more)` : shown;
}

/** `retry: ThrottlingException ×6` per retrier (MaxAttempts defaults to 3 in ASL). */
function retryLines(state: AslStateLike): string[] {
  return rules(state.Retry).map((r) => `retry: ${shortErrors(errorsOf(r))} ×${r.MaxAttempts ?? 3}`);
}

function seconds(value: number): string {
  if (value >= 3600 && value % 3600 === 0) return `${value / 3600} h`;
  if (value >= 60 && value % 60 === 0) return `${value / 60} min`;
  return `${value} s`;
}

/** `wait 30 s`, `wait until $.at`, ... for a Wait state's label. */
function waitLine(state: AslStateLike): string | undefined {
  if (typeof state.Seconds === 'number') return `wait ${seconds(state.Seconds)}`;
  if (typeof state.SecondsPath === 'string') return `wait ${state.SecondsPath} s`;
  if (typeof state.Timestamp === 'string') return `wait until ${state.Timestamp}`;
  if (typeof state.TimestampPath === 'string') return `wait until ${state.TimestampPath}`;
  return undefined;
}

// ---------------------------------------------------------------- choice conditions

const COMPARISONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(String|Numeric|Timestamp|Boolean)Equals(Path)?$/, '=='],
  [/^(String|Numeric|Timestamp)LessThan(Path)?$/, '<'],
  [/^(String|Numeric|Timestamp)GreaterThan(Path)?$/, '>'],
  [/^(String|Numeric|Timestamp)LessThanEquals(Path)?$/, '<='],
  [/^(String|Numeric|Timestamp)GreaterThanEquals(Path)?$/, '>='],
];

const TYPE_TESTS: Readonly<Record<string, readonly [string, string]>> = {
  IsPresent: ['is present', 'is absent'],
  IsNull: ['is null', 'is not null'],
  IsString: ['is a string', 'is not a string'],
  IsNumeric: ['is a number', 'is not a number'],
  IsBoolean: ['is a boolean', 'is not a boolean'],
  IsTimestamp: ['is a timestamp', 'is not a timestamp'],
};

function operand(value: unknown, isPath: boolean): string {
  return isPath ? String(value) : JSON.stringify(value);
}

/** A short readable form of a Choice rule, e.g. `$.snapshot.status == "available"`. */
export function describeCondition(rule: ChoiceRule): string {
  const nested = (value: unknown): string => {
    const text = describeCondition(isRecord(value) ? value : {});
    return isRecord(value) && (value.And !== undefined || value.Or !== undefined) ? `(${text})` : text;
  };
  if (Array.isArray(rule.And)) return rule.And.map(nested).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map(nested).join(' or ');
  if (rule.Not !== undefined) return `not ${nested(rule.Not)}`;
  const variable = String(rule.Variable ?? '$');
  for (const key of Object.keys(rule).sort()) {
    if (key === 'Variable' || key === 'Next') continue;
    const value = rule[key];
    const test = TYPE_TESTS[key];
    if (test) return `${variable} ${value === false ? test[1] : test[0]}`;
    if (key === 'StringMatches') return `${variable} matches ${JSON.stringify(value)}`;
    const comparison = COMPARISONS.find(([pattern]) => pattern.test(key));
    if (comparison) return `${variable} ${comparison[1]} ${operand(value, key.endsWith('Path'))}`;
  }
  return variable;
}

// ---------------------------------------------------------------- resources and tables

const SERVICE_INTEGRATION = /^arn:[a-z-]+:states:::(.+)$/;
const LAMBDA_FUNCTION = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[^:]+)?$/;
const ACTIVITY = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:activity:(.+)$/;

/** Options of the readable forms that name functions. */
export interface DescribeOptions {
  /** Prefix dropped from Lambda function names, e.g. `interactions-prod-`. @default names are shown whole */
  readonly functionPrefix?: string;
}

function functionName(ref: string, options: DescribeOptions): string {
  const name = LAMBDA_FUNCTION.exec(ref)?.[1] ?? ref;
  const prefix = options.functionPrefix;
  return prefix !== undefined && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * What a Task calls, readably: `rds:createDBSnapshot` for an SDK integration, `lambda: <function>`
 * for Lambda (direct ARN or `lambda:invoke`), `ecs:runTask.sync` for an optimized integration.
 * Empty for states that call nothing.
 */
export function describeResource(state: AslStateLike, options: DescribeOptions = {}): string {
  if (typeof state.Resource !== 'string') return '';
  const resource = state.Resource;
  const integration = SERVICE_INTEGRATION.exec(resource)?.[1];
  if (integration !== undefined) {
    if (/^lambda:invoke(\.waitForTaskToken)?$/.test(integration)) {
      const params = isRecord(state.Parameters) ? state.Parameters : {};
      const target = params.FunctionName ?? params['FunctionName.$'];
      const suffix = integration.endsWith('.waitForTaskToken') ? ' (wait for task token)' : '';
      return typeof target === 'string' ? `lambda: ${functionName(target, options)}${suffix}` : integration;
    }
    return integration.replace(/^aws-sdk:/, '');
  }
  if (LAMBDA_FUNCTION.test(resource)) return `lambda: ${functionName(resource, options)}`;
  const activity = ACTIVITY.exec(resource)?.[1];
  return activity === undefined ? resource : `activity: ${activity}`;
}

/** One row of the states table. */
export interface StateRow {
  readonly name: string;
  readonly type: string;
  /** What the state calls (see describeResource); empty if nothing. */
  readonly resource: string;
  /** One entry per retrier: errors, attempts and backoff. */
  readonly retries: readonly string[];
  /** One entry per catcher: errors and the state it goes to. */
  readonly catches: readonly string[];
  /** The Parallel or Map state this one runs inside; undefined at the top level. */
  readonly parent?: string;
}

function retryText(rule: ErrorRule): string {
  const details = [
    `${seconds(rule.IntervalSeconds ?? 1)} first`,
    `backoff ×${rule.BackoffRate ?? 2}`,
    ...(rule.MaxDelaySeconds === undefined ? [] : [`max ${seconds(rule.MaxDelaySeconds)}`]),
    ...(rule.JitterStrategy === 'FULL' ? ['full jitter'] : []),
  ];
  return `${errorsOf(rule).join(', ')} ×${rule.MaxAttempts ?? 3} (${details.join(', ')})`;
}

function childDefinitions(state: AslStateLike): AslDefinitionLike[] {
  if (state.Type === 'Parallel') {
    return Array.isArray(state.Branches) ? (state.Branches.filter(isRecord) as unknown as AslDefinitionLike[]) : [];
  }
  if (state.Type === 'Map') {
    const processor = state.ItemProcessor ?? state.Iterator;
    return isRecord(processor) ? [processor as unknown as AslDefinitionLike] : [];
  }
  return [];
}

/** Every state of the definition, nested ones right after their Parallel/Map, in definition order. */
export function describeStates(definition: AslDefinitionLike, options: DescribeOptions = {}): StateRow[] {
  const rows: StateRow[] = [];
  const visit = (def: AslDefinitionLike, parent: string | undefined): void => {
    for (const [name, state] of Object.entries(def.States)) {
      rows.push({
        name,
        type: state.Type,
        resource: describeResource(state, options),
        retries: rules(state.Retry).map(retryText),
        catches: rules(state.Catch).map((r) => `${errorsOf(r).join(', ')} → ${r.Next ?? '?'}`),
        ...(parent === undefined ? {} : { parent }),
      });
      for (const child of childDefinitions(state)) visit(child, name);
    }
  };
  visit(definition, undefined);
  return rows;
}

// ---------------------------------------------------------------- mermaid

/** Allocates Mermaid ids: `s_<name>` sanitized to [A-Za-z0-9_], made unique with a numeric suffix. */
class IdAllocator {
  private readonly taken = new Set<string>();

  allocate(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'state';
    let id = clean;
    for (let n = 2; this.taken.has(id); n++) id = `${clean}_${n}`;
    this.taken.add(id);
    return id;
  }
}

function nodeShape(id: string, state: AslStateLike, text: string): string {
  switch (state.Type) {
    case 'Task':
      return `${id}["${text}"]`;
    case 'Choice':
      return `${id}{"${text}"}`;
    case 'Wait':
    case 'Pass':
      return `${id}("${text}")`;
    case 'Succeed':
      return `${id}(["${text}"])`;
    case 'Fail':
      return `${id}((("${text}")))`;
    default:
      return `${id}[/"${text}"/]`;
  }
}

function edgeLabel(text: string): string {
  return `|"${escapeMermaid(text)}"|`;
}

/**
 * Renders an ASL definition as a Mermaid `flowchart TD`: one node per state (Task rectangle,
 * Choice rhombus, Wait/Pass rounded, Succeed stadium, Fail double circle; Parallel and Map as
 * subgraphs of their branches / item processor), solid edges for Next and Choice rules (labelled
 * with the condition; Default `otherwise`), dashed edges for Catch (labelled with the errors),
 * retries in the node label, a start node to StartAt and `End: true` states to an end node
 * (Succeed and Fail are drawn as terminals themselves).
 */
export function aslToMermaid(definition: AslDefinitionLike): string {
  const ids = new IdAllocator();
  const stateIds = new Map<string, string>();
  // State ids first, so they stay the same whatever the structural ids are called.
  const allocateStates = (def: AslDefinitionLike): void => {
    for (const [name, state] of Object.entries(def.States)) {
      stateIds.set(name, ids.allocate(`s_${name}`));
      for (const child of childDefinitions(state)) allocateStates(child);
    }
  };
  allocateStates(definition);
  const idOf = (name: string): string => {
    const id = stateIds.get(name);
    if (id === undefined) throw new Error(`The definition refers to a state "${name}" it does not define`);
    return id;
  };

  const nodes: string[] = [];
  const edges: string[] = [];

  /** Declares a scope's nodes (indented) and collects its edges; start/end are the scope's terminals. */
  const render = (def: AslDefinitionLike, indent: string, start: string, end: string): void => {
    let ended = false;
    nodes.push(`${indent}${start}(("start"))`);
    edges.push(`${start} --> ${idOf(def.StartAt)}`);
    for (const [name, state] of Object.entries(def.States)) {
      const id = idOf(name);
      const children = childDefinitions(state);
      if (state.Type === 'Parallel' || state.Type === 'Map') {
        const heading = [name];
        if (state.Type === 'Map') heading.push(`for each item of ${String(state.ItemsPath ?? '$')}`);
        heading.push(...retryLines(state));
        nodes.push(`${indent}subgraph ${id}["${label(heading)}"]`);
        nodes.push(`${indent}  direction TB`);
        children.forEach((child, i) => {
          if (state.Type === 'Parallel') {
            const branch = ids.allocate(`${id}_branch_${i + 1}`);
            nodes.push(`${indent}  subgraph ${branch}["branch ${i + 1}"]`);
            nodes.push(`${indent}    direction TB`);
            render(child, `${indent}    `, ids.allocate(`${branch}_start`), ids.allocate(`${branch}_end`));
            nodes.push(`${indent}  end`);
          } else {
            render(child, `${indent}  `, ids.allocate(`${id}_start`), ids.allocate(`${id}_end`));
          }
        });
        nodes.push(`${indent}end`);
      } else {
        const lines = [name, ...(state.Type === 'Wait' ? [waitLine(state)] : []), ...retryLines(state)];
        nodes.push(`${indent}${nodeShape(id, state, label(lines.filter((l): l is string => l !== undefined)))}`);
      }

      if (typeof state.Next === 'string') edges.push(`${id} --> ${idOf(state.Next)}`);
      if (state.End === true) {
        edges.push(`${id} --> ${end}`);
        ended = true;
      }
      if (state.Type === 'Choice') {
        for (const rule of Array.isArray(state.Choices) ? state.Choices.filter(isRecord) : []) {
          edges.push(`${id} -->${edgeLabel(describeCondition(rule))} ${idOf(String(rule.Next))}`);
        }
        if (typeof state.Default === 'string') edges.push(`${id} -->${edgeLabel('otherwise')} ${idOf(state.Default)}`);
      }
      for (const rule of rules(state.Catch)) {
        edges.push(`${id} -.->${edgeLabel(errorsOf(rule).join(', '))} ${idOf(String(rule.Next))}`);
      }
    }
    if (ended) nodes.push(`${indent}${end}(("end"))`);
  };

  render(definition, '  ', ids.allocate('wf_start'), ids.allocate('wf_end'));
  return ['flowchart TD', ...nodes, ...edges.map((e) => `  ${e}`), ''].join('\n');
}
