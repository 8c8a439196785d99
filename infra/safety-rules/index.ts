/** The project's cdk-nag safety rule pack and its rules. */
export { InteractionsSafetyChecks, safetyFindingId } from './pack.js';
export { CreateRequestTags } from './rules/create-request-tags.js';
export { DestructiveTagConditions } from './rules/destructive-tag-conditions.js';
export { NoMutatingWildcard } from './rules/no-mutating-wildcard.js';
export type { SafetyRule } from './rules/safety-rule.js';
export { StateMachineDefaults } from './rules/state-machine-defaults.js';
