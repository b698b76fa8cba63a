import { Worker } from 'bullmq';
import { ActivityStore, ExecutionStore, QUEUE_PREFIX, STEP_QUEUE, StateMachineStore, StepQueue, type RedisHandle, type StepJob } from '@redstep/store';
import { DefinitionCache } from './definitions.js';
import { StepProcessor } from './step-processor.js';

export interface WorkerOptions {
  concurrency: number;
}

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * Starts a BullMQ worker on the step queue. Locks are short so a killed worker's jobs go back
 * to the queue within seconds; steps are idempotent, so a stalled job may run again any number
 * of times.
 */
export function startWorker(handle: RedisHandle, options: WorkerOptions): RunningWorker {
  const queue = new StepQueue(handle.redis);
  const stateMachines = new StateMachineStore(handle);
  const processor = new StepProcessor({
    executions: new ExecutionStore(handle),
    activities: new ActivityStore(handle),
    stateMachines,
    definitions: new DefinitionCache(stateMachines),
    queue,
  });
  const worker = new Worker<StepJob>(STEP_QUEUE, (job) => processor.process(job.data), {
    connection: handle.redis.duplicate(),
    prefix: QUEUE_PREFIX,
    concurrency: options.concurrency,
    lockDuration: 10_000,
    stalledInterval: 5_000,
    maxStalledCount: 1_000,
  });
  worker.on('error', (err) => console.error(JSON.stringify({ level: 'error', msg: 'worker error', err: String(err) })));
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
