import type { ParallelState } from '../../asl/types.js';
import { applyInputPath, evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { jsonata } from '../dataflow.js';
import { nestedScope } from '../variables.js';
import { advanceFanout, newFanout, waitingOutcome } from './fanout.js';
import { leaveWithResult } from './results.js';
import { inspect, mockedError, type Outcome, type StateContext } from './state-context.js';

/** Parallel: every branch runs on the same input; the state's result is their outputs in branch order. */
export async function runParallel(state: ParallelState, sc: StateContext): Promise<Outcome> {
  let fanout = sc.cursor.fanout;
  if (!fanout) {
    let input: unknown;
    if (sc.language === 'JSONata') {
      input = state.Arguments === undefined ? sc.cursor.input : await jsonata(sc, state.Arguments, 'Arguments');
      inspect(sc, 'afterArguments', input);
    } else {
      const paths = sc.paths();
      input = applyInputPath(state.InputPath, sc.cursor.input, paths);
      inspect(sc, 'afterInputPath', input);
      if (state.Parameters !== undefined) input = evaluatePayloadTemplate(state.Parameters, input, paths, 'Parameters');
      inspect(sc, 'afterParameters', input);
    }
    // TestState: a mock stands for the branches' results (or their failure).
    const mock = sc.inspection?.mock;
    if (mock) return mock.kind === 'error' ? mockedError(mock) : leaveWithResult(state, sc, mock.result as unknown[]);
    sc.recorder.add('ParallelStateStarted');
    fanout = newFanout(state.Branches.length, [input]);
  }
  const progress = await advanceFanout(sc, {
    kind: 'Parallel',
    scopeOf: (index) => state.Branches[index]!,
    silent: false,
    outerVariables: nestedScope(sc.cursor, false),
  }, fanout);
  switch (progress.kind) {
    case 'done':
      sc.recorder.add('ParallelStateSucceeded');
      return leaveWithResult(state, sc, progress.results);
    case 'failed': {
      const outcome: Outcome = { kind: 'error', failedEvent: 'ParallelStateFailed', fanout: progress.fanout };
      if (progress.error !== undefined) outcome.error = progress.error;
      if (progress.cause !== undefined) outcome.cause = progress.cause;
      return outcome;
    }
    case 'waiting':
      return waitingOutcome(progress.fanout, progress.more);
    default: {
      const unreachable: never = progress;
      throw new Error(`unknown progress ${JSON.stringify(unreachable)}`);
    }
  }
}
