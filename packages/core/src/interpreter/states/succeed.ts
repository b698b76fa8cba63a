import type { SucceedState } from '../../asl/types.js';
import { applyInputPath, applyOutputPath } from '../../jsonpath/index.js';
import { jsonataExit } from '../dataflow.js';
import { inspect, type Outcome, type StateContext } from './state-context.js';

export async function runSucceed(state: SucceedState, sc: StateContext): Promise<Outcome> {
  if (sc.language === 'JSONata') return jsonataExit(sc, { Output: state.Output }, sc.cursor.input, undefined);
  const paths = sc.paths();
  const input = applyInputPath(state.InputPath, sc.cursor.input, paths);
  inspect(sc, 'afterInputPath', input);
  const output = applyOutputPath(state.OutputPath, input, paths);
  return { kind: 'exit', output };
}
