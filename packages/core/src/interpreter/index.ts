export * from './types.js';
export { step, closeFromOutside, MAX_PAYLOAD_BYTES } from './step.js';
export { errorMatches, decideRetry } from './errors.js';
export { isActivityResource } from './states/task.js';
