import type { ChoiceRule, ChoiceState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { selectChoice } from '../../choice/index.js';
import { expressionOf, isJsonataTemplate, QueryEvaluationError, unexpectedTypeCause } from '../../jsonata/index.js';
import { applyInputPath, applyOutputPath } from '../../jsonpath/index.js';
import { evaluateAssign, exit, jsonata, jsonataExit } from '../dataflow.js';
import { inspect, type Outcome, type StateContext } from './state-context.js';

const noMatch = () => new StatesError('States.NoChoiceMatched', 'No Matches!');

/**
 * Choice: the first matching rule's Next, else Default. A matching rule's own Assign/Output
 * apply; the state-level ones go with Default.
 */
export async function runChoice(state: ChoiceState, sc: StateContext): Promise<Outcome> {
  if (sc.language === 'JSONata') return runJsonataChoice(state, sc);
  const paths = sc.paths();
  const input = applyInputPath(state.InputPath, sc.cursor.input, paths);
  inspect(sc, 'afterInputPath', input);
  const rule = selectChoice(state, input, paths);
  const next = rule?.Next ?? state.Default;
  if (next === undefined) throw noMatch();
  const assigned = await evaluateAssign(rule ? rule.Assign : state.Assign, sc, input);
  return exit(applyOutputPath(state.OutputPath, input, paths), next, assigned);
}

async function runJsonataChoice(state: ChoiceState, sc: StateContext): Promise<Outcome> {
  for (const rule of state.Choices) {
    if (await condition(rule, sc)) return jsonataExit(sc, { Output: rule.Output, Assign: rule.Assign }, sc.cursor.input, rule.Next);
  }
  if (state.Default === undefined) throw noMatch();
  return jsonataExit(sc, state, sc.cursor.input, state.Default);
}

async function condition(rule: ChoiceRule, sc: StateContext): Promise<boolean> {
  const value = await jsonata(sc, rule.Condition, 'Condition');
  if (typeof value === 'boolean') return value;
  const expression = isJsonataTemplate(rule.Condition) ? expressionOf(rule.Condition) : JSON.stringify(rule.Condition);
  throw new QueryEvaluationError(unexpectedTypeCause(expression, 'Condition', 'boolean', value), 'Condition');
}
