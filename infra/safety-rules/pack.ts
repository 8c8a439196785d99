/**
 * InteractionsSafetyChecks: the project's cdk-nag pack of safety rules, checked on every synth next
 * to AwsSolutions and Serverless. It only routes: each rule lives in `rules/`, one per file.
 * Findings are errors, reported as `Interactions-<rule>[<finding>]` and acknowledged with
 * `Validations.of(scope).acknowledge({ id, reason })` using that id.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CreateRequestTags } from './rules/create-request-tags.js';
import { DestructiveTagConditions } from './rules/destructive-tag-conditions.js';
import { NoMutatingWildcard } from './rules/no-mutating-wildcard.js';
import type { SafetyRule } from './rules/safety-rule.js';
import { StateMachineDefaults } from './rules/state-machine-defaults.js';

/** Prefix of every rule id of the pack. */
export const PACK_NAME = 'Interactions';

/** The rules of the pack, in the order they are reported. */
export const SAFETY_RULES: readonly SafetyRule[] = [
  NoMutatingWildcard,
  DestructiveTagConditions,
  CreateRequestTags,
  StateMachineDefaults,
];

/** The id a finding of `rule` is reported and acknowledged under: `Interactions-<rule>[<finding>]`. */
export function safetyFindingId(rule: SafetyRule, finding: string): string {
  return `${PACK_NAME}-${rule.id}[${finding}]`;
}

/** The project's safety rules as a cdk-nag pack (see the module comment). */
export class InteractionsSafetyChecks extends NagPack {
  readonly name: string;

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.name = PACK_NAME;
    this.packName = PACK_NAME;
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of SAFETY_RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.info,
        explanation: rule.explanation,
        level: NagMessageLevel.ERROR,
        rule: rule.check,
        node,
      });
    }
  }
}
