import type { Catcher, State, StateMachineDefinition } from '../asl/types.js';
import { StatesError } from '../errors.js';
import { QueryEvaluationError } from '../jsonata/index.js';
import { applyResultPath } from '../jsonpath/index.js';
import { contextObject } from './context.js';
import { evaluateAssign, exit, jsonataExit, languageOf } from './dataflow.js';
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
import { applyAssignment, assignedVariablesDetails, visibleVariables, type Variables } from './variables.js';

/** AWS's payload limit: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

const DEFAULT_MAX_TRANSITIONS = 500;

/**
 * Runs an execution from its cursor until it must wait (timer, activity), closes, or spends its
 * transition budget. Pure apart from time spent: the caller commits the returned events and
 * cursor atomically. Async because JSONata evaluation is.
 */
export async function step(input: StepInput, options: StepOptions): Promise<StepResult> {
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

    const sc: StateContext = {
      execution,
      cursor,
      wake,
      now,
      recorder,
      options,
      paths: pathsFor(execution, cursor, state),
      language: languageOf(definition, state),
      variables: visibleVariables(cursor),
    };
    const close = (closing: Closing): StepResult => ({ events: recorder.events, closing });
    const fail = (error: string | undefined, cause: string | undefined): StepResult => {
      recorder.add('ExecutionFailed', { executionFailedEventDetails: failureDetails(error, cause) });
      return close({ status: 'FAILED', error, cause });
    };

    let outcome = await runState(state, sc);
    if (outcome.kind === 'suspend') {
      return { events: recorder.events, cursor: { ...cursor, ...outcome.patch }, suspension: outcome.suspension };
    }
    if (outcome.kind === 'error') {
      recordEvaluationFailure(recorder, cursor.state, outcome);
      const handled = await handleError(state, sc, outcome, options);
      if (handled.kind === 'retry') {
        return {
          events: recorder.events,
          cursor: { ...cursor, attempts: handled.attempts, until: now + handled.delayMs, untilKind: 'retry', task: undefined },
          suspension: { kind: 'timer', at: now + handled.delayMs },
        };
      }
      if (handled.kind === 'fail') return fail(outcome.error, outcome.cause);
      outcome = handled.exit;
    }
    if (outcome.kind !== 'exit') throw new Error(`unexpected outcome ${outcome.kind}`);

    let variables: Variables | undefined;
    try {
      variables = outcome.assigned ? applyAssignment(cursor.variables, cursor.outerVariables, outcome.assigned, cursor.state) : cursor.variables;
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      return fail(e.error, e.cause);
    }

    const text = JSON.stringify(outcome.output);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      const cause = `The state/task '${cursor.state}' returned a result with a size exceeding the maximum number of bytes service limit.`;
      return fail('States.DataLimitExceeded', cause);
    }
    recorder.add(`${state.Type}StateExited`, {
      stateExitedEventDetails: { name: cursor.state, ...payload('output', text), ...assignedVariablesDetails(outcome.assigned) },
    });
    if (outcome.next === undefined) {
      recorder.add('ExecutionSucceeded', { executionSucceededEventDetails: payload('output', text) });
      return close({ status: 'SUCCEEDED', output: text });
    }
    cursor = freshCursor(outcome.next, outcome.output, now, variables, cursor.outerVariables);
    wake = { kind: 'continue' };
    if (--budget <= 0) return { events: recorder.events, cursor, suspension: { kind: 'continue' } };
  }
}

function freshCursor(state: string, input: unknown, now: number, variables?: Variables, outerVariables?: Variables): Cursor {
  const cursor: Cursor = { state, input, entered: false, enteredTime: now, enteredEventId: 0, attempts: [] };
  if (variables) cursor.variables = variables;
  if (outerVariables) cursor.outerVariables = outerVariables;
  return cursor;
}

function pathsFor(execution: ExecutionInfo, cursor: Cursor, state: State) {
  const retryable = state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map';
  const variables = visibleVariables(cursor);
  return (taskToken?: string) => ({ context: contextObject(execution, cursor, taskToken, retryable), variables });
}

/** Runs one state; a StatesError it throws becomes an error outcome with AWS's located cause. */
async function runState(state: State, sc: StateContext): Promise<Outcome> {
  try {
    switch (state.Type) {
      case 'Pass':
        return await runPass(state, sc);
      case 'Choice':
        return await runChoice(state, sc);
      case 'Wait':
        return await runWait(state, sc);
      case 'Succeed':
        return await runSucceed(state, sc);
      case 'Fail':
        return await runFail(state, sc);
      case 'Task':
        return await runTask(state, sc);
      case 'Parallel':
      case 'Map':
        throw new StatesError('States.Runtime', `The state type '${state.Type}' is not supported yet.`);
      default: {
        const unreachable: never = state;
        throw new Error(`unknown state type ${(unreachable as State).Type}`);
      }
    }
  } catch (e) {
    return errorOutcome(e, sc.cursor);
  }
}

function errorOutcome(e: unknown, cursor: Cursor): Outcome & { kind: 'error' } {
  if (!(e instanceof StatesError)) throw e;
  const outcome: Outcome & { kind: 'error' } = { kind: 'error', error: e.error, cause: locate(e, cursor) };
  if (e instanceof QueryEvaluationError) outcome.location = e.location;
  return outcome;
}

/** A failed JSONata evaluation is recorded as its own event, naming the field, before Retry/Catch apply. */
function recordEvaluationFailure(recorder: Recorder, state: string, outcome: { error?: string; cause?: string; location?: string }): void {
  if (outcome.location === undefined) return;
  recorder.add('EvaluationFailed', {
    evaluationFailedEventDetails: { ...failureDetails(outcome.error, outcome.cause), location: outcome.location, state },
  });
}

/** Errors raised by the service itself name the state and the event that entered it. */
function locate(e: StatesError, cursor: Cursor): string {
  const located = e.located || !(e.error === 'States.Runtime' || e.error === 'States.QueryEvaluationError');
  if (located) return e.cause;
  return `An error occurred while executing the state '${cursor.state}' (entered at the event id #${cursor.enteredEventId}). ${e.cause}`;
}

type Handling =
  | { kind: 'retry'; attempts: number[]; delayMs: number }
  | { kind: 'catch'; exit: Outcome }
  | { kind: 'fail' };

/** Retry first, then Catch, as the ASL spec orders them; only Task, Parallel and Map have either. */
async function handleError(state: State, sc: StateContext, failure: { error?: string; cause?: string }, options: StepOptions): Promise<Handling> {
  if (state.Type !== 'Task' && state.Type !== 'Parallel' && state.Type !== 'Map') return { kind: 'fail' };
  const { cursor } = sc;
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
  try {
    return { kind: 'catch', exit: await catchExit(catcher, sc, errorOutput) };
  } catch (e) {
    // A Catcher's own Output/Assign failing ends the execution: nothing is left to catch it.
    const outcome = errorOutcome(e, cursor);
    recordEvaluationFailure(sc.recorder, cursor.state, outcome);
    return { kind: 'catch', exit: outcome };
  }
}

/** Where a Catcher leads: its Output (JSONata) or ResultPath (JSONPath) over the error output, and its Assign. */
async function catchExit(catcher: Catcher, sc: StateContext, errorOutput: Record<string, string>): Promise<Outcome> {
  if (sc.language === 'JSONata') return jsonataExit(sc, catcher, errorOutput, catcher.Next, { errorOutput });
  const assigned = await evaluateAssign(catcher.Assign, sc, errorOutput);
  return exit(applyResultPath(catcher.ResultPath, sc.cursor.input, errorOutput), catcher.Next, assigned);
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
