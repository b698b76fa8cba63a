import type { Catcher, State } from '../../asl/types.js';
import { applyResultPath } from '../../jsonpath/index.js';
import { evaluateAssign, exit, jsonataExit } from '../dataflow.js';
import { runChoice } from './choice.js';
import { runFail } from './fail.js';
import { runMap } from './map.js';
import { runParallel } from './parallel.js';
import { runPass } from './pass.js';
import type { Outcome, StateContext } from './state-context.js';
import { runSucceed } from './succeed.js';
import { runTask } from './task.js';
import { runWait } from './wait.js';

/** Runs one state by its type; shared by executions (step) and TestState. Errors propagate. */
export function runStateType(state: State, sc: StateContext): Promise<Outcome> {
  switch (state.Type) {
    case 'Pass':
      return runPass(state, sc);
    case 'Choice':
      return runChoice(state, sc);
    case 'Wait':
      return runWait(state, sc);
    case 'Succeed':
      return runSucceed(state, sc);
    case 'Fail':
      return runFail(state, sc);
    case 'Task':
      return runTask(state, sc);
    case 'Parallel':
      return runParallel(state, sc);
    case 'Map':
      return runMap(state, sc);
    default: {
      const unreachable: never = state;
      throw new Error(`unknown state type ${(unreachable as State).Type}`);
    }
  }
}

/** Where a Catcher leads: its Output (JSONata) or ResultPath (JSONPath) over the error output, and its Assign. */
export async function catchExit(catcher: Catcher, sc: StateContext, errorOutput: Record<string, string>): Promise<Outcome> {
  if (sc.language === 'JSONata') return jsonataExit(sc, catcher, errorOutput, catcher.Next, { errorOutput });
  const assigned = await evaluateAssign(catcher.Assign, sc, errorOutput);
  return exit(applyResultPath(catcher.ResultPath, sc.cursor.input, errorOutput), catcher.Next, assigned);
}
