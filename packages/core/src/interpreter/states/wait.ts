import type { WaitState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { expressionOf, isJsonataTemplate, QueryEvaluationError, unexpectedTypeCause } from '../../jsonata/index.js';
import { applyInputPath, applyOutputPath, evaluatePath } from '../../jsonpath/index.js';
import { evaluateAssign, exit, jsonata, jsonataExit } from '../dataflow.js';
import { inspect, successor, type Outcome, type StateContext } from './state-context.js';

/** AWS refuses waits that end after this (roughly a year past the 99999999 s execution limit). */
const MAX_WAIT_SECONDS = 99_999_999;
/** AWS keeps a Wait's delay in 32-bit seconds; a timestamp further out fails the state. */
const MAX_DELAY_MS = (2 ** 31 - 1) * 1000;

/** Wait: on entry compute the deadline and sleep on a Redis timer; on the timer, leave. */
export async function runWait(state: WaitState, sc: StateContext): Promise<Outcome> {
  const jsonataMode = sc.language === 'JSONata';
  const paths = sc.paths();
  const input = jsonataMode ? sc.cursor.input : applyInputPath(state.InputPath, sc.cursor.input, paths);
  if (!jsonataMode) inspect(sc, 'afterInputPath', input);
  const leave = async (): Promise<Outcome> => {
    if (jsonataMode) return jsonataExit(sc, state, input, successor(state));
    const assigned = await evaluateAssign(state.Assign, sc, input);
    return exit(applyOutputPath(state.OutputPath, input, paths), successor(state), assigned);
  };
  if (sc.wake.kind === 'timer' && sc.cursor.untilKind === 'wait') return leave();

  const until = jsonataMode ? await jsonataDeadline(state, sc) : deadline(state, input, sc);
  if (until <= sc.now) return leave();
  if (until - sc.now > MAX_DELAY_MS) throw new StatesError('States.Runtime', 'Wait state delay is too long.');
  return { kind: 'suspend', suspension: { kind: 'timer', at: until }, patch: { until, untilKind: 'wait' } };
}

/** JSONata mode: Seconds and Timestamp are literals or expressions; bad values are query errors. */
async function jsonataDeadline(state: WaitState, sc: StateContext): Promise<number> {
  if (state.Seconds !== undefined) {
    const value = await jsonata(sc, state.Seconds, 'Seconds');
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_WAIT_SECONDS) {
      const expression = isJsonataTemplate(state.Seconds) ? expressionOf(state.Seconds) : String(state.Seconds);
      throw new QueryEvaluationError(unexpectedTypeCause(expression, 'Seconds', 'integer', value), 'Seconds');
    }
    return sc.now + value * 1000;
  }
  if (state.Timestamp !== undefined) {
    const value = await jsonata(sc, state.Timestamp, 'Timestamp');
    const ms = typeof value === 'string' ? timestampMs(value) : NaN;
    if (Number.isNaN(ms)) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      throw new QueryEvaluationError(`The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${text}`, 'Timestamp');
    }
    return ms;
  }
  return sc.now;
}

function deadline(state: WaitState, input: unknown, sc: StateContext): number {
  if (state.Seconds !== undefined) return sc.now + Number(state.Seconds) * 1000;
  if (state.Timestamp !== undefined) return parseTimestamp(state.Timestamp, 'Timestamp');
  if (state.SecondsPath !== undefined) {
    const value = evaluatePath(state.SecondsPath, input, sc.paths());
    if (typeof value === 'number' && !Number.isInteger(value)) {
      throw new StatesError('States.Runtime', `The SecondsPath parameter cannot be parsed as a long value: ${state.SecondsPath} == ${value}`);
    }
    if (typeof value !== 'number') {
      throw new StatesError(
        'States.Runtime',
        `The SecondsPath parameter does not reference a valid integer value: ${state.SecondsPath} == ${JSON.stringify(value)}`,
      );
    }
    if (value < 0) {
      throw new StatesError('States.Runtime', `The SecondsPath parameter references a negative value: ${state.SecondsPath} == ${value}`);
    }
    if (value > MAX_WAIT_SECONDS) {
      throw new StatesError('States.Runtime', `The SecondsPath parameter references a value that is too large: ${state.SecondsPath} == ${value}`);
    }
    return sc.now + value * 1000;
  }
  if (state.TimestampPath !== undefined) {
    const value = evaluatePath(state.TimestampPath, input, sc.paths());
    if (typeof value !== 'string') {
      throw new StatesError(
        'States.Runtime',
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${state.TimestampPath} == ${JSON.stringify(value)}`,
      );
    }
    return parseTimestamp(value, 'TimestampPath', state.TimestampPath);
  }
  return sc.now;
}

/** RFC 3339 date-times only, as AWS requires (an offset or Z is mandatory). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an RFC 3339 date-time, NaN when it is not one (fractions past milliseconds are cut). */
function timestampMs(text: string): number {
  if (!RFC3339.test(text)) return NaN;
  return Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
}

function parseTimestamp(text: string, field: string, path?: string): number {
  const ms = timestampMs(text);
  if (Number.isNaN(ms)) {
    const where = path === undefined ? text : `${path} == ${text}`;
    throw new StatesError(
      'States.Runtime',
      `The ${field} parameter does not reference a valid ISO-8601 extended offset date-time format string: ${where}`,
    );
  }
  return ms;
}
