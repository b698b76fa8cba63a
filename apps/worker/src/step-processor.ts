import { closeFromOutside, step, STEP_SLICE_MS, type Cursor, type ExecutionInfo, type StepResult, type Wake } from '@redstep/core';
import {
  activityName,
  sameScope,
  ActivityStore,
  decodeTaskToken,
  ExecutionStore,
  frameAt,
  frames,
  numbered,
  producerId,
  StateMachineStore,
  stepObligations,
  stopExecution,
  taskTokens,
  createIndexed,
  childWrites,
  type MapRunWrite,
  type StepObligationOptions,
  type ExecutionRecord,
  type Logger,
  type Metrics,
  type Outbox,
  type RunningIndex,
  type StepJob,
  type StepQueue,
  type TaskAnswer,
} from '@redstep/store';
import type { DefinitionCache, MapRunStore } from '@redstep/store';
import type { MapRunChild, MapRunLimits, MapRunUpdate, ObjectStore } from '@redstep/core';
import type { Invoker } from './invoker.js';
import { observeCommittedStep } from './step-metrics.js';

/** Thrown so BullMQ retries the job later (with backoff). */
export class RetryLater extends Error {}

/** Fenced commits that lose a race reload and try again; this bounds a pathological loop. */
const MAX_COMMIT_ATTEMPTS = 50;

export interface ProcessorDeps {
  executions: ExecutionStore;
  activities: ActivityStore;
  stateMachines: StateMachineStore;
  definitions: DefinitionCache;
  queue: StepQueue;
  outbox: Outbox;
  running: RunningIndex;
  metrics?: Metrics;
  /** Debug lines per committed step: execution ARN, the state it stands in, events written. */
  log?: Logger;
  /** Keeps the Map Run resources of distributed Maps (absent: none are kept). */
  mapRuns?: MapRunStore;
  now?: () => number;
  /** Makes service integration calls (`invoke` jobs); without it they do nothing. */
  invoker?: Invoker;
  /** S3 for Distributed Map ItemReader / ResultWriter; absent: those Maps fail at once. */
  objectStore?: ObjectStore;
  /** Wall-clock time after which one step takes no new state (STEP_SLICE_MS by default). */
  sliceMs?: number;
}

/** What a job asks of the interpreter once it is known to be current. */
type Action = { kind: 'step'; wake: Wake } | { kind: 'timeout' } | { kind: 'heartbeat-check'; frame: Cursor; path: number[] };

/**
 * Moves one execution on for one job: load, carry out what earlier changes still oblige, run
 * the interpreter, commit fenced with everything the step obliges (the outbox), then carry that
 * out. Any crash leaves either nothing committed (the job is retried) or a commit whose
 * obligations wait in the outbox for whoever comes next (the retried job, any other job of the
 * execution, the reconciler), so every step happens exactly once and none is stranded.
 */
export class StepProcessor {
  private readonly now: () => number;

  constructor(private readonly deps: ProcessorDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Returns whether this job committed a step; false when it found nothing to do (a replay, a stale wake). */
  async process(job: StepJob): Promise<boolean> {
    if (job.k === 'invoke') return this.deps.invoker ? this.deps.invoker.run(job) : false;
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      let rec = await this.deps.executions.load(job.e);
      if (!rec && job.k === 'start' && job.create) {
        // StartExecution enqueues before it writes (rule 2); whichever comes first creates it.
        const { record, started } = job.create;
        await createIndexed(this.startDeps(), record, started);
        rec = await this.deps.executions.load(job.e);
      }
      if (!rec) return false;
      // What an earlier change obliges comes first: its committer may have died before doing it.
      if (rec.outbox) await this.deps.outbox.drain(rec.arn, rec.outbox);
      if (rec.status !== 'RUNNING') return false;
      const action = this.actionFor(job, rec);
      if (!action) return false;
      if (await this.abandoned(rec)) {
        // Its parent stopped waiting and a crash kept it from stopping this child: stop now.
        await stopExecution(this.stopDeps(), rec.arn);
        return true;
      }
      const outcome = await this.advance(rec, action, job);
      if (outcome === 'fenced') continue;
      return outcome === 'committed';
    }
    throw new RetryLater('too many concurrent commits');
  }

  /**
   * A job that used up its attempts fails its execution (States.Runtime, with the cause), through
   * a fenced commit like any step, so the execution never waits for ever on a job that is gone.
   */
  async failExecution(job: StepJob, cause: string): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const rec = await this.deps.executions.load(job.e, { cursor: false });
      if (!rec) return false;
      if (rec.outbox) await this.deps.outbox.drain(rec.arn, rec.outbox);
      if (rec.status !== 'RUNNING') return false;
      const now = this.now();
      const result = closeFromOutside('fail', rec.seq, now, { error: 'States.Runtime', cause });
      if ((await this.commitAndCarryOut(rec, result, now, `exhausted:${producerId(job)}`)) === 'committed') return true;
    }
    throw new RetryLater('too many concurrent commits');
  }

  /** Commits a step with its obligations, then carries them out. */
  private async commitAndCarryOut(rec: ExecutionRecord, result: StepResult, now: number, producer: string, extras: StepObligationOptions & MapRunWrite = {}): Promise<'committed' | 'fenced' | 'nothing'> {
    const version = rec.version ?? 0;
    const outbox = numbered(version + 1, stepObligations(rec, result, now, extras));
    const commit = {
      commitId: `${producer}@${version}`,
      outbox,
      ...(extras.mapRuns && { mapRuns: extras.mapRuns, dropLimits: extras.dropLimits ?? [] }),
      ...(extras.children && { children: extras.children }),
    };
    const committed = await this.deps.executions.commit(rec, result, now, commit);
    // 'replayed': made before and its answer lost; read again, and the outbox has the rest.
    if (committed === 'fenced' || committed === 'replayed') return 'fenced';
    if (committed === 'missing') return 'nothing';
    if (this.deps.metrics) observeCommittedStep(this.deps.metrics, rec, result.events, result.closing, now);
    this.deps.log?.debug({ executionArn: rec.arn, state: result.cursor?.state, events: result.events.length, status: result.closing?.status }, 'step committed');
    await this.deps.outbox.drain(rec.arn, outbox);
    return 'committed';
  }

  /** A `.sync` child whose parent no longer waits on it (a redriven child runs on its own). */
  private async abandoned(rec: ExecutionRecord): Promise<boolean> {
    const parent = rec.parent;
    if (!parent || (parent.pattern !== 'sync' && parent.pattern !== 'sync2') || rec.redriveCount > 0) return false;
    return !(await this.deps.executions.parentWaits(parent));
  }

  private stopDeps() {
    const deps = { executions: this.deps.executions, outbox: this.deps.outbox, now: this.now };
    return this.deps.metrics ? { ...deps, metrics: this.deps.metrics } : deps;
  }

  private startDeps() {
    const { executions, stateMachines, queue, running } = this.deps;
    return { executions, stateMachines, queue, running };
  }

  /** What this job should do, or undefined when the execution moved past what it answers. */
  private actionFor(job: StepJob, rec: ExecutionRecord): Action | undefined {
    const path = job.p ?? [];
    switch (job.k) {
      case 'start':
        return rec.cursor === undefined ? { kind: 'step', wake: { kind: 'start' } } : undefined;
      case 'continue':
      case 'timer':
        return frameAt(rec.cursor, path)?.wake === job.w ? { kind: 'step', wake: { kind: job.k, path } } : undefined;
      case 'stopChild': {
        // Only while the child runs in the map run the stop names (a later Map may hold its path).
        const map = frameAt(rec.cursor, path.slice(0, -1));
        if (map?.fanout?.mapRun?.arn !== job.m || !frameAt(rec.cursor, path)) return undefined;
        const wake: Wake = { kind: 'childStopped', path };
        if (job.error !== undefined) wake.error = job.error;
        if (job.cause !== undefined) wake.cause = job.cause;
        return { kind: 'step', wake };
      }
      case 'execTimeout':
        // A redrive arms its own timer; the timers of earlier runs find their wake gone.
        return job.w === (rec.redriveCount > 0 ? `timeout-r${rec.redriveCount}` : 'timeout') ? { kind: 'timeout' } : undefined;
      default: {
        // Task answers and timeouts find their frame by the task's nonce.
        const found = rec.tasks[job.w] && this.taskFrame(rec, job.w);
        if (!found || job.k === 'invoke') return undefined;
        // The answer recorded first stands, whichever answer job runs; and an answer recorded
        // before a time-out falls due wins over it (its job may be held by a worker that died).
        const answer = rec.tasks[job.w]!.answer ?? answerOf(job);
        if (answer) {
          if (rec.tasks[job.w]!.submissionDue) {
            // The answer outran the invoker's record of the call (a fast child or callback): keep
            // it until TaskSubmitted is in history, so the events stay in AWS's order.
            throw new RetryLater(`task ${job.w} answered before its call was recorded`);
          }
          return { kind: 'step', wake: answerWake(answer, found.path) };
        }
        if (job.k !== 'taskTimeout') return undefined;
        if (job.heartbeat) return { kind: 'heartbeat-check', frame: found.cursor, path: found.path };
        return { kind: 'step', wake: { kind: 'taskTimedOut', heartbeat: false, path: found.path } };
      }
    }
  }

  private taskFrame(rec: ExecutionRecord, nonce: string): { cursor: Cursor; path: number[] } | undefined {
    if (!rec.cursor) return undefined;
    for (const frame of frames(rec.cursor)) {
      if (frame.cursor.task && decodeTaskToken(frame.cursor.task.token)?.nonce === nonce) return frame;
    }
    return undefined;
  }

  private async advance(rec: ExecutionRecord, action: Action, job: StepJob): Promise<'committed' | 'fenced' | 'nothing'> {
    const now = this.now();
    if (action.kind === 'heartbeat-check') {
      const wake = await this.checkHeartbeat(rec, action.frame, action.path, job, now);
      if (!wake) return 'nothing';
      action = { kind: 'step', wake };
    }
    let result: StepResult;
    let timeoutAt: StepObligationOptions['timeoutAt'];
    const mapRunUpdates: MapRunUpdate[] = [];
    const childReports: MapRunChild[] = [];
    if (action.kind === 'timeout') {
      result = closeFromOutside('timeout', rec.seq, now);
    } else {
      const loaded = await this.deps.definitions.get(rec.definitionSha);
      if (!loaded) throw new Error(`definition ${rec.definitionSha} missing for ${rec.arn}`);
      const existing = new Set<string>();
      await Promise.all(
        loaded.activities.map(async (arn) => {
          // Another account's or region's activity does not exist for this execution (as on AWS).
          if (sameScope(arn, rec.arn) && (await this.deps.activities.exists(activityName(arn)))) existing.add(arn);
        }),
      );
      const input = { definition: loaded.definition, execution: info(rec), lastEventId: rec.seq, wake: action.wake, now };
      const [limits, secret] = await Promise.all([
        this.deps.mapRuns && rec.cursor?.fanout ? this.deps.mapRuns.limits(rec.arn) : ({} as Record<string, MapRunLimits>),
        this.deps.executions.tokenSecret(),
      ]);
      try {
        result = await step(rec.cursor ? { ...input, cursor: rec.cursor } : input, {
          newToken: taskTokens(secret, rec),
          sliceMs: this.deps.sliceMs ?? STEP_SLICE_MS,
          activityExists: (arn) => existing.has(arn),
          mapRunLimits: (arn) => limits[arn],
          onMapRun: (update) => mapRunUpdates.push(update),
          onMapRunChild: (child) => childReports.push(child),
          ...(this.deps.objectStore && { objectStore: this.deps.objectStore }),
        });
      } catch (e) {
        // A fault of the interpreter itself would fail again on every retry: fail the execution
        // (never leave it running forever) and say so in the log.
        this.deps.log?.error({ executionArn: rec.arn, state: rec.cursor?.state, err: String((e as Error)?.stack ?? e) }, 'interpreter fault');
        // What the faulty step reported of map run children is dropped with it.
        childReports.length = 0;
        result = closeFromOutside('fail', rec.seq, now, { error: 'States.Runtime', cause: `Internal error while running the execution: ${(e as Error)?.message ?? String(e)}` });
      }
      // Express executions end after five minutes at most, as on AWS. The first step arms it.
      const timeoutSeconds = loaded.definition.TimeoutSeconds ?? (isExpress(rec.arn) ? EXPRESS_LIMIT_SECONDS : undefined);
      if (action.wake.kind === 'start' && timeoutSeconds !== undefined) timeoutAt = { at: rec.startDate + timeoutSeconds * 1000, wake: 'timeout' };
    }
    const extras: StepObligationOptions & MapRunWrite = {};
    if (timeoutAt) extras.timeoutAt = timeoutAt;
    if (mapRunUpdates.length > 0 && this.deps.mapRuns) Object.assign(extras, await this.deps.mapRuns.changes(rec.arn, mapRunUpdates, now));
    if (childReports.length > 0) extras.children = childWrites(childReports, rec.startDate);
    return this.commitAndCarryOut(rec, result, now, producerId(job), extras);
  }

  /**
   * A heartbeat check: the task timed out if its last sign of life (start or heartbeat) is older
   * than HeartbeatSeconds; otherwise look again when it would next be due.
   */
  private async checkHeartbeat(rec: ExecutionRecord, frame: Cursor, path: number[], job: StepJob, now: number): Promise<Wake | undefined> {
    const task = frame.task;
    if (!task?.heartbeatSeconds || job.k !== 'taskTimeout') return undefined;
    const state = rec.tasks[job.w];
    const interval = task.heartbeatSeconds * 1000;
    if (state?.start === undefined) {
      await this.deps.queue.add({ ...job, n: job.n + 1 }, interval);
      return undefined;
    }
    const due = Math.max(state.start, state.beat ?? 0) + interval;
    if (due > now) {
      await this.deps.queue.add({ ...job, n: job.n + 1 }, due - now);
      return undefined;
    }
    return { kind: 'taskTimedOut', heartbeat: true, path };
  }
}

/** The answer an answer job carries (recorded with the execution too, see answerTask). */
function answerOf(job: StepJob): TaskAnswer | undefined {
  if (job.k === 'taskSucceeded') return { kind: 'succeeded', output: job.output };
  if (job.k !== 'taskFailed') return undefined;
  const answer: TaskAnswer = { kind: 'failed' };
  if (job.error !== undefined) answer.error = job.error;
  if (job.cause !== undefined) answer.cause = job.cause;
  if (job.sf) answer.submitFailed = true;
  return answer;
}

function answerWake(answer: TaskAnswer, path: number[]): Wake {
  if (answer.kind === 'succeeded') return { kind: 'taskSucceeded', output: answer.output, path };
  const wake: Wake = { kind: 'taskFailed', path };
  if (answer.error !== undefined) wake.error = answer.error;
  if (answer.cause !== undefined) wake.cause = answer.cause;
  if (answer.submitFailed) wake.submitFailed = true;
  return wake;
}

function info(rec: ExecutionRecord): ExecutionInfo {
  return {
    arn: rec.arn,
    name: rec.name,
    stateMachineArn: rec.stateMachineArn,
    stateMachineName: rec.stateMachineName,
    roleArn: rec.roleArn,
    startTime: rec.startDate,
    input: rec.input,
    redriveCount: rec.redriveCount,
    express: isExpress(rec.arn),
  };
}

const EXPRESS_LIMIT_SECONDS = 300;

const isExpress = (arn: string) => arn.includes(':express:');
