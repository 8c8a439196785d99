/** The project's cdk-nag safety rule pack and its rules. */
export { InteractionsSafetyChecks, PACK_NAME, SAFETY_RULES, safetyFindingId } from './pack.js';
export { CreateRequestTags, createRequestTags, SOURCE_TYPES } from './rules/create-request-tags.js';
export { DestructiveTagConditions, destructiveTagConditions } from './rules/destructive-tag-conditions.js';
export { NO_RESOURCE_TYPE_WRITES, NoMutatingWildcard, noMutatingWildcard } from './rules/no-mutating-wildcard.js';
export type { SafetyRule } from './rules/safety-rule.js';
export { StateMachineDefaults, stateMachineDefaults } from './rules/state-machine-defaults.js';
