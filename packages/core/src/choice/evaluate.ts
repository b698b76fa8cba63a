import type { ChoiceRule, ChoiceState } from '../asl/types.js';
import { EvaluationBudget } from '../bounded/budget.js';
import { StatesError } from '../errors.js';
import { withBudget, type PathContext } from '../jsonpath/context.js';
import { lookupPath } from '../jsonpath/evaluate.js';
import {
  compare,
  matchesPattern,
  typeTest,
  TYPE_TESTS,
  type Comparison,
  type OperandKind,
  type TypeTest,
} from './operators.js';

const COMPARISON_OPERATOR =
  /^(String|Numeric|Boolean|Timestamp)(Equals|LessThanEquals|LessThan|GreaterThanEquals|GreaterThan)(Path)?$/;

/** AWS fails the state when a Choice rule's path selects nothing (only the Is* tests tolerate it). */
function invalidChoicePath(path: string): StatesError {
  return new StatesError('States.Runtime', `Invalid path '${path}': The choice state's condition path references an invalid value.`);
}

function readPath(path: unknown, input: unknown, ctx: PathContext): unknown {
  if (typeof path !== 'string') throw invalidChoicePath(String(path));
  const result = lookupPath(path, input, ctx);
  if (!result.found) throw invalidChoicePath(path);
  return result.value;
}

/** The single operator key of a data-test rule (everything but Variable, Next and the like). */
function operatorOf(rule: ChoiceRule): string | undefined {
  return Object.keys(rule).find(
    (key) => COMPARISON_OPERATOR.test(key) || key === 'StringMatches' || (TYPE_TESTS as readonly string[]).includes(key),
  );
}

function evaluateDataTest(rule: ChoiceRule, variablePath: string, input: unknown, ctx: PathContext): boolean {
  const operator = operatorOf(rule);
  if (operator === undefined) {
    throw new StatesError('States.Runtime', `The choice rule on '${variablePath}' has no comparison operator.`);
  }
  const expected = rule[operator];
  if ((TYPE_TESTS as readonly string[]).includes(operator)) {
    const lookup = lookupPath(variablePath, input, ctx);
    const value = lookup.found ? lookup.value : undefined;
    return typeTest(operator as TypeTest, lookup.found, value) === (expected === true);
  }
  const value = readPath(variablePath, input, ctx);
  if (operator === 'StringMatches') return matchesPattern(value, expected);
  const [, kind, comparison, viaPath] = COMPARISON_OPERATOR.exec(operator)!;
  const other = viaPath ? readPath(expected, input, ctx) : expected;
  return compare(kind as OperandKind, comparison as Comparison, value, other);
}

/** Evaluates one JSONPath-mode Choice rule (Boolean combinations, data tests). */
export function evaluateChoiceRule(rule: ChoiceRule, input: unknown, ctx: PathContext): boolean {
  ctx.budget?.tick();
  if (rule.And !== undefined) return rule.And.every((r) => evaluateChoiceRule(r, input, ctx));
  if (rule.Or !== undefined) return rule.Or.some((r) => evaluateChoiceRule(r, input, ctx));
  if (rule.Not !== undefined) return !evaluateChoiceRule(rule.Not, input, ctx);
  // A literal JSONata-style Condition needs no evaluator; expressions belong to the JSONata module.
  if (typeof rule.Condition === 'boolean') return rule.Condition;
  if (rule.Variable === undefined) {
    throw new StatesError('States.Runtime', 'A choice rule needs a Variable, a Condition or one of And, Or, Not.');
  }
  return evaluateDataTest(rule, rule.Variable, input, ctx);
}

/** Returns the first matching rule of a Choice state, or undefined (the caller then uses Default or raises States.NoChoiceMatched). */
export function selectChoice(state: ChoiceState, input: unknown, ctx: PathContext): ChoiceRule | undefined {
  const bounded = ctx.budget ? ctx : withBudget(ctx, new EvaluationBudget());
  return state.Choices.find((rule) => evaluateChoiceRule(rule, input, bounded));
}
