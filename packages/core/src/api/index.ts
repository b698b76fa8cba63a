// The API surface shared by the api app: request validation, error classes, ARNs, names,
// pagination tokens and the generated model table.
export * from './errors.js';
export * from './validate.js';
export * from './arn.js';
export * from './names.js';
export * from './execution-input.js';
export * from './pagination.js';
export { compileJavaPattern, javaPatternToJs } from './java-regex.js';
export { OPERATIONS, SHAPES, MODEL_ERRORS, TARGET_PREFIX, type ModelErrorCode } from './model.generated.js';
export type { ModelShape, ShapeType } from './model-types.js';
