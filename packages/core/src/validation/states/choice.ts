import { at, isObject, type Diagnostics } from '../diagnostics.js';
import type { StateCheck } from '../context.js';
import { checkTemplate, isJsonataTemplate } from '../jsonata-check.js';
import { parseJsonPath } from '../jsonpath.js';
import { checkAssign, checkPath, checkTemplateFor } from '../payload.js';

type Operand = 'string' | 'number' | 'boolean' | 'timestamp' | 'path';

// Comparison operators and the operand each takes; every one but Is* also has a `...Path` form.
const COMPARISONS: Record<string, Operand> = {};
for (const op of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) {
  COMPARISONS[`String${op}`] = 'string';
  COMPARISONS[`Numeric${op}`] = 'number';
  COMPARISONS[`Timestamp${op}`] = 'timestamp';
}
COMPARISONS['BooleanEquals'] = 'boolean';
for (const op of Object.keys(COMPARISONS)) COMPARISONS[`${op}Path`] = 'path';
COMPARISONS['StringMatches'] = 'string';
for (const op of ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']) COMPARISONS[op] = 'boolean';

const COMBINATORS = ['And', 'Or', 'Not'];

export function checkChoice(check: StateCheck): void {
  const { state, location, walk } = check;
  const d = walk.d;
  const choices = state['Choices'];
  if (choices === undefined) return d.schema('These fields are required: [Choices]', location);
  if (!Array.isArray(choices)) return d.schema("The value for the field 'Choices' must be an ARRAY", location);
  if (choices.length === 0) return d.schema('Value cannot be empty', at(location, 'Choices'));
  if (state['Default'] !== undefined && typeof state['Default'] !== 'string') d.schema("Expected value of type String at field 'Default'", at(location, 'Default'));
  if (check.language === 'JSONPath') for (const field of ['InputPath', 'OutputPath']) checkPath(state, field, location, d);
  choices.forEach((rule: unknown, i) => {
    const here = at(at(location, 'Choices'), i);
    if (check.language === 'JSONata') checkJsonataRule(check, rule, here);
    else checkJsonPathRule(check, rule, here, true);
  });
}

function checkTopLevelExtras(check: StateCheck, rule: Record<string, unknown>, location: string): void {
  const d = check.walk.d;
  if (!('Next' in rule)) d.schema('These fields are required: [Next]', location);
  else if (typeof rule['Next'] !== 'string') d.schema("Expected value of type String at field 'Next'", at(location, 'Next'));
  if (rule['Assign'] !== undefined) checkAssign(rule['Assign'], check.language, location, d);
  if (check.language === 'JSONata' && rule['Output'] !== undefined) checkTemplateFor('JSONata', rule['Output'], at(location, 'Output'), d);
}

function checkJsonataRule(check: StateCheck, rule: unknown, location: string): void {
  const d = check.walk.d;
  if (!isObject(rule)) return d.schema('Expected value of type OBJECT', location);
  for (const key of Object.keys(rule)) {
    if (!['Condition', 'Next', 'Assign', 'Output', 'Comment'].includes(key)) d.schema(`Field '${key}' is not supported`, location);
  }
  const condition = rule['Condition'];
  if (condition === undefined) d.schema('These fields are required: [Condition]', location);
  else if (isJsonataTemplate(condition)) checkTemplate(condition, at(location, 'Condition'), d);
  else if (typeof condition !== 'boolean') d.schema("The value for the field 'Condition' must be a boolean or a JSONata expression", location);
  checkTopLevelExtras(check, rule, location);
}

function checkJsonPathRule(check: StateCheck, rule: unknown, location: string, top: boolean): void {
  const d = check.walk.d;
  if (!isObject(rule)) return d.schema('Expected value of type OBJECT', location);
  const allowed = ['Variable', 'Comment', ...COMBINATORS, ...Object.keys(COMPARISONS), ...(top ? ['Next', 'Assign'] : [])];
  for (const key of Object.keys(rule)) {
    if (!allowed.includes(key)) d.schema(`Field '${key}' is not supported`, location);
  }
  const operators = Object.keys(rule).filter((k) => k in COMPARISONS || COMBINATORS.includes(k));
  if (operators.length !== 1) d.schema('A choice rule must have exactly one comparison operator', location);
  if (top) checkTopLevelExtras(check, rule, location);
  const [operator] = operators;
  if (operator === undefined) return;
  if (COMBINATORS.includes(operator)) return checkCombinator(check, rule, operator, location);
  if (!('Variable' in rule)) d.schema('These fields are required: [Variable]', location);
  else checkPath(rule, 'Variable', location, d, false);
  checkOperand(d, rule, operator, COMPARISONS[operator] as Operand, location);
}

function checkCombinator(check: StateCheck, rule: Record<string, unknown>, operator: string, location: string): void {
  const d = check.walk.d;
  const value = rule[operator];
  const here = at(location, operator);
  if (operator === 'Not') return checkJsonPathRule(check, value, here, false);
  if (!Array.isArray(value)) return d.schema(`The value for the field '${operator}' must be an ARRAY`, location);
  if (value.length === 0) return d.schema('Value cannot be empty', here);
  value.forEach((inner: unknown, i) => checkJsonPathRule(check, inner, at(here, i), false));
}

function checkOperand(d: Diagnostics, rule: Record<string, unknown>, operator: string, operand: Operand, location: string): void {
  const value = rule[operator];
  switch (operand) {
    case 'path':
      if (typeof value !== 'string' || parseJsonPath(value) === undefined) d.schema(`The value for the field '${operator}' must be a valid JSONPath`, location);
      return;
    case 'string':
    case 'timestamp':
      if (typeof value !== 'string') d.schema(`Expected value of type String at field '${operator}'`, at(location, operator));
      return;
    case 'number':
      if (typeof value !== 'number') d.schema(`Expected value of type Number at field '${operator}'`, at(location, operator));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') d.schema(`Expected value of type Boolean at field '${operator}'`, at(location, operator));
      return;
    default: {
      const unreachable: never = operand;
      throw new Error(`unknown operand ${String(unreachable)}`);
    }
  }
}
