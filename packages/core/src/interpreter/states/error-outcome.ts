import { StatesError } from '../../errors.js';
import { QueryEvaluationError } from '../../jsonata/index.js';
import type { Cursor } from '../types.js';
import type { Outcome } from './state-context.js';

/** A StatesError thrown while a state ran, as an error outcome with AWS's located cause; anything else is a bug and rethrown. */
export function errorOutcome(e: unknown, cursor: Cursor): Outcome & { kind: 'error' } {
  if (!(e instanceof StatesError)) throw e;
  const outcome: Outcome & { kind: 'error' } = { kind: 'error', error: e.error, cause: locate(e, cursor) };
  if (e instanceof QueryEvaluationError) outcome.location = e.location;
  return outcome;
}

/** Errors raised by the service itself name the state and the event that entered it. */
function locate(e: StatesError, cursor: Cursor): string {
  const located = e.located || !(e.error === 'States.Runtime' || e.error === 'States.QueryEvaluationError');
  if (located) return e.cause;
  return `An error occurred while executing the state '${cursor.state}' (entered at the event id #${cursor.enteredEventId}). ${e.cause}`;
}
