import { ActivityStore } from './activities.js';
import { ExecutionStore } from './executions.js';
import type { Metrics } from './metrics.js';
import { Outbox } from './outbox.js';
import { StepQueue } from './queue.js';
import type { RedisHandle } from './redis.js';
import { RunningIndex } from './running-index.js';
import { StateMachineStore } from './state-machines.js';

/** The stores every process that changes executions needs, wired to one Redis. */
export interface ExecutionStores {
  handle: RedisHandle;
  executions: ExecutionStore;
  activities: ActivityStore;
  stateMachines: StateMachineStore;
  queue: StepQueue;
  running: RunningIndex;
  outbox: Outbox;
  now: () => number;
}

export interface ExecutionStoresOptions {
  /** When the reconciler first looks at a running execution (ms). */
  reconcileAfterMs: number;
  metrics?: Metrics;
  now?: () => number;
  /** Errors of the step queue's connection (Redis unreachable, a failover), for the log. */
  onRedisError?: (err: unknown) => void;
}

export function executionStores(handle: RedisHandle, options: ExecutionStoresOptions): ExecutionStores {
  const now = options.now ?? Date.now;
  const executions = new ExecutionStore(handle);
  const activities = new ActivityStore(handle);
  const queue = new StepQueue(handle.redis, options.onRedisError);
  const running = new RunningIndex(handle, options.reconcileAfterMs, now);
  const outbox = new Outbox({ handle, executions, activities, queue, running, now, ...(options.metrics && { metrics: options.metrics }) });
  return { handle, executions, activities, stateMachines: new StateMachineStore(handle), queue, running, outbox, now };
}
