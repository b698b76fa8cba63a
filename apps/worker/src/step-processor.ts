import { closeFromOutside, step, type Cursor, type ExecutionInfo, type FrameSuspension, type StepResult, type Wake } from '@redstep/core';
import {
  abandonedChildren,
  ActivityStore,
  leftoverChildren,
  decodeTaskToken,
  ExecutionStore,
  frameAt,
  frames,
  newTaskToken,
  notifyParent,
  producerId,
  StateMachineStore,
  stopChildren,
  stopExecution,
  waitingFrames,
  type ExecutionRecord,
  type Logger,
  type Metrics,
  type StepJob,
  type StepQueue,
} from '@redstep/store';
import type { DefinitionCache, MapRunStore } from '@redstep/store';
import type { MapRunLimits, MapRunUpdate, ObjectStore } from '@redstep/core';
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
}

export const activityName = (arn: string) => arn.slice(arn.indexOf(':activity:') + ':activity:'.length);

/** What a job asks of the interpreter once it is known to be current. */
type Action = { kind: 'step'; wake: Wake } | { kind: 'timeout' } | { kind: 'heartbeat-check'; frame: Cursor; path: number[] };

/**
 * Moves one execution on for one job: load, run the interpreter, commit fenced, then enqueue
 * what the execution now waits for. Any crash leaves either nothing committed (the job is
 * retried) or a commit whose follow-ups the retried job re-enqueues (the record names the job
 * that produced it), so every step happens exactly once.
 */
export class StepProcessor {
  private readonly now: () => number;

  constructor(private readonly deps: ProcessorDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Returns whether this job committed a step; false when it found nothing to do (a replay, a stale wake). */
  async process(job: StepJob): Promise<boolean> {
    if (job.k === 'invoke') return this.deps.invoker ? this.deps.invoker.run(job) : false;
    const jobId = producerId(job);
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      let rec = await this.deps.executions.load(job.e);
      if (!rec && job.k === 'start' && job.create) {
        // StartExecution enqueues before it writes (rule 2); whichever comes first creates it.
        const { record, started } = job.create;
        await this.deps.executions.create(record, started);
        if (!isExpress(record.arn)) await this.deps.stateMachines.indexExecution(record.stateMachineName, record.name, record.startDate);
        rec = await this.deps.executions.load(job.e);
      }
      if (!rec || rec.status !== 'RUNNING') {
        // A closed nested execution: retell a waiting parent (its closing job may have crashed before it did).
        if (rec?.parent) await notifyParent(this.deps.queue, rec);
        // And finish stopping its own `.sync` children, for the same reason.
        if (rec) await stopChildren(this.stopDeps(), rec.arn, leftoverChildren(rec));
        return false;
      }
      const action = this.actionFor(job, rec);
      if (!action) {
        // This job committed before a crash: redo its follow-ups (deterministic ids dedupe them),
        // and stop children of tasks it ended.
        if (rec.producer === jobId && rec.cursor) await this.followUp(rec, waitingFrames(rec.cursor));
        await stopChildren(this.stopDeps(), rec.arn, leftoverChildren(rec));
        return false;
      }
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

  /** A `.sync` child whose parent no longer waits on it (a redriven child runs on its own). */
  private async abandoned(rec: ExecutionRecord): Promise<boolean> {
    const parent = rec.parent;
    if (!parent || (parent.pattern !== 'sync' && parent.pattern !== 'sync2') || rec.redriveCount > 0) return false;
    return !(await this.deps.executions.parentWaits(parent));
  }

  private stopDeps() {
    const deps = { executions: this.deps.executions, queue: this.deps.queue, now: this.now };
    return this.deps.metrics ? { ...deps, metrics: this.deps.metrics } : deps;
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
      case 'execTimeout':
        // A redrive arms its own timer; the timers of earlier runs find their wake gone.
        return job.w === (rec.redriveCount > 0 ? `timeout-r${rec.redriveCount}` : 'timeout') ? { kind: 'timeout' } : undefined;
      default: {
        // Task answers and timeouts find their frame by the task's nonce.
        const found = rec.tasks[job.w] && this.taskFrame(rec, job.w);
        if (!found) return undefined;
        if ((job.k === 'taskSucceeded' || job.k === 'taskFailed') && rec.tasks[job.w]!.submissionDue) {
          // The answer outran the invoker's record of the call (a fast child or callback): keep
          // it until TaskSubmitted is in history, so the events stay in AWS's order.
          throw new RetryLater(`task ${job.w} answered before its call was recorded`);
        }
        if (job.k === 'taskSucceeded') return { kind: 'step', wake: { kind: 'taskSucceeded', output: job.output, path: found.path } };
        if (job.k === 'taskFailed') {
          const wake: Wake = { kind: 'taskFailed', path: found.path };
          if (job.error !== undefined) wake.error = job.error;
          if (job.cause !== undefined) wake.cause = job.cause;
          return { kind: 'step', wake };
        }
        if (job.k === 'invoke') return undefined;
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
    const mapRunUpdates: MapRunUpdate[] = [];
    if (action.kind === 'timeout') {
      result = closeFromOutside('timeout', rec.seq, now);
    } else {
      const loaded = await this.deps.definitions.get(rec.definitionSha);
      if (!loaded) throw new Error(`definition ${rec.definitionSha} missing for ${rec.arn}`);
      const existing = new Set<string>();
      await Promise.all(
        loaded.activities.map(async (arn) => {
          if (await this.deps.activities.exists(activityName(arn))) existing.add(arn);
        }),
      );
      const input = { definition: loaded.definition, execution: info(rec), lastEventId: rec.seq, wake: action.wake, now };
      const limits: Record<string, MapRunLimits> = this.deps.mapRuns && rec.cursor?.fanout ? await this.deps.mapRuns.limits(rec.arn) : {};
      try {
        result = await step(rec.cursor ? { ...input, cursor: rec.cursor } : input, {
          newToken: () => newTaskToken(rec.arn),
          activityExists: (arn) => existing.has(arn),
          mapRunLimits: (arn) => limits[arn],
          onMapRun: (update) => mapRunUpdates.push(update),
          ...(this.deps.objectStore && { objectStore: this.deps.objectStore }),
        });
      } catch (e) {
        // A fault of the interpreter itself would fail again on every retry: fail the execution
        // (never leave it running forever) and say so in the log.
        this.deps.log?.error({ executionArn: rec.arn, state: rec.cursor?.state, err: String((e as Error)?.stack ?? e) }, 'interpreter fault');
        result = closeFromOutside('fail', rec.seq, now, { error: 'States.Runtime', cause: `Internal error while running the execution: ${(e as Error)?.message ?? String(e)}` });
      }
      // Express executions end after five minutes at most, as on AWS.
      const timeoutSeconds = loaded.definition.TimeoutSeconds ?? (isExpress(rec.arn) ? EXPRESS_LIMIT_SECONDS : undefined);
      if (action.wake.kind === 'start' && timeoutSeconds !== undefined) {
        await this.deps.queue.add({ k: 'execTimeout', e: rec.arn, w: 'timeout' }, timeoutSeconds * 1000);
      }
    }
    const committed = await this.deps.executions.commit(rec, result, now, producerId(job));
    if (committed === 'fenced') return 'fenced';
    if (committed === 'missing') return 'nothing';
    if (this.deps.metrics) observeCommittedStep(this.deps.metrics, rec, result.events, result.closing, now);
    this.deps.log?.debug({ executionArn: rec.arn, state: result.cursor?.state, events: result.events.length, status: result.closing?.status }, 'step committed');
    if (mapRunUpdates.length > 0) await this.deps.mapRuns?.record(rec.arn, mapRunUpdates, now);
    if (!result.closing) await this.followUp(rec, result.suspensions);
    else if (rec.parent) await notifyParent(this.deps.queue, await this.deps.executions.load(rec.arn, { cursor: false }));
    // `.sync` children of tasks this step ended (closed, timed out, cancelled) are stopped, as AWS does.
    await stopChildren(this.stopDeps(), rec.arn, abandonedChildren(rec, result));
    // An asynchronous Express execution keeps no history once it ends (AWS sends it to logs).
    if (result.closing && isExpress(rec.arn)) await this.deps.executions.forget(rec.arn);
    return 'committed';
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

  /** Enqueues what each waiting frame waits for: its next job, a timer, an activity task and its timers. */
  private async followUp(rec: ExecutionRecord, waiting: FrameSuspension[]): Promise<void> {
    const { queue } = this.deps;
    await Promise.all(
      waiting.map(async ({ path, wake, suspension }) => {
        const p = path.length ? { p: path } : {};
        switch (suspension.kind) {
          case 'continue':
            return queue.add({ k: 'continue', e: rec.arn, w: wake, ...p });
          case 'timer':
            return queue.add({ k: 'timer', e: rec.arn, w: wake, ...p }, Math.max(0, suspension.at - this.now()));
          case 'activity':
          case 'invoke': {
            const { task } = suspension;
            const nonce = decodeTaskToken(task.token)!.nonce;
            if (suspension.kind === 'invoke') await queue.add({ k: 'invoke', e: rec.arn, w: nonce });
            else await this.deps.activities.push(activityName(task.resource), { token: task.token, input: task.input, at: task.scheduledAt });
            const elapsed = this.now() - task.scheduledAt;
            if (task.timeoutSeconds !== undefined) {
              await queue.add({ k: 'taskTimeout', e: rec.arn, w: nonce, heartbeat: false, n: 0 }, task.timeoutSeconds * 1000 - elapsed);
            }
            if (task.heartbeatSeconds !== undefined) {
              await queue.add({ k: 'taskTimeout', e: rec.arn, w: nonce, heartbeat: true, n: 0 }, task.heartbeatSeconds * 1000 - elapsed);
            }
            return;
          }
          default: {
            const unreachable: never = suspension;
            throw new Error(`unknown suspension ${JSON.stringify(unreachable)}`);
          }
        }
      }),
    );
  }
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
