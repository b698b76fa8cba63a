import type { PassState } from '../../asl/types.js';
import { applyInputPath, applyOutputPath, applyResultPath, evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { successor, type Outcome, type StateContext } from './state-context.js';

export function runPass(state: PassState, sc: StateContext): Outcome {
  const paths = sc.paths();
  const raw = sc.cursor.input;
  const input = applyInputPath(state.InputPath, raw, paths);
  let result: unknown = input;
  if (state.Parameters !== undefined) result = evaluatePayloadTemplate(state.Parameters, input, paths, 'Parameters');
  else if ('Result' in state) result = state.Result;
  const output = applyOutputPath(state.OutputPath, applyResultPath(state.ResultPath, raw, result), paths);
  return { kind: 'exit', output, next: successor(state) };
}
