export { evaluateIntrinsic, isIntrinsic } from './evaluate.js';
export { parseIntrinsic } from './parser.js';
export { INTRINSICS } from './registry.js';
export type { IntrinsicArg, IntrinsicCall } from './ast.js';
export type { ArgType, IntrinsicDefinition } from './signature.js';
