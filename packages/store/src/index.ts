export * from './keys.js';
export * from './redis.js';
export * from './executions.js';
export * from './state-machines.js';
export * from './activities.js';
export * from './tags.js';
export * from './queue.js';
export * from './config.js';
