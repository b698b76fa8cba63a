export * from './errors.js';
export * from './asl/types.js';
export * from './interpreter/index.js';
export * from './api/index.js';
export { parseDefinition, validateDefinition, variableReferences, type Diagnostic } from './validation/index.js';
export { MockConfig, MockConfigError, type MockedAnswer } from './mocks/mock-config.js';
