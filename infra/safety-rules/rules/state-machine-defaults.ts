/**
 * Interactions-StateMachineDefaults: every state machine has an overall timeout (`TimeoutSeconds`
 * at the top of its definition), logging level ALL to a destination, X-Ray tracing, and the
 * JSONPath query language everywhere (absent means JSONPath): the local test harness cannot run
 * JSONata and would pass it silently.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { renderValue } from '../arn.js';
import { resolvedProperties } from '../resource.js';
import type { SafetyRule } from './safety-rule.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The definition as an object: `Definition` directly, or `DefinitionString` (a string or an
 * `Fn::Join` whose references sit inside JSON strings) parsed; undefined when it cannot be read
 * (an S3 location, or a reference outside a string).
 */
export function readDefinition(properties: Record<string, unknown>): Record<string, unknown> | undefined {
  if (isRecord(properties.Definition)) return properties.Definition;
  if (properties.DefinitionString === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(renderValue(properties.DefinitionString));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Every query language a definition or any nested state (Parallel branches, Map processors) declares. */
function queryLanguages(definition: Record<string, unknown>): unknown[] {
  const found: unknown[] = 'QueryLanguage' in definition ? [definition.QueryLanguage] : [];
  const states = isRecord(definition.States) ? Object.values(definition.States) : [];
  for (const state of states.filter(isRecord)) {
    if ('QueryLanguage' in state) found.push(state.QueryLanguage);
    const nested = [
      ...(Array.isArray(state.Branches) ? state.Branches : []),
      state.Iterator,
      state.ItemProcessor,
    ].filter(isRecord);
    for (const child of nested) found.push(...queryLanguages(child));
  }
  return found;
}

/** Whether a logging destination names its log group (an empty destination logs nowhere). */
function namesLogGroup(destination: unknown): boolean {
  const group = isRecord(destination) ? destination.CloudWatchLogsLogGroup : undefined;
  return isRecord(group) && group.LogGroupArn !== undefined && renderValue(group.LogGroupArn) !== '';
}

/** The missing defaults of a state machine, each a finding: Definition, TimeoutSeconds, LoggingLevelAll, Tracing, QueryLanguage. */
export function stateMachineDefaults(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::StepFunctions::StateMachine') return NagRuleCompliance.NOT_APPLICABLE;
  const properties = resolvedProperties(node);
  const findings: string[] = [];
  const definition = readDefinition(properties);
  if (definition === undefined) {
    findings.push('Definition');
  } else {
    const timeout = definition.TimeoutSeconds;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0) findings.push('TimeoutSeconds');
    if (queryLanguages(definition).some((language) => language !== 'JSONPath')) findings.push('QueryLanguage');
  }
  const logging = properties.LoggingConfiguration;
  const destinations = isRecord(logging) && Array.isArray(logging.Destinations) ? logging.Destinations : [];
  if (
    !isRecord(logging) ||
    logging.Level !== 'ALL' ||
    destinations.length === 0 ||
    !destinations.every(namesLogGroup)
  ) {
    findings.push('LoggingLevelAll');
  }
  const tracing = properties.TracingConfiguration;
  if (!isRecord(tracing) || tracing.Enabled !== true) findings.push('Tracing');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/** The rule as the pack applies it. */
export const StateMachineDefaults: SafetyRule = {
  id: 'StateMachineDefaults',
  info:
    "A state machine lacks one of the automation's defaults, named in brackets: TimeoutSeconds (overall timeout), " +
    'LoggingLevelAll (logging level ALL to a log group), Tracing (X-Ray), QueryLanguage (JSONPath only), or Definition ' +
    '(the definition cannot be read at synth).',
  explanation:
    'A drill that hangs must time out and clean up; its history must be logged in full and traced to be audited; and the ' +
    'local test harness runs only JSONPath (it ignores JSONata silently). Build state machines with AutomationStateMachine ' +
    '(workflows/common/state-machine.ts), which sets all four; keep the definition inline (not in S3) so it can be checked.',
  check: stateMachineDefaults,
};
