import type { WaitState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { applyInputPath, applyOutputPath, evaluatePath } from '../../jsonpath/index.js';
import { successor, type Outcome, type StateContext } from './state-context.js';

/** AWS refuses waits that end after this (roughly a year past the 99999999 s execution limit). */
const MAX_WAIT_SECONDS = 99_999_999;

/** Wait: on entry compute the deadline and sleep on a Redis timer; on the timer, leave. */
export function runWait(state: WaitState, sc: StateContext): Outcome {
  const paths = sc.paths();
  const input = applyInputPath(state.InputPath, sc.cursor.input, paths);
  const exit = (): Outcome => ({ kind: 'exit', output: applyOutputPath(state.OutputPath, input, paths), next: successor(state) });
  if (sc.wake.kind === 'timer' && sc.cursor.untilKind === 'wait') return exit();

  const until = deadline(state, input, sc);
  if (until <= sc.now) return exit();
  return { kind: 'suspend', suspension: { kind: 'timer', at: until }, patch: { until, untilKind: 'wait' } };
}

function deadline(state: WaitState, input: unknown, sc: StateContext): number {
  if (state.Seconds !== undefined) return sc.now + Number(state.Seconds) * 1000;
  if (state.Timestamp !== undefined) return parseTimestamp(state.Timestamp, 'Timestamp');
  if (state.SecondsPath !== undefined) {
    const value = evaluatePath(state.SecondsPath, input, sc.paths());
    if (typeof value !== 'number' || !Number.isInteger(value)) {
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

function parseTimestamp(text: string, field: string, path?: string): number {
  const ms = RFC3339.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    const where = path === undefined ? text : `${path} == ${JSON.stringify(text)}`;
    throw new StatesError(
      'States.Runtime',
      `The ${field} parameter does not reference a valid ISO-8601 extended offset date-time format string: ${where}`,
    );
  }
  return ms;
}
