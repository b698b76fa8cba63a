import type { State, StateMachineDefinition } from '../asl/types.js';
import { StatesError } from '../errors.js';
import { applyResultPath } from '../jsonpath/index.js';
import { contextObject } from './context.js';
import { decideRetry, findCatcher } from './errors.js';
import { payload, Recorder } from './recorder.js';
import { runChoice } from './states/choice.js';
import { runFail } from './states/fail.js';
import { runPass } from './states/pass.js';
import type { Outcome, StateContext } from './states/state-context.js';
import { runSucceed } from './states/succeed.js';
import { runTask } from './states/task.js';
import { runWait } from './states/wait.js';
import type { Closing, Cursor, ExecutionInfo, StepInput, StepOptions, StepResult, Wake } from './types.js';

/** AWS's payload limit: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

const DEFAULT_MAX_TRANSITIONS = 500;

/**
 * Runs an execution from its cursor until it must wait (timer, activity), closes, or spends its
 * transition budget. Pure: the caller commits the returned events and cursor atomically.
 */
export function step(input: StepInput, options: StepOptions): StepResult {
  const { definition, execution, now } = input;
  const recorder = new Recorder(input.lastEventId, now);
  let cursor: Cursor = input.cursor ?? freshCursor(definition.StartAt, JSON.parse(execution.input), now);
  let wake: Wake = input.wake;
  let budget = options.maxTransitions ?? DEFAULT_MAX_TRANSITIONS;

  for (;;) {
    const state = definition.States[cursor.state];
    if (!state) throw new Error(`state ${cursor.state} missing from a validated definition`);
    if (!cursor.entered) {
      const entered = recorder.add(`${state.Type}StateEntered`, {
        stateEnteredEventDetails: { name: cursor.state, ...payload('input', JSON.stringify(cursor.input)) },
      });
      cursor = { ...cursor, entered: true, enteredTime: now, enteredEventId: entered.id };
    }

    const outcome = runState(state, { execution, cursor, wake, now, recorder, options, paths: pathsFor(execution, cursor) });
    const close = (closing: Closing): StepResult => ({ events: recorder.events, closing });

    if (outcome.kind === 'suspend') {
      return { events: recorder.events, cursor: { ...cursor, ...outcome.patch }, suspension: outcome.suspension };
    }
    let next: string | undefined;
    let output: unknown;
    if (outcome.kind === 'exit') {
      ({ next, output } = outcome);
    } else {
      const handled = handleError(state, cursor, outcome, options);
      if (handled.kind === 'retry') {
        return {
          events: recorder.events,
          cursor: { ...cursor, attempts: handled.attempts, until: now + handled.delayMs, untilKind: 'retry', task: undefined },
          suspension: { kind: 'timer', at: now + handled.delayMs },
        };
      }
      if (handled.kind === 'fail') {
        recorder.add('ExecutionFailed', { executionFailedEventDetails: failureDetails(outcome.error, outcome.cause) });
        return close({ status: 'FAILED', error: outcome.error, cause: outcome.cause });
      }
      ({ next, output } = handled);
    }

    const text = JSON.stringify(output);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      const cause = `The state/task '${cursor.state}' returned a result with a size exceeding the maximum number of bytes service limit.`;
      recorder.add('ExecutionFailed', { executionFailedEventDetails: { error: 'States.DataLimitExceeded', cause } });
      return close({ status: 'FAILED', error: 'States.DataLimitExceeded', cause });
    }
    recorder.add(`${state.Type}StateExited`, { stateExitedEventDetails: { name: cursor.state, ...payload('output', text) } });
    if (next === undefined) {
      recorder.add('ExecutionSucceeded', { executionSucceededEventDetails: payload('output', text) });
      return close({ status: 'SUCCEEDED', output: text });
    }
    cursor = freshCursor(next, output, now, cursor.variables);
    wake = { kind: 'continue' };
    if (--budget <= 0) return { events: recorder.events, cursor, suspension: { kind: 'continue' } };
  }
}

function freshCursor(state: string, input: unknown, now: number, variables?: Record<string, unknown>): Cursor {
  const cursor: Cursor = { state, input, entered: false, enteredTime: now, enteredEventId: 0, attempts: [] };
  if (variables) cursor.variables = variables;
  return cursor;
}

function pathsFor(execution: ExecutionInfo, cursor: Cursor) {
  return (taskToken?: string) => ({ context: contextObject(execution, cursor, taskToken), variables: cursor.variables });
}

/** Runs one state; a StatesError it throws becomes an error outcome with AWS's located cause. */
function runState(state: State, sc: StateContext): Outcome {
  try {
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
      case 'Map':
        throw new StatesError('States.Runtime', `The state type '${state.Type}' is not supported yet.`);
      default: {
        const unreachable: never = state;
        throw new Error(`unknown state type ${(unreachable as State).Type}`);
      }
    }
  } catch (e) {
    if (!(e instanceof StatesError)) throw e;
    return { kind: 'error', error: e.error, cause: locate(e, sc.cursor) };
  }
}

/** Errors raised by the service itself name the state and the event that entered it. */
function locate(e: StatesError, cursor: Cursor): string {
  const located = e.located || !(e.error === 'States.Runtime' || e.error === 'States.QueryEvaluationError');
  if (located) return e.cause;
  return `An error occurred while executing the state '${cursor.state}' (entered at the event id #${cursor.enteredEventId}). ${e.cause}`;
}

type Handling =
  | { kind: 'retry'; attempts: number[]; delayMs: number }
  | { kind: 'catch'; next: string; output: unknown }
  | { kind: 'fail' };

/** Retry first, then Catch, as the ASL spec orders them; only Task, Parallel and Map have either. */
function handleError(state: State, cursor: Cursor, failure: { error?: string; cause?: string }, options: StepOptions): Handling {
  if (state.Type !== 'Task' && state.Type !== 'Parallel' && state.Type !== 'Map') return { kind: 'fail' };
  const error = failure.error ?? '';
  const retry = decideRetry(state.Retry, cursor.attempts, error, options.random ?? Math.random);
  if (retry) {
    const attempts = [...cursor.attempts];
    attempts[retry.retrierIndex] = (attempts[retry.retrierIndex] ?? 0) + 1;
    for (let i = 0; i < attempts.length; i++) attempts[i] ??= 0;
    return { kind: 'retry', attempts, delayMs: retry.delayMs };
  }
  const catcher = findCatcher(state.Catch, error);
  if (!catcher) return { kind: 'fail' };
  const errorOutput: Record<string, string> = {};
  if (failure.error !== undefined) errorOutput.Error = failure.error;
  if (failure.cause !== undefined) errorOutput.Cause = failure.cause;
  return { kind: 'catch', next: catcher.Next, output: applyResultPath(catcher.ResultPath, cursor.input, errorOutput) };
}

function failureDetails(error: string | undefined, cause: string | undefined): Record<string, string> {
  const details: Record<string, string> = {};
  if (error !== undefined) details.error = error;
  if (cause !== undefined) details.cause = cause;
  return details;
}

/** Closes a running execution from outside the interpreter: StopExecution or its own TimeoutSeconds. */
export function closeFromOutside(
  kind: 'abort' | 'timeout',
  lastEventId: number,
  now: number,
  detail: { error?: string; cause?: string } = {},
): StepResult {
  const recorder = new Recorder(lastEventId, now);
  if (kind === 'abort') {
    recorder.add('ExecutionAborted', { executionAbortedEventDetails: failureDetails(detail.error, detail.cause) }, 0);
    return { events: recorder.events, closing: { status: 'ABORTED', ...detail } };
  }
  const details = { error: 'States.Timeout', cause: detail.cause };
  recorder.add('ExecutionTimedOut', { executionTimedOutEventDetails: failureDetails(details.error, details.cause) });
  return { events: recorder.events, closing: { status: 'TIMED_OUT', error: 'States.Timeout', cause: detail.cause } };
}

export type { StateMachineDefinition };
