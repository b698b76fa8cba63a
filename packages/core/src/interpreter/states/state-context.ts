import type { QueryLanguage, State } from '../../asl/types.js';
import { EvaluationBudget } from '../../bounded/budget.js';
import type { PathContext } from '../../jsonpath/index.js';
import { withBudget } from '../../jsonpath/context.js';
import type { Recorder } from '../recorder.js';
import type { Cursor, ExecutionInfo, Fanout, StepOptions, Suspension, Wake } from '../types.js';

/** Everything a state executor may read; it writes only through `recorder`. */
export interface StateContext {
  execution: ExecutionInfo;
  cursor: Cursor;
  wake: Wake;
  now: number;
  recorder: Recorder;
  options: StepOptions;
  /** `$$`, variables and the evaluation budget for path evaluation. */
  paths: (taskToken?: string) => PathContext;
  /** What the state's evaluations (paths, intrinsics, Choice rules, JSONata) may spend, all together. */
  budget: EvaluationBudget;
  language: QueryLanguage;
  /** Variables the state reads: values from before its own Assign. */
  variables: Readonly<Record<string, unknown>>;
  /** This frame's path (child indexes from the root). */
  path: number[];
  /** Runs a child frame (a Parallel branch, a Map iteration) until it ends, fails or waits. */
  runFrame: (scope: Scope, cursor: Cursor, wake: Wake, path: number[], options?: FrameOptions) => Promise<FrameResult>;
  /** Starts a child frame's cursor at its scope's StartAt. */
  freshCursor: (scope: Scope, input: unknown, outerVariables: Record<string, unknown> | undefined) => Cursor;
  /** Transitions left in this step (shared by every frame). */
  budgetLeft: () => number;
  /** Set by TestState only: records intermediate values and supplies mocked results. */
  inspection?: Inspection;
}

/** Intermediate values TestState reports (`inspectionData`), as a state computes them. */
export type InspectionField =
  | 'afterInputPath'
  | 'afterParameters'
  | 'afterArguments'
  | 'result'
  | 'afterResultSelector'
  | 'afterResultPath'
  | 'afterItemsPath'
  | 'maxConcurrency'
  | 'toleratedFailureCount'
  | 'toleratedFailurePercentage';

/** What a mock makes a Task call, or a Map's / Parallel's children, return instead of running. */
export type Mocked = { kind: 'result'; result: unknown; failedIterations?: number } | { kind: 'error'; error?: string; cause?: string };

export interface Inspection {
  record(field: InspectionField, value: unknown): void;
  mock?: Mocked;
}

/** Records an intermediate value when TestState inspects the state; a no-op otherwise. */
export function inspect(sc: StateContext, field: InspectionField, value: unknown): void {
  sc.inspection?.record(field, value);
}

/** A mocked error as the state's error outcome. */
export function mockedError(mock: Mocked & { kind: 'error' }): Outcome {
  const outcome: Outcome = { kind: 'error' };
  if (mock.error !== undefined) outcome.error = mock.error;
  if (mock.cause !== undefined) outcome.cause = mock.cause;
  return outcome;
}

/** A set of states a frame runs: the machine's top level, a Parallel branch, a Map ItemProcessor. */
export interface Scope {
  StartAt: string;
  States: Record<string, State>;
}

export interface FrameOptions {
  /**
   * Where the frame and the frames it runs record their events; absent: where the frame that runs
   * it records. A distributed Map's child is an execution of its own, with a history of its own.
   */
  recorder?: Recorder;
  /** The execution the frame belongs to (`$$.Execution`); absent: its runner's. */
  execution?: ExecutionInfo;
}

/** How a frame's run in this step ended. */
export type FrameResult =
  /** `text`: the output as JSON, as its last state's StateExited recorded it. */
  | { kind: 'end'; output: unknown; text?: string }
  /** `cursor`: the frame as it stood when it failed (a redrive resumes it there). */
  | { kind: 'error'; error?: string; cause?: string; cursor?: Cursor }
  | { kind: 'suspended'; cursor: Cursor };

/** How a state ended this step. */
export type Outcome =
  /** Leave the state with `output`, to `next` or (when absent) ending the execution. */
  | { kind: 'exit'; output: unknown; next?: string; assigned?: Record<string, unknown> }
  /**
   * An error: Retry/Catch of the state apply, else the execution fails. `failedEvent` (e.g.
   * MapStateFailed) is recorded once no retry follows.
   */
  | { kind: 'error'; error?: string; cause?: string; location?: string; failedEvent?: string; fanout?: Fanout }
  /**
   * Stay in the state until woken. `patch` is merged into the cursor. Without a suspension the
   * state waits on children (a fan-out) that registered their own.
   */
  | { kind: 'suspend'; suspension?: Suspension; patch: Partial<Cursor> };

/** `Next` of a state, or undefined when it ends the execution. */
export function successor(state: { Next?: string; End?: boolean }): string | undefined {
  return state.End ? undefined : state.Next;
}

/**
 * The state's context with a budget of its own: a Catcher's Output and Assign after the state
 * used up its budget, and each Map item's ItemSelector (one evaluation per item, as on AWS).
 */
export function freshBudget(sc: StateContext): StateContext {
  const budget = new EvaluationBudget(sc.options.evaluationLimits);
  return { ...sc, budget, paths: (taskToken) => withBudget(sc.paths(taskToken), budget) };
}
