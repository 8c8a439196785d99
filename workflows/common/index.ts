export * from './context.js';
export * from './failure-path.js';
export * from './lambda-task.js';
export * from './poll-loop.js';
export * from './retry.js';
export * from './state-machine.js';
