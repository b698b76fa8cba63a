import type { PassState } from '../../asl/types.js';
import { applyInputPath, applyOutputPath, applyResultPath, evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { evaluateAssign, exit, jsonataExit } from '../dataflow.js';
import { successor, type Outcome, type StateContext } from './state-context.js';

export async function runPass(state: PassState, sc: StateContext): Promise<Outcome> {
  if (sc.language === 'JSONata') return jsonataExit(sc, state, sc.cursor.input, successor(state));
  const paths = sc.paths();
  const raw = sc.cursor.input;
  const input = applyInputPath(state.InputPath, raw, paths);
  let result: unknown = input;
  if (state.Parameters !== undefined) result = evaluatePayloadTemplate(state.Parameters, input, paths, 'Parameters');
  else if ('Result' in state) result = state.Result;
  // Assign reads the result before ResultPath merges it; OutputPath still sees the old variables.
  const assigned = await evaluateAssign(state.Assign, sc, result);
  const output = applyOutputPath(state.OutputPath, applyResultPath(state.ResultPath, raw, result), paths);
  return exit(output, successor(state), assigned);
}
