/**
 * The shape of one project safety rule: its id, the two texts cdk-nag prints, and the pure check.
 */
import type { CfnResource } from 'aws-cdk-lib';
import type { NagRuleResult } from 'cdk-nag';

/** One rule of the Interactions pack. */
export interface SafetyRule {
  /** Suffix of the rule id: findings are reported as `Interactions-<id>[<finding>]`. */
  readonly id: string;
  /** What is wrong, printed with every finding. */
  readonly info: string;
  /** Why the rule exists and how to fix it (printed with `verbose`). */
  readonly explanation: string;
  /**
   * The check: NOT_APPLICABLE for other resource types, COMPLIANT, or the findings (each becomes
   * `Interactions-<id>[<finding>]`, which is also the id to acknowledge).
   */
  readonly check: (node: CfnResource) => NagRuleResult;
}
