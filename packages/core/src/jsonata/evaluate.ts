/**
 * Evaluating JSONata for a state field: `$states` and the workflow variables are bound, the
 * result must be a JSON value, and every failure is a States.QueryEvaluationError naming the
 * expression and the field (AWS's located cause texts).
 */
import type { EvaluationBudget } from '../bounded/budget.js';
import { StatesError } from '../errors.js';
import { returnedNothingCause, threwCause, unsupportedResultCause } from './causes.js';
import { compile } from './expression.js';
import { DEADLINE_BINDING, stateBoundExceeded } from './limits.js';

/** What `$states` holds in a JSONata state. */
export interface StatesBinding {
  input: unknown;
  context: unknown;
  result?: unknown;
  errorOutput?: unknown;
}

export interface JsonataScope {
  states: StatesBinding;
  /** Workflow variables visible to the state, bound as `$name`. */
  variables: Readonly<Record<string, unknown>>;
  /** The state's evaluation budget: its deadline holds for all of the state's expressions together. */
  budget?: EvaluationBudget;
}

/** A QueryEvaluationError that remembers the field it came from (history's EvaluationFailed `location`). */
export class QueryEvaluationError extends StatesError {
  constructor(
    cause: string,
    readonly location: string,
  ) {
    super('States.QueryEvaluationError', cause);
  }
}

/** Copies a jsonata result into plain JSON (drops its sequence markers and undefined members). */
function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function containsFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  // Sequences carry helper members (their own `push`); only the items are data.
  if (Array.isArray(value)) return value.some(containsFunction);
  // jsonata lambdas are objects tagged `_jsonata_lambda`; native functions are real functions.
  if ((value as { _jsonata_lambda?: unknown })._jsonata_lambda) return true;
  return Object.values(value).some(containsFunction);
}

/** Evaluates one expression (without its `{% %}`) for `field`, e.g. "Output/result" or "Condition". */
export async function evaluateExpression(expression: string, scope: JsonataScope, field: string): Promise<unknown> {
  let result: unknown;
  try {
    const bindings: Record<string, unknown> = { ...scope.variables, states: scope.states };
    if (scope.budget) {
      if (Date.now() > scope.budget.deadline) throw stateBoundExceeded();
      bindings[DEADLINE_BINDING] = scope.budget.deadline;
    }
    result = await compile(expression).evaluate(undefined, bindings);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const message = typeof err.message === 'string' ? err.message : String(e);
    throw new QueryEvaluationError(threwCause(expression, field, err.code, message), field);
  }
  if (result === undefined) throw new QueryEvaluationError(returnedNothingCause(expression, field), field);
  if (containsFunction(result)) throw new QueryEvaluationError(unsupportedResultCause(expression, field), field);
  return toJson(result);
}
