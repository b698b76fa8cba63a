import type { State, StateMachineDefinition } from '../asl/types.js';
import { EvaluationBudget } from '../bounded/budget.js';
import { StatesError } from '../errors.js';
import { contextObject } from './context.js';
import { languageOf } from './dataflow.js';
import { decideRetry, findCatcher } from './errors.js';
import { payload, Recorder } from './recorder.js';
import { catchExit, runStateType } from './states/dispatch.js';
import { errorOutcome } from './states/error-outcome.js';
import { freshBudget, type FrameOptions, type FrameResult, type Outcome, type Scope, type StateContext } from './states/state-context.js';
import type { Cursor, ExecutionInfo, FrameSuspension, StepInput, StepOptions, StepResult, Suspension, Wake } from './types.js';
import { applyAssignment, assignedVariablesDetails, visibleVariables, type Variables } from './variables.js';

/** AWS's payload limit: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

const DEFAULT_MAX_TRANSITIONS = 1000;

/**
 * The worker's time slice (StepOptions.sliceMs): wall-clock time after which a step stops taking
 * new states and lets the worker go (the rest runs in a job of its own), as when its transitions
 * run out. Each state's evaluations are bounded (bounded/budget.ts); this bounds a run of them.
 */
export const STEP_SLICE_MS = 250;

/**
 * Runs an execution from its cursor until every frame waits (timer, activity, budget), or it
 * closes. Pure apart from time spent: the caller commits the returned events and cursor
 * atomically. Async because JSONata evaluation is.
 */
export async function step(input: StepInput, options: StepOptions): Promise<StepResult> {
  const { definition, execution, now } = input;
  const run = new Run(definition, execution, now, new Recorder(input.lastEventId, now), options);
  const root = input.cursor ?? newCursor(definition.StartAt, JSON.parse(execution.input), now);
  const result = await run.frame(definition, root, input.wake, []);
  const { recorder } = run;
  switch (result.kind) {
    case 'suspended':
      return { events: recorder.events, cursor: result.cursor, suspensions: stillWaiting(result.cursor, run.suspensions) };
    case 'end': {
      const text = JSON.stringify(result.output);
      recorder.add('ExecutionSucceeded', { executionSucceededEventDetails: payload('output', text) });
      return { events: recorder.events, closing: { status: 'SUCCEEDED', output: text }, suspensions: [] };
    }
    case 'error': {
      recorder.add('ExecutionFailed', { executionFailedEventDetails: failureDetails(result.error, result.cause) });
      const failed: StepResult = { events: recorder.events, closing: { status: 'FAILED', error: result.error, cause: result.cause }, suspensions: [] };
      if (result.cursor) failed.failedCursor = result.cursor;
      return failed;
    }
    default: {
      const unreachable: never = result;
      throw new Error(`unknown frame result ${JSON.stringify(unreachable)}`);
    }
  }
}

/** One step's shared state: history, the transition budget, and the frames that began to wait. */
class Run {
  readonly suspensions: FrameSuspension[] = [];
  private budget: number;
  private readonly sliceEnds: number;

  constructor(
    private readonly definition: StateMachineDefinition,
    private readonly execution: ExecutionInfo,
    private readonly now: number,
    readonly recorder: Recorder,
    private readonly options: StepOptions,
  ) {
    this.budget = options.maxTransitions ?? DEFAULT_MAX_TRANSITIONS;
    this.sliceEnds = options.sliceMs === undefined ? Infinity : Date.now() + options.sliceMs;
  }

  /** Runs one frame's states from its cursor until it ends, fails, or waits. */
  async frame(scope: Scope, start: Cursor, firstWake: Wake, path: number[], frameOptions: FrameOptions = {}): Promise<FrameResult> {
    const { now, options } = this;
    const recorder = frameOptions.recorder ?? this.recorder;
    const execution = frameOptions.execution ?? this.execution;
    let cursor = start;
    let wake = firstWake;
    if (cursor.wake !== undefined) {
      // The frame runs now, so whatever it waited for is spent; it registers anew if it waits again.
      cursor = { ...cursor };
      delete cursor.wake;
    }
    for (;;) {
      const state = scope.States[cursor.state];
      if (!state) throw new Error(`state ${cursor.state} missing from a validated definition`);
      if (!cursor.entered) {
        const entered = recorder.add(`${state.Type}StateEntered`, {
          stateEnteredEventDetails: { name: cursor.state, ...payload('input', JSON.stringify(cursor.input)) },
        });
        cursor = { ...cursor, entered: true, enteredTime: now, enteredEventId: entered.id };
        this.budget--;
      }

      const evaluation = new EvaluationBudget(options.evaluationLimits);
      const sc: StateContext = {
        execution,
        cursor,
        wake,
        now,
        recorder,
        options,
        paths: pathsFor(execution, cursor, state, evaluation),
        budget: evaluation,
        language: languageOf(this.definition, state),
        variables: visibleVariables(cursor),
        path,
        runFrame: (childScope, childCursor, childWake, childPath, childOptions) => this.frame(childScope, childCursor, childWake, childPath, { recorder, execution, ...childOptions }),
        freshCursor: (childScope, childInput, outer) => newCursor(childScope.StartAt, childInput, now, undefined, outer),
        budgetLeft: () => (this.sliceSpent() ? 0 : this.budget),
      };

      let outcome = await runState(state, sc);
      if (outcome.kind === 'suspend') {
        const suspended: Cursor = { ...cursor, ...outcome.patch };
        if (outcome.suspension) return this.suspend(suspended, outcome.suspension, path);
        return { kind: 'suspended', cursor: suspended };
      }
      if (outcome.kind === 'error') {
        recordEvaluationFailure(recorder, cursor.state, outcome);
        const handled = await handleError(state, sc, outcome, options);
        if (handled.kind === 'retry') {
          const retrying: Cursor = { ...cursor, attempts: handled.attempts, until: now + handled.delayMs, untilKind: 'retry' };
          delete retrying.task;
          delete retrying.fanout;
          return this.suspend(retrying, { kind: 'timer', at: now + handled.delayMs }, path);
        }
        if (outcome.failedEvent) recorder.add(outcome.failedEvent);
        // The failing frame stays as it stood (with its children's results), so a redrive resumes it.
        if (handled.kind === 'fail') return { kind: 'error', error: outcome.error, cause: outcome.cause, cursor: outcome.fanout ? { ...cursor, fanout: outcome.fanout } : cursor };
        outcome = handled.exit;
      }
      if (outcome.kind !== 'exit') throw new Error(`unexpected outcome ${outcome.kind}`);

      let variables: Variables | undefined;
      try {
        variables = outcome.assigned ? applyAssignment(cursor.variables, cursor.outerVariables, outcome.assigned, cursor.state) : cursor.variables;
      } catch (e) {
        if (!(e instanceof StatesError)) throw e;
        return { kind: 'error', error: e.error, cause: e.cause, cursor };
      }

      const text = JSON.stringify(outcome.output);
      if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
        const cause = `The state/task '${cursor.state}' returned a result with a size exceeding the maximum number of bytes service limit.`;
        return { kind: 'error', error: 'States.DataLimitExceeded', cause, cursor };
      }
      recorder.add(`${state.Type}StateExited`, {
        stateExitedEventDetails: { name: cursor.state, ...payload('output', text), ...assignedVariablesDetails(outcome.assigned) },
      });
      if (outcome.next === undefined) return { kind: 'end', output: outcome.output, text };
      cursor = newCursor(outcome.next, outcome.output, now, variables, cursor.outerVariables);
      wake = { kind: 'continue' };
      if (this.budget <= 0 || this.sliceSpent()) return this.suspend(cursor, { kind: 'continue' }, path);
    }
  }

  /** The step has run its time: no more states in this job. */
  private sliceSpent(): boolean {
    return Date.now() >= this.sliceEnds;
  }

  /** A frame waits: its cursor gets a fresh wake id, and the worker learns what to enqueue. */
  private suspend(cursor: Cursor, suspension: Suspension, path: number[]): FrameResult {
    const task = suspension.kind === 'activity' || suspension.kind === 'invoke';
    // The event id alone does not make a wake id unique: a step may record nothing (the silent
    // children of a distributed Map), and a repeated id would be deduplicated away as a job.
    const salt = Math.floor((this.options.random ?? Math.random)() * 36 ** 4).toString(36);
    const wake = task ? suspension.task.token : `${path.join('.')}@${this.recorder.lastEventId}.${salt}`;
    const waiting: Cursor = task ? cursor : { ...cursor, wake };
    this.suspensions.push({ path, wake, suspension });
    return { kind: 'suspended', cursor: waiting };
  }
}

/** Suspensions of frames still in the tree: a branch that waited and was then cancelled in the same step enqueues nothing. */
function stillWaiting(root: Cursor, suspensions: FrameSuspension[]): FrameSuspension[] {
  return suspensions.filter(({ path, wake }) => {
    let frame: Cursor | undefined = root;
    for (const index of path) frame = frame?.fanout?.running[String(index)];
    return frame !== undefined && (frame.wake === wake || frame.task?.token === wake);
  });
}

function newCursor(state: string, input: unknown, now: number, variables?: Variables, outerVariables?: Variables): Cursor {
  const cursor: Cursor = { state, input, entered: false, enteredTime: now, enteredEventId: 0, attempts: [] };
  if (variables) cursor.variables = variables;
  if (outerVariables) cursor.outerVariables = outerVariables;
  return cursor;
}

function pathsFor(execution: ExecutionInfo, cursor: Cursor, state: State, budget: EvaluationBudget) {
  const retryable = state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map';
  const variables = visibleVariables(cursor);
  // Built when `$$` is read: most states never read it, and a Map runs thousands of them.
  return (taskToken?: string) => {
    let built: Record<string, unknown> | undefined;
    return {
      get context() {
        return (built ??= contextObject(execution, cursor, taskToken, retryable));
      },
      variables,
      budget,
    };
  };
}

/** Runs one state; a StatesError it throws becomes an error outcome with AWS's located cause. */
async function runState(state: State, sc: StateContext): Promise<Outcome> {
  try {
    return await runStateType(state, sc);
  } catch (e) {
    return errorOutcome(e, sc.cursor);
  }
}

/** A failed JSONata evaluation is recorded as its own event, naming the field, before Retry/Catch apply. */
function recordEvaluationFailure(recorder: Recorder, state: string, outcome: { error?: string; cause?: string; location?: string }): void {
  if (outcome.location === undefined) return;
  // An empty location: a query failure that AWS reports without naming a field.
  const location = outcome.location === '' ? {} : { location: outcome.location };
  recorder.add('EvaluationFailed', {
    evaluationFailedEventDetails: { ...failureDetails(outcome.error, outcome.cause), ...location, state },
  });
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
    return { kind: 'catch', exit: await catchExit(catcher, freshBudget(sc), errorOutput) };
  } catch (e) {
    // A Catcher's own Output/Assign failing ends the execution: nothing is left to catch it.
    const outcome = errorOutcome(e, cursor);
    recordEvaluationFailure(sc.recorder, cursor.state, outcome);
    return { kind: 'catch', exit: outcome };
  }
}

function failureDetails(error: string | undefined, cause: string | undefined): Record<string, string> {
  const details: Record<string, string> = {};
  if (error !== undefined) details.error = error;
  if (cause !== undefined) details.cause = cause;
  return details;
}

/** Closes a running execution from outside the interpreter: StopExecution, its own TimeoutSeconds, or a fault of the interpreter. */
export function closeFromOutside(
  kind: 'abort' | 'timeout' | 'fail',
  lastEventId: number,
  now: number,
  detail: { error?: string; cause?: string } = {},
): StepResult {
  const recorder = new Recorder(lastEventId, now);
  if (kind === 'abort') {
    recorder.add('ExecutionAborted', { executionAbortedEventDetails: failureDetails(detail.error, detail.cause) }, 0);
    return { events: recorder.events, closing: { status: 'ABORTED', ...detail }, suspensions: [] };
  }
  if (kind === 'fail') {
    recorder.add('ExecutionFailed', { executionFailedEventDetails: failureDetails(detail.error, detail.cause) });
    return { events: recorder.events, closing: { status: 'FAILED', ...detail }, suspensions: [] };
  }
  // AWS records a timed-out execution without an error or a cause.
  recorder.add('ExecutionTimedOut', { executionTimedOutEventDetails: failureDetails(detail.error, detail.cause) });
  return { events: recorder.events, closing: { status: 'TIMED_OUT', ...detail }, suspensions: [] };
}

export type { StateMachineDefinition };
