import type { MapState, ParallelState, TaskState } from '../../asl/types.js';
import { applyOutputPath, applyResultPath, evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { evaluateAssign, exit, jsonataExit } from '../dataflow.js';
import { inspect, successor, type Outcome, type StateContext } from './state-context.js';

/**
 * Leaves a Task, Parallel or Map state with its result: JSONata's Output and Assign over
 * `$states.result`, or JSONPath's ResultSelector, Assign (reading the selected result, before
 * ResultPath merges it into the input), ResultPath and OutputPath.
 */
export async function leaveWithResult(state: TaskState | ParallelState | MapState, sc: StateContext, result: unknown, taskToken?: string): Promise<Outcome> {
  if (sc.language === 'JSONata') return jsonataExit(sc, state, result, successor(state), { result });
  const paths = sc.paths(taskToken);
  if (state.ResultSelector !== undefined) result = evaluatePayloadTemplate(state.ResultSelector, result, paths, 'ResultSelector');
  inspect(sc, 'afterResultSelector', result);
  const assigned = await evaluateAssign(state.Assign, sc, result);
  const afterResultPath = applyResultPath(state.ResultPath, sc.cursor.input, result);
  inspect(sc, 'afterResultPath', afterResultPath);
  const output = applyOutputPath(state.OutputPath, afterResultPath, paths);
  return exit(output, successor(state), assigned);
}
