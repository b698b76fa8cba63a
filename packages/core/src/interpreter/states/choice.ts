import type { ChoiceState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { selectChoice } from '../../choice/index.js';
import { applyInputPath, applyOutputPath } from '../../jsonpath/index.js';
import type { Outcome, StateContext } from './state-context.js';

export function runChoice(state: ChoiceState, sc: StateContext): Outcome {
  const paths = sc.paths();
  const input = applyInputPath(state.InputPath, sc.cursor.input, paths);
  const rule = selectChoice(state, input, paths);
  const next = rule?.Next ?? state.Default;
  if (next === undefined) {
    throw new StatesError('States.NoChoiceMatched', 'No Matches!');
  }
  return { kind: 'exit', output: applyOutputPath(state.OutputPath, input, paths), next };
}
