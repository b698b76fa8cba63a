import type { MapState, ParallelState } from '../../asl/types.js';
import { applyOutputPath, applyResultPath, evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { evaluateAssign, exit, jsonataExit } from '../dataflow.js';
import { inspect, successor, type Outcome, type StateContext } from './state-context.js';

/** Leaves a Parallel or Map state with its children's results, as a Task leaves with its result. */
export async function leaveWithResults(state: ParallelState | MapState, sc: StateContext, results: unknown[]): Promise<Outcome> {
  let result: unknown = results;
  if (sc.language === 'JSONata') return jsonataExit(sc, state, result, successor(state), { result });
  const paths = sc.paths();
  if (state.ResultSelector !== undefined) result = evaluatePayloadTemplate(state.ResultSelector, result, paths, 'ResultSelector');
  inspect(sc, 'afterResultSelector', result);
  const assigned = await evaluateAssign(state.Assign, sc, result);
  const afterResultPath = applyResultPath(state.ResultPath, sc.cursor.input, result);
  inspect(sc, 'afterResultPath', afterResultPath);
  const output = applyOutputPath(state.OutputPath, afterResultPath, paths);
  return exit(output, successor(state), assigned);
}
