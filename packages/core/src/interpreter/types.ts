import type { EvaluationLimits } from '../bounded/budget.js';
import type { StateMachineDefinition } from '../asl/types.js';
import type { ObjectStore } from './s3/object-store.js';
import type { MapRunChild } from './map-children.js';

/** What an execution is, independent of where it is stored. Times are epoch milliseconds. */
export interface ExecutionInfo {
  arn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  startTime: number;
  /** The execution input as JSON text. */
  input: string;
  /** The input as a value, when the caller has one (a Map's child): `$$.Execution.Input` needs no parse. */
  inputValue?: unknown;
  redriveCount: number;
  /** Express executions cannot be redriven: their context object has no RedriveCount. */
  express?: boolean;
}

/** A pending activity task: what the execution waits for while a Task state runs. */
export interface PendingTask {
  token: string;
  resource: string;
  /** Effective input (after InputPath/Parameters), as JSON text. */
  input: string;
  scheduledAt: number;
  scheduledEventId: number;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Set for a service integration (any resource but an activity): the worker makes the call. */
  integration?: TaskIntegration;
}

/** How a Task waits on its service: the call's answer, the job it starts (`.sync`), or a callback. */
export type IntegrationPattern = 'request' | 'sync' | 'sync2' | 'callback';

/** What the worker needs to call a service for a Task: the call's target, its pattern, and the state (mocks are per state). */
export interface TaskIntegration {
  /** `lambda`, `http`, `states`, `aws-sdk:s3`, ... as TaskScheduled's resourceType. */
  service: string;
  /** `invoke`, `startExecution`, ... without the pattern suffix. */
  action: string;
  pattern: IntegrationPattern;
  /** The Task state's name. */
  state: string;
  /** A plain Lambda function ARN as the resource (the Payload is the output; LambdaFunction* events). */
  function?: boolean;
}

/** Where an execution stands between two steps; stored as JSON with the execution. */
export interface Cursor {
  state: string;
  /** The state's raw input (before InputPath). */
  input: unknown;
  /** StateEntered is already in history (a resumed state does not enter again). */
  entered: boolean;
  enteredTime: number;
  /** Id of the StateEntered event; runtime error causes cite it. */
  enteredEventId: number;
  /** Attempts used per retrier index of the current state. */
  attempts: number[];
  task?: PendingTask;
  /** Wait state or retry backoff deadline. */
  until?: number;
  /** Why we wait until `until`: a Wait state finishing, or a retry re-running the state. */
  untilKind?: 'wait' | 'retry';
  /** Workflow variables of this scope (Assign); JSON values only. */
  variables?: Record<string, unknown>;
  /** Variables of the enclosing scopes a Parallel branch or Map iteration reads (read-only). */
  outerVariables?: Record<string, unknown>;
  /** While suspended on a timer or a `continue`: the id its job carries (stale jobs find it changed). */
  wake?: string;
  /** While a Parallel or Map state waits for its branches / iterations. */
  fanout?: Fanout;
}

/**
 * A Parallel or Map state's children: branches or iterations, each a frame with its own
 * cursor. Children that finish within a step leave only their result; children that wait
 * (Wait, Task, a nested fan-out) stay in `running` until their own wake comes.
 */
export interface Fanout {
  total: number;
  /** The next child to start (MaxConcurrency holds back the rest). */
  next: number;
  /** 0 means no limit. */
  maxConcurrency: number;
  /** Map: each iteration's input (after ItemSelector). Parallel: one input shared by every branch. */
  inputs: unknown[];
  /** Results by child index; holes for children not finished. */
  results: unknown[];
  done: number;
  failed: number;
  /** Of the `failed`, the indexes of the distributed Map's children StopExecution aborted (counted and shown as aborted). */
  stopped?: number[];
  /** Of the `failed`, the indexes of EXPRESS children that ran past their time limit (counted and shown as timed out). */
  timedOut?: number[];
  /** EXPRESS children of a distributed Map that wait, by index: when each runs out of time (ms). */
  deadlines?: Record<string, number>;
  /** Failures a Map tolerates before it fails (absent: none, unless a percentage is set). */
  toleratedCount?: number;
  toleratedPercentage?: number;
  running: Record<string, Cursor>;
  /** Children that failed, by index, as they stood when they failed (a redrive resumes them). */
  failedFrames?: Record<string, Cursor>;
  /** A distributed Map's failed children's error and cause, by index (its ResultWriter reports them). */
  errors?: Record<string, { error?: string; cause?: string }>;
  /** Children a redrive resumes from these cursors before any child from `next` starts. */
  redo?: Record<string, Cursor>;
  /**
   * A distributed Map's children that started and have not succeeded (running, failed, aborted),
   * by index: when each first started (`a`), how often it was redriven (`r`) and when last (`d`),
   * the id of the last event in its own history (`h`; absent: 1, its ExecutionStarted), whether
   * that history has ended (`e`: it failed or was aborted), and when its parent closed around it
   * (`x`: a child still running when its parent stopped or timed out, which a redrive records).
   * A child's record keeps its first start across redrives, as on AWS.
   */
  children?: Record<string, { a: number; r?: number; d?: number; h?: number; e?: 1; x?: number }>;
  /**
   * A distributed Map with a ResultWriter: when each child first started and last stopped, as ms
   * after the state was entered, at `2 * index` and `2 * index + 1` (null: not yet).
   */
  times?: (number | null)[];
  /** A distributed Map's map run; `redriven` until the redriven run records MapRunRedriven. */
  mapRun?: { arn: string; redriveCount: number; redriven?: boolean };
}

/** Why a step runs. `path` names the frame it wakes: child indexes from the root; absent or empty = the root. */
export type Wake = (
  | { kind: 'start' }
  | { kind: 'continue' }
  | { kind: 'timer' }
  | { kind: 'taskSucceeded'; output: string }
  /** `submitFailed`: a callback or `.sync` Task's call failed, so nothing was submitted (TaskSubmitFailed). */
  | { kind: 'taskFailed'; error?: string; cause?: string; submitFailed?: boolean }
  | { kind: 'taskTimedOut'; heartbeat: boolean }
  /** StopExecution of a distributed Map's child: `path` leads to the child, which is aborted. */
  | { kind: 'childStopped'; error?: string; cause?: string }
) & { path?: number[] };

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds; the API renders it as AWS's epoch seconds. */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export type CloseStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface Closing {
  status: CloseStatus;
  output?: string;
  error?: string;
  cause?: string;
}

/** What the execution waits for after a step. */
export type Suspension =
  | { kind: 'timer'; at: number }
  | { kind: 'activity'; task: PendingTask }
  /** A service integration call the worker makes; its answer comes back as taskSucceeded/taskFailed. */
  | { kind: 'invoke'; task: PendingTask }
  /** The step hit its transition budget; the worker re-enqueues it at once. */
  | { kind: 'continue' };

/** One frame newly waiting after a step: what to enqueue for it, and the id its job carries. */
export interface FrameSuspension {
  path: number[];
  /** The frame's wake id (timer, continue) or its task's token (activity). */
  wake: string;
  suspension: Suspension;
}

export interface StepResult {
  events: HistoryEvent[];
  /** Absent when the execution closed. */
  cursor?: Cursor;
  closing?: Closing;
  /** Frames that started waiting in this step (others keep waiting as before). */
  suspensions: FrameSuspension[];
  /** On a FAILED close: the frames as they stood when they failed, kept so a redrive resumes them. */
  failedCursor?: Cursor;
}

export interface StepInput {
  definition: StateMachineDefinition;
  execution: ExecutionInfo;
  /** Undefined before the first step. */
  cursor?: Cursor;
  /** History length so far: the id of the last event. */
  lastEventId: number;
  wake: Wake;
  now: number;
}

export interface StepOptions {
  /** Transitions run in one step before yielding (rule 4 batches, bounded so one job stays short). */
  maxTransitions?: number;
  /** Bounds on each state's evaluations (bounded/budget.ts); tests make them small. */
  evaluationLimits?: EvaluationLimits;
  /** Wall-clock time after which the step takes no new state (the worker passes STEP_SLICE_MS); none: no slice. */
  sliceMs?: number;
  /** Makes task tokens; injected so the interpreter stays pure. */
  newToken: () => string;
  /** Whether an activity ARN names an existing activity (the worker looks them up before the step). */
  activityExists?: (activityArn: string) => boolean;
  /** Random in [0, 1) for retry jitter; injected for tests. */
  random?: () => number;
  /** Limits UpdateMapRun set on a running map run; the Map applies them when it next steps. */
  mapRunLimits?: (mapRunArn: string) => MapRunLimits | undefined;
  /** Told when a map run starts, is redriven or closes, so the worker can keep the Map Run resource. */
  onMapRun?: (update: MapRunUpdate) => void;
  /** Told when a Distributed Map's STANDARD child starts waiting, ends or is aborted, so the worker keeps its record. */
  onMapRunChild?: (child: MapRunChild) => void;
  /** S3 for a Distributed Map's ItemReader and ResultWriter; absent: they fail at once. */
  objectStore?: ObjectStore;
}

export interface MapRunLimits {
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

/** Child executions of a map run by status (each item, or batch, is one child). */
export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

export interface MapRunUpdate {
  arn: string;
  kind: 'started' | 'redriven' | 'closed';
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  maxConcurrency: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  counts: MapRunCounts;
  redriveCount: number;
}
