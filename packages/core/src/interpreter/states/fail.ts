import type { FailState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { evaluateIntrinsic, isIntrinsic } from '../../intrinsics/index.js';
import { lookupPath, pathNotFoundCause } from '../../jsonpath/index.js';
import type { Outcome, StateContext } from './state-context.js';

/** Fail ends the execution; ErrorPath/CausePath may be paths or intrinsic functions. */
export function runFail(state: FailState, sc: StateContext): Outcome {
  const paths = sc.paths();
  const input = sc.cursor.input;
  const read = (path: string | undefined, literal: string | undefined, field: string): string | undefined => {
    if (path === undefined) return literal;
    let value: unknown;
    if (isIntrinsic(path)) {
      value = evaluateIntrinsic(path, input, paths, field);
    } else {
      const found = lookupPath(path, input, paths);
      if (!found.found) throw new StatesError('States.Runtime', pathNotFoundCause(path, field, input));
      value = found.value;
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const error = read(state.ErrorPath, state.Error, 'ErrorPath');
  const cause = read(state.CausePath, state.Cause, 'CausePath');
  const outcome: Outcome = { kind: 'error' };
  if (error !== undefined) outcome.error = error;
  if (cause !== undefined) outcome.cause = cause;
  return outcome;
}
