/**
 * What Parallel and Map share: children (branches, iterations) run as frames of their own.
 * Children that finish inside this step leave only their result; children that wait keep their
 * cursor in the parent's `fanout` and are woken by their own jobs (a wake whose path leads
 * through this state). The parent continues when the last child is done: the join is the `done`
 * counter, committed under the execution's fence like everything else.
 */
import { childExecutionArn, childStateMachineArn, mapRunChildName, mapRunLabelOf, type MapRunChild } from '../map-children.js';
import { payload, Recorder } from '../recorder.js';
import type { Cursor, ExecutionInfo, Fanout, MapRunCounts, Wake } from '../types.js';
import type { FrameOptions, FrameResult, Outcome, Scope, StateContext } from './state-context.js';

export interface FanoutSpec {
  kind: 'Parallel' | 'Map';
  /** The states child `index` runs. */
  scopeOf: (index: number) => Scope;
  /** A distributed Map's children are executions of their own: their events go to their own histories, not this one. */
  silent: boolean;
  outerVariables: Record<string, unknown> | undefined;
  /** A distributed Map whose children are STANDARD executions: each keeps a record (`batched`: inputs are ItemBatcher batches). */
  records?: { batched: boolean };
  /** Keep when each child started and stopped (`Fanout.times`), for a ResultWriter's records. */
  times?: boolean;
}

export type FanoutProgress =
  | { kind: 'done'; results: unknown[]; failed: number; fanout: Fanout }
  /** `fanout`: the children as they stood at the failure (a redrive resumes the failed and aborted ones). */
  | { kind: 'failed'; error?: string; cause?: string; fanout: Fanout }
  /** `more`: children are left to start but the step's budget ran out. */
  | { kind: 'waiting'; fanout: Fanout; more: boolean };

/** How long an EXPRESS execution may run, a Distributed Map's EXPRESS child too (AWS's five minutes). */
export const EXPRESS_LIMIT_MS = 300_000;

export const TOLERANCE_EXCEEDED = { error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' };

/** Advances the children: the woken one first, then new ones while concurrency and budget allow. */
export async function advanceFanout(sc: StateContext, spec: FanoutSpec, fanout: Fanout): Promise<FanoutProgress> {
  const f: Fanout = { ...fanout, results: [...fanout.results], running: { ...fanout.running } };
  if (fanout.children) f.children = { ...fanout.children };
  const name = sc.cursor.state;
  const childInput = (index: number) => (spec.kind === 'Map' ? f.inputs[index] : f.inputs[0]);
  let failure: { error?: string; cause?: string } | undefined;
  const record = childRecorder(sc, spec, f, childInput);
  const frameOf = childFrames(sc, spec, f, childInput);

  // `f.children` is this step's own copy: entries change in place (a copy per child would cost
  // the square of the children waiting or failed). A child that ends as it starts needs none.
  const track = (index: number) => {
    if (!spec.records) return;
    f.children ??= {};
    f.children[index] ??= { a: sc.now };
  };
  // A child's history goes on where its last step left it (`h`: its last event's id).
  const historyGoesOn = (index: number, recorder: Recorder | undefined, ended = false) => {
    const known = recorder && f.children?.[index];
    if (known) f.children![index] = { ...known, h: recorder.lastEventId, ...(ended && { e: 1 as const }) };
  };
  // Times are kept as ms after the state was entered, two per child: start, then stop.
  if (spec.times) f.times = [...(fanout.times ?? [])];
  const timed = (index: number, started: boolean, stopped: boolean) => {
    if (!f.times) return;
    const now = sc.now - sc.cursor.enteredTime;
    // A child keeps its first start across redrives; a redriven one runs again, so has no stop yet.
    if (started) {
      f.times[2 * index] ??= now;
      f.times[2 * index + 1] = null;
    }
    if (stopped) f.times[2 * index + 1] = now;
  };
  // An EXPRESS child that waits has until its deadline; the Map wakes then (waitingOutcome).
  const expressLimit = spec.silent && !spec.records && f.mapRun !== undefined;
  if (fanout.deadlines) f.deadlines = { ...fanout.deadlines };
  const settle = (index: number, result: FrameResult, started: boolean, frame: FrameOptions) => {
    const recorder = frame.recorder;
    timed(index, started, result.kind !== 'suspended');
    if (result.kind !== 'suspended' && f.deadlines) delete f.deadlines[index];
    if (result.kind === 'suspended') {
      f.running[index] = result.cursor;
      if (started && expressLimit && f.deadlines?.[index] === undefined) f.deadlines = { ...f.deadlines, [index]: sc.now + EXPRESS_LIMIT_MS };
      if (started) track(index);
      historyGoesOn(index, recorder);
      if (started || (recorder?.events.length ?? 0) > 0) record(index, { status: 'RUNNING', events: recorder?.events });
      return;
    }
    delete f.running[index];
    if (result.kind === 'end') {
      recorder?.add('ExecutionSucceeded', { executionSucceededEventDetails: payload('output', result.text ?? JSON.stringify(result.output)) });
      record(index, { status: 'SUCCEEDED', stop: sc.now, output: result.output, events: recorder?.events });
      if (f.children) delete f.children[index];
      f.results[index] = result.output;
      f.done++;
      if (spec.kind === 'Map' && !spec.silent) sc.recorder.add('MapIterationSucceeded', { mapIterationSucceededEventDetails: { index, name } });
      return;
    }
    track(index);
    const failed = defined({ error: result.error, cause: result.cause });
    recorder?.add('ExecutionFailed', { executionFailedEventDetails: failed });
    historyGoesOn(index, recorder, true);
    record(index, { status: 'FAILED', stop: sc.now, ...failed, events: recorder?.events });
    f.failed++;
    f.done++;
    f.results[index] = null;
    f.failedFrames = { ...f.failedFrames, [index]: result.cursor ?? sc.freshCursor(spec.scopeOf(index), childInput(index), spec.outerVariables) };
    if (spec.silent) f.errors = { ...f.errors, [index]: defined({ error: result.error, cause: result.cause }) };
    if (spec.kind === 'Map' && !spec.silent) sc.recorder.add('MapIterationFailed', { mapIterationFailedEventDetails: { index, name } });
    if (!tolerated(f)) failure ??= tolerates(f) ? TOLERANCE_EXCEEDED : { error: result.error, cause: result.cause };
  };

  /**
   * A running child of a distributed Map ended from outside: aborted by StopExecution (`stopped`)
   * or, for an EXPRESS one, past its time limit (`timedOut`). It ends where it stood (a redrive
   * resumes it there) and counts against the tolerated failures, as a failure does, though the
   * map run counts it apart.
   */
  const endFromOutside = (index: number, child: Cursor, how: 'stopped' | 'timedOut') => {
    timed(index, false, true);
    delete f.running[index];
    if (f.deadlines) delete f.deadlines[index];
    f.failed++;
    f[how] = [...(f[how] ?? []), index];
    f.done++;
    f.results[index] = null;
    f.failedFrames = { ...f.failedFrames, [index]: child };
    if (!tolerated(f)) failure ??= TOLERANCE_EXCEEDED;
  };
  const stop = (index: number, child: Cursor, detail: { error?: string; cause?: string }) => {
    const recorder = frameOf(index).recorder;
    const stopped = defined({ error: detail.error, cause: detail.cause });
    recorder?.add('ExecutionAborted', { executionAbortedEventDetails: stopped }, 0);
    historyGoesOn(index, recorder, true);
    record(index, { status: 'ABORTED', stop: sc.now, ...stopped, events: recorder?.events });
    endFromOutside(index, child, 'stopped');
  };

  const woken = sc.wake.path;
  if (f.deadlines && sc.wake.kind === 'timer' && (woken === undefined || woken.length === 0)) {
    for (const [index, at] of Object.entries(f.deadlines)) {
      const child = f.running[index];
      if (!child) delete f.deadlines[index];
      else if (at <= sc.now) endFromOutside(Number(index), child, 'timedOut');
    }
  }
  if (woken && woken.length > 0) {
    const index = woken[0]!;
    const child = f.running[String(index)];
    // A wake for a child that no longer runs is stale (the fan-out was retried or failed).
    if (child && woken.length === 1 && sc.wake.kind === 'childStopped') stop(index, child, sc.wake);
    else if (child) {
      const wake = { ...sc.wake, path: woken.slice(1) } as Wake;
      const frame = frameOf(index);
      settle(index, await sc.runFrame(spec.scopeOf(index), child, wake, [...sc.path, index], frame), false, frame);
    }
  }

  while (!failure && hasMore(f) && (f.maxConcurrency === 0 || running(f) < f.maxConcurrency) && sc.budgetLeft() > 0) {
    // A redrive's children first, each from where it failed or was aborted; then new ones.
    const redone = f.redo && Object.keys(f.redo)[0];
    let index: number;
    let cursor: Cursor;
    let redriveCount: number | undefined;
    let abortedWithParent: number | undefined;
    if (redone !== undefined) {
      index = Number(redone);
      cursor = f.redo![redone]!;
      const { [redone]: _taken, ...rest } = f.redo!;
      f.redo = rest;
      if (Object.keys(rest).length === 0) delete f.redo;
      if (spec.records) {
        // A child a redrive runs again keeps its first start and counts the redrive.
        f.children ??= {};
        const known = f.children[redone] ?? { a: sc.now };
        redriveCount = (known.r ?? 0) + 1;
        const { e: _ended, x: closedAt, ...rest } = known;
        f.children[redone] = { ...rest, r: redriveCount, d: sc.now };
        abortedWithParent = closedAt;
      }
    } else {
      index = f.next++;
      cursor = sc.freshCursor(spec.scopeOf(index), childInput(index), spec.outerVariables);
    }
    if (spec.kind === 'Map' && !spec.silent) sc.recorder.add('MapIterationStarted', { mapIterationStartedEventDetails: { index, name } });
    const frame = frameOf(index);
    if (abortedWithParent !== undefined && frame.recorder) {
      // Recorded now, dated when it happened: the parent's close.
      frame.recorder.add('ExecutionAborted', { executionAbortedEventDetails: {} }, 0).timestamp = abortedWithParent;
    }
    if (redriveCount !== undefined) frame.recorder?.add('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount } });
    settle(index, await sc.runFrame(spec.scopeOf(index), cursor, { kind: 'start' }, [...sc.path, index], frame), true, frame);
  }

  if (f.children && Object.keys(f.children).length === 0) delete f.children;
  if (failure) {
    // The other children stop where they are; their pending wakes find them gone.
    if (spec.kind === 'Map' && !spec.silent) {
      for (const index of Object.keys(f.running)) sc.recorder.add('MapIterationAborted', { mapIterationAbortedEventDetails: { index: Number(index), name } });
    }
    for (const index of Object.keys(f.running)) {
      // AWS records an abort with no event before it as its cause.
      const recorder = frameOf(Number(index)).recorder;
      recorder?.add('ExecutionAborted', { executionAbortedEventDetails: {} }, 0);
      historyGoesOn(Number(index), recorder, true);
      record(Number(index), { status: 'ABORTED', stop: sc.now, events: recorder?.events });
    }
    return { kind: 'failed', ...failure, fanout: f };
  }
  if (f.done === f.total) return { kind: 'done', results: f.results, failed: f.failed, fanout: f };
  // Stopped by the budget rather than by MaxConcurrency: the state must come back for the rest.
  return { kind: 'waiting', fanout: f, more: hasMore(f) && (f.maxConcurrency === 0 || running(f) < f.maxConcurrency) };
}

type ChildReport = Pick<MapRunChild, 'status'> & Partial<Pick<MapRunChild, 'stop' | 'output' | 'error' | 'cause' | 'events'>>;

/**
 * Reports a distributed Map's child to the worker (which keeps its record): a no-op unless the
 * Map's children are STANDARD executions. Until the child succeeds, its start and redrives
 * stay in `f.children`.
 */
function childRecorder(sc: StateContext, spec: FanoutSpec, f: Fanout, childInput: (index: number) => unknown): (index: number, report: ChildReport) => void {
  const onChild = sc.options.onMapRunChild;
  if (!spec.records || !onChild || !f.mapRun) return () => {};
  const batched = spec.records.batched;
  return (index, report) => {
    const known = f.children?.[String(index)];
    const input = childInput(index);
    const { events, ...rest } = report;
    const child: MapRunChild = { mapRunArn: f.mapRun!.arn, index, start: known?.a ?? sc.now, input, redriveCount: known?.r ?? 0, ...rest };
    if (events && events.length > 0) child.events = events;
    if (known?.d !== undefined) child.redriveDate = known.d;
    if (batched) child.items = Array.isArray((input as { Items?: unknown })?.Items) ? (input as { Items: unknown[] }).Items.length : 1;
    onChild(child);
  };
}

/**
 * How a child frame runs. A distributed Map's child is an execution of its own: it records in a
 * history of its own (which goes on from its last event; ExecutionStarted is its first), or in
 * none for an EXPRESS child, and sees itself in the context object (`$$.Execution`,
 * `$$.StateMachine`). A Parallel branch or an inline Map's iteration records in its parent's.
 */
function childFrames(sc: StateContext, spec: FanoutSpec, f: Fanout, childInput: (index: number) => unknown): (index: number) => FrameOptions {
  if (!spec.silent || !f.mapRun) return () => ({});
  const mapRunArn = f.mapRun.arn;
  const parent = sc.execution;
  const machine = childStateMachineArn(mapRunArn);
  const machineName = `${parent.stateMachineName}/${mapRunLabelOf(mapRunArn)}`;
  return (index) => {
    const known = f.children?.[String(index)];
    const input = childInput(index);
    const execution = new ChildExecution(mapRunArn, index, machine, machineName, parent.roleArn, known?.a ?? sc.now, input, known?.r ?? 0);
    if (!spec.records) execution.express = true;
    return { recorder: new Recorder(known?.h ?? 1, sc.now, !spec.records), execution };
  };
}

/** A Map's child as an execution. Most children never read `$$`: its ARN, name and input text are made when read. */
class ChildExecution implements ExecutionInfo {
  express?: boolean;

  constructor(
    private readonly mapRunArn: string,
    private readonly index: number,
    readonly stateMachineArn: string,
    readonly stateMachineName: string,
    readonly roleArn: string,
    readonly startTime: number,
    readonly inputValue: unknown,
    readonly redriveCount: number,
  ) {}

  get arn(): string {
    return childExecutionArn(this.mapRunArn, this.index);
  }

  get name(): string {
    return mapRunChildName(this.mapRunArn, this.index);
  }

  get input(): string {
    return JSON.stringify(this.inputValue);
  }
}

/** Children left to start: new ones, or ones a redrive resumes. */
function hasMore(f: Fanout): boolean {
  return f.next < f.total || (f.redo !== undefined && Object.keys(f.redo).length > 0);
}

/** A distributed Map's children by status, as DescribeMapRun reports them. */
export function fanoutCounts(f: Fanout, closing?: 'SUCCEEDED' | 'FAILED' | 'ABORTED'): MapRunCounts {
  const runningNow = running(f);
  const redo = Object.keys(f.redo ?? {}).length;
  const pending = f.total - f.next + redo;
  const stopped = f.stopped?.length ?? 0;
  const timedOut = f.timedOut?.length ?? 0;
  const aborted = (closing === 'FAILED' || closing === 'ABORTED' ? runningNow : 0) + stopped;
  return {
    pending,
    running: closing ? 0 : runningNow,
    succeeded: f.done - f.failed,
    failed: f.failed - stopped - timedOut,
    timedOut,
    aborted,
    total: f.total,
    resultsWritten: 0,
  };
}

function running(f: Fanout): number {
  return Object.keys(f.running).length;
}

/** Whether failures beyond the tolerated ones fail the state (TestState's mocked failure counts). */
export function exceedsTolerance(f: Fanout): boolean {
  return tolerates(f) && !tolerated(f);
}

function tolerates(f: Fanout): boolean {
  return f.toleratedCount !== undefined || f.toleratedPercentage !== undefined;
}

/** Whether the failures so far stay within ToleratedFailureCount / ToleratedFailurePercentage. */
function tolerated(f: Fanout): boolean {
  if (f.toleratedCount !== undefined && f.failed <= f.toleratedCount) return true;
  if (f.toleratedPercentage !== undefined && (f.failed / f.total) * 100 <= f.toleratedPercentage) return true;
  return false;
}

export function newFanout(total: number, inputs: unknown[], maxConcurrency = 0): Fanout {
  return { total, next: 0, maxConcurrency, inputs, results: [], done: 0, failed: 0, running: {} };
}

/**
 * A fan-out state still waiting: it comes back on its own `continue` when the budget, not
 * MaxConcurrency, held children back; else at its first EXPRESS child's deadline, if any.
 */
export function waitingOutcome(fanout: Fanout, more: boolean): Outcome {
  if (more) return { kind: 'suspend', suspension: { kind: 'continue' }, patch: { fanout } };
  const deadlines = Object.values(fanout.deadlines ?? {});
  if (deadlines.length === 0) return { kind: 'suspend', patch: { fanout } };
  const at = Math.min(...deadlines);
  return { kind: 'suspend', suspension: { kind: 'timer', at }, patch: { fanout, until: at } };
}

function defined(o: { error?: string | undefined; cause?: string | undefined }): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  if (o.error !== undefined) out.error = o.error;
  if (o.cause !== undefined) out.cause = o.cause;
  return out;
}
