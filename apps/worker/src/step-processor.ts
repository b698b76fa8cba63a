import { step, closeFromOutside, type ExecutionInfo, type StepResult, type Suspension, type Wake } from '@redstep/core';
import {
  ActivityStore,
  ExecutionStore,
  StateMachineStore,
  decodeTaskToken,
  newTaskToken,
  producerId,
  type ExecutionRecord,
  type Metrics,
  type StepJob,
  type StepQueue,
} from '@redstep/store';
import type { DefinitionCache } from './definitions.js';
import { observeCommittedStep } from './step-metrics.js';

/** Thrown so BullMQ retries the job later (with backoff), e.g. a start job that beat its execution's creation. */
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
  now?: () => number;
}

export const activityName = (arn: string) => arn.slice(arn.indexOf(':activity:') + ':activity:'.length);

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
    const jobId = producerId(job);
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      let rec = await this.deps.executions.load(job.e);
      if (!rec && job.k === 'start' && job.create) {
        // StartExecution enqueues before it writes (rule 2); whichever comes first creates it.
        const { record, started } = job.create;
        await this.deps.executions.create(record, started);
        await this.deps.stateMachines.indexExecution(record.stateMachineName, record.name, record.startDate);
        rec = await this.deps.executions.load(job.e);
      }
      if (!rec || rec.status !== 'RUNNING') return false;
      if (rec.producer === jobId && rec.wake !== job.w) {
        // This job committed before a crash: redo its follow-ups (deterministic ids dedupe them).
        await this.followUp(rec, rec.suspension);
        return false;
      }
      const wake = this.wakeFor(job, rec);
      if (wake === undefined) return false;
      const outcome = await this.advance(rec, wake, job);
      if (outcome === 'fenced') continue;
      return outcome === 'done';
    }
    throw new RetryLater('too many concurrent commits');
  }

  /** The interpreter wake this job stands for, or undefined if the execution moved past it. */
  private wakeFor(job: StepJob, rec: ExecutionRecord): Wake | 'timeout' | 'heartbeat-check' | undefined {
    switch (job.k) {
      case 'start':
      case 'continue':
      case 'timer':
        return rec.wake === job.w ? { kind: job.k } : undefined;
      case 'taskSucceeded':
        return rec.taskNonce === job.w ? { kind: 'taskSucceeded', output: job.output } : undefined;
      case 'taskFailed': {
        if (rec.taskNonce !== job.w) return undefined;
        const wake: Wake = { kind: 'taskFailed' };
        if (job.error !== undefined) wake.error = job.error;
        if (job.cause !== undefined) wake.cause = job.cause;
        return wake;
      }
      case 'taskTimeout':
        if (rec.taskNonce !== job.w) return undefined;
        return job.heartbeat ? 'heartbeat-check' : { kind: 'taskTimedOut', heartbeat: false };
      case 'execTimeout':
        return 'timeout';
      default: {
        const unreachable: never = job;
        throw new Error(`unknown job ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private async advance(rec: ExecutionRecord, wake: Wake | 'timeout' | 'heartbeat-check', job: StepJob): Promise<'done' | 'fenced' | 'nothing'> {
    const now = this.now();
    if (wake === 'heartbeat-check') {
      const task = rec.cursor?.task;
      if (!task?.heartbeatSeconds || job.k !== 'taskTimeout') return 'nothing';
      const due = Math.max(rec.taskStart ?? now, rec.taskBeat ?? 0) + task.heartbeatSeconds * 1000;
      if (rec.taskStart === undefined || due > now) {
        // Not started, or beaten since: look again when the heartbeat would next be due.
        await this.deps.queue.add({ ...job, n: job.n + 1 }, rec.taskStart === undefined ? task.heartbeatSeconds * 1000 : due - now);
        return 'nothing';
      }
      wake = { kind: 'taskTimedOut', heartbeat: true };
    }
    let result: StepResult;
    if (wake === 'timeout') {
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
      const input = { definition: loaded.definition, execution: info(rec), lastEventId: rec.seq, wake, now };
      result = await step(rec.cursor ? { ...input, cursor: rec.cursor } : input, {
        newToken: () => newTaskToken(rec.arn),
        activityExists: (arn) => existing.has(arn),
      });
      if (wake.kind === 'start' && loaded.definition.TimeoutSeconds !== undefined) {
        await this.deps.queue.add({ k: 'execTimeout', e: rec.arn, w: 'timeout' }, loaded.definition.TimeoutSeconds * 1000);
      }
    }
    const newWake = String(rec.seq + result.events.length);
    const jobId = producerId(job);
    const committed = await this.deps.executions.commit(rec, rec.wake, result, newWake, now, jobId);
    if (committed === 'fenced') return 'fenced';
    if (committed === 'missing') return 'nothing';
    if (this.deps.metrics) observeCommittedStep(this.deps.metrics, rec, result.events, result.closing, now);
    if (!result.closing && result.suspension) await this.followUp({ ...rec, wake: newWake }, result.suspension);
    return 'done';
  }

  /** Enqueues what a suspended execution waits for: the next job, a timer, an activity task and its timers. */
  private async followUp(rec: ExecutionRecord, suspension: Suspension | undefined): Promise<void> {
    if (!suspension) return;
    const { queue } = this.deps;
    switch (suspension.kind) {
      case 'continue':
        return queue.add({ k: 'continue', e: rec.arn, w: rec.wake });
      case 'timer':
        return queue.add({ k: 'timer', e: rec.arn, w: rec.wake }, Math.max(0, suspension.at - this.now()));
      case 'activity': {
        const { task } = suspension;
        const nonce = decodeTaskToken(task.token)!.nonce;
        await this.deps.activities.push(activityName(task.resource), { token: task.token, input: task.input, at: task.scheduledAt });
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
  };
}
