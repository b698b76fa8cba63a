import type { FailState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { evaluateIntrinsic, isIntrinsic } from '../../intrinsics/index.js';
import { lookupPath, pathNotFoundCause } from '../../jsonpath/index.js';
import { jsonata } from '../dataflow.js';
import type { Outcome, StateContext } from './state-context.js';

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Fail ends the execution; Error/Cause are JSONata templates, or ErrorPath/CausePath paths or intrinsics. */
export async function runFail(state: FailState, sc: StateContext): Promise<Outcome> {
  let error: string | undefined;
  let cause: string | undefined;
  if (sc.language === 'JSONata') {
    if (state.Error !== undefined) error = asText(await jsonata(sc, state.Error, 'Error'));
    if (state.Cause !== undefined) cause = asText(await jsonata(sc, state.Cause, 'Cause'));
  } else {
    error = readPath(state.ErrorPath, state.Error, 'ErrorPath', sc);
    cause = readPath(state.CausePath, state.Cause, 'CausePath', sc);
  }
  const outcome: Outcome = { kind: 'error' };
  if (error !== undefined) outcome.error = error;
  if (cause !== undefined) outcome.cause = cause;
  return outcome;
}

function readPath(path: string | undefined, literal: string | undefined, field: string, sc: StateContext): string | undefined {
  if (path === undefined) return literal;
  const input = sc.cursor.input;
  const paths = sc.paths();
  if (isIntrinsic(path)) return asText(evaluateIntrinsic(path, input, paths, field));
  const found = lookupPath(path, input, paths);
  if (!found.found) throw new StatesError('States.Runtime', pathNotFoundCause(path, field, input));
  return asText(found.value);
}
