export * from './errors.js';
export * from './asl/types.js';
export * from './interpreter/index.js';
