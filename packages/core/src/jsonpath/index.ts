export type { PathContext } from './context.js';
export { evaluatePath, lookupPath, type PathLookup } from './evaluate.js';
export { applyInputPath, applyOutputPath } from './io-paths.js';
export { applyResultPath } from './result-path.js';
export { evaluatePayloadTemplate } from './payload-template.js';
export { invalidPathCause, pathNotFoundCause } from './causes.js';
