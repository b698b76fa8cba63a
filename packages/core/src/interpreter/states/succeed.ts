import type { SucceedState } from '../../asl/types.js';
import { applyInputPath, applyOutputPath } from '../../jsonpath/index.js';
import type { Outcome, StateContext } from './state-context.js';

export function runSucceed(state: SucceedState, sc: StateContext): Outcome {
  const paths = sc.paths();
  const output = applyOutputPath(state.OutputPath, applyInputPath(state.InputPath, sc.cursor.input, paths), paths);
  return { kind: 'exit', output };
}
