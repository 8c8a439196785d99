/** Alarm remediation intake: the public API (see README.md beside this file). */
export * from './alarm-catalog.js';
export * from './alarm-payload.js';
export * from './decision.js';
export * from './dynamodb-state-store.js';
export * from './intake.js';
export * from './memory-state-store.js';
export * from './playbooks.js';
export * from './policy.js';
export * from './replay.js';
export * from './state-store.js';
