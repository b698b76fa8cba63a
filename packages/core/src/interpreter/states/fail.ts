import type { FailState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { evaluatePath } from '../../jsonpath/index.js';
import type { Outcome, StateContext } from './state-context.js';

/** Fail ends the execution; ErrorPath/CausePath must name strings. */
export function runFail(state: FailState, sc: StateContext): Outcome {
  const paths = sc.paths();
  const read = (path: string | undefined, literal: string | undefined, field: string): string | undefined => {
    if (path === undefined) return literal;
    const value = evaluatePath(path, sc.cursor.input, paths);
    if (typeof value !== 'string') {
      throw new StatesError(
        'States.Runtime',
        `The ${field} field at path '${path}' must be a string, but was: ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  const error = read(state.ErrorPath, state.Error, 'ErrorPath');
  const cause = read(state.CausePath, state.Cause, 'CausePath');
  return { kind: 'error', error: error as string, cause: cause as string };
}
