export { evaluateExpression, QueryEvaluationError, type JsonataScope, type StatesBinding } from './evaluate.js';
export { evaluateTemplate } from './template.js';
export { isJsonataTemplate, expressionOf, compile } from './expression.js';
export { EVALUATION_LIMITS } from './limits.js';
export { jsonTypeOf, unexpectedTypeCause } from './causes.js';
