import type { PassState } from '../../asl/types.js';
import { applyInputPath, applyOutputPath, applyResultPath, evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { evaluateAssign, exit, jsonataExit } from '../dataflow.js';
import { inspect, successor, type Outcome, type StateContext } from './state-context.js';

export async function runPass(state: PassState, sc: StateContext): Promise<Outcome> {
  if (sc.language === 'JSONata') return jsonataExit(sc, state, sc.cursor.input, successor(state));
  const paths = sc.paths();
  const raw = sc.cursor.input;
  const input = applyInputPath(state.InputPath, raw, paths);
  let result: unknown = input;
  // A Result replaces the input even when Parameters is present too (as AWS records it).
  if ('Result' in state) {
    result = state.Result;
    inspect(sc, 'result', result);
  } else {
    inspect(sc, 'afterInputPath', input);
    if (state.Parameters !== undefined) result = evaluatePayloadTemplate(state.Parameters, input, paths, 'Parameters');
    inspect(sc, 'afterParameters', result);
  }
  inspect(sc, 'afterResultSelector', result);
  // Assign reads the result before ResultPath merges it; OutputPath still sees the old variables.
  const assigned = await evaluateAssign(state.Assign, sc, result);
  const afterResultPath = applyResultPath(state.ResultPath, raw, result);
  inspect(sc, 'afterResultPath', afterResultPath);
  const output = applyOutputPath(state.OutputPath, afterResultPath, paths);
  return exit(output, successor(state), assigned);
}
