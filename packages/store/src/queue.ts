import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { HistoryEvent } from '@redstep/core';
import type { ExecutionRecord } from './executions.js';
import { allShards, executionId, queuePrefix, shardOf, STEP_QUEUE } from './keys.js';

/**
 * A job asks the worker fleet to move one execution on. `w` is the wake it answers: the
 * execution's wake id for start/continue/timer jobs, the pending task's nonce for task jobs.
 * A job whose wake no longer matches does nothing, so replays are harmless.
 */
export type StepJob = (
  /** `create` carries the new execution, so the job can create it if it runs before StartExecution's own write. */
  | { k: 'start'; e: string; w: string; create?: { record: ExecutionRecord; started: HistoryEvent } }
  | { k: 'continue' | 'timer'; e: string; w: string }
  | { k: 'taskSucceeded'; e: string; w: string; output: string }
  /** `sf`: the call of a callback or `.sync` Task failed to submit (TaskSubmitFailed, not TaskFailed). */
  | { k: 'taskFailed'; e: string; w: string; error?: string; cause?: string; sf?: true }
  | { k: 'taskTimeout'; e: string; w: string; heartbeat: boolean; n: number }
  /** Make a pending task's service integration call (`w` = the task's nonce). */
  | { k: 'invoke'; e: string; w: string }
  | { k: 'execTimeout'; e: string; w: string }
  /** StopExecution of a distributed Map's child (`p` leads to it), in map run `m`. */
  | { k: 'stopChild'; e: string; w: string; m: string; error?: string; cause?: string }
) & {
  /** The frame the job wakes (child indexes through Parallel/Map states); absent = the top level. */
  p?: number[];
};

/** Deterministic job ids (rule 2): the same request or replayed step enqueues the same job once. */
export function stepJobId(job: StepJob): string {
  // BullMQ ids may not contain ':'; names cannot contain '/', so '/' separates safely.
  return `${executionId(job.e).replaceAll(':', '/')}/${producerId(job)}`;
}

/** A job's id within its execution: short, so the execution's record stays compact. */
export function producerId(job: StepJob): string {
  const parts = [job.w.length > 64 ? job.w.slice(-32) : job.w, job.k];
  if (job.k === 'taskTimeout') parts.push(job.heartbeat ? `hb${job.n}` : 'to');
  return parts.join('/');
}

const DEFAULTS: JobsOptions = {
  removeOnComplete: true,
  // A job's last attempt fails its execution instead of failing itself (see the worker); one
  // that fails all the same must not keep its id, or a re-sent answer could never be enqueued.
  removeOnFail: true,
  attempts: 20,
  backoff: { type: 'exponential', delay: 50 },
};

/**
 * The step queues: one BullMQ queue per shard, under the shard's hash tag, so a job and the keys
 * of its execution share a Cluster slot. A job goes to its execution's shard.
 */
export class StepQueue {
  /** By shard number. */
  readonly queues: Queue<StepJob>[];

  /**
   * BullMQ's own connection. BullMQ defines its 60-odd scripts on the connection it is given,
   * and an auto-pipelined client copies every script defined on it into each batch it sends:
   * on the shared connection that made every Redis round trip of the process dearer. Adds go
   * out one by one here, which costs less than a batch at the rates one process adds at.
   */
  private readonly connection: Redis;

  constructor(shared: Redis, onError: (err: unknown) => void = () => {}) {
    this.connection = shared.duplicate({ enableAutoPipelining: false });
    this.queues = allShards().map((shard) => {
      const queue = new Queue<StepJob>(STEP_QUEUE, { connection: this.connection, prefix: queuePrefix(shard), defaultJobOptions: DEFAULTS });
      // BullMQ repeats its connection's errors on every queue: one listener logs them.
      queue.on('error', shard === 0 ? onError : () => {});
      return queue;
    });
  }

  /** The queue of an execution's shard. */
  queueOf(executionArn: string): Queue<StepJob> {
    return this.queues[shardOf(executionId(executionArn))]!;
  }

  async add(job: StepJob, delayMs = 0): Promise<void> {
    const opts: JobsOptions = { jobId: stepJobId(job) };
    if (delayMs > 0) opts.delay = delayMs;
    await this.queueOf(job.e).add(job.k, job, opts);
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
    this.connection.disconnect();
  }
}
