import type { Metrics } from './metrics.js';
import type { StepQueue } from './queue.js';
import { STEP_QUEUE } from './keys.js';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/**
 * Samples each shard's step queue depth and oldest waiting job into gauges every few seconds.
 * Every process reports the same fleet-wide value per shard (dashboards take the max per shard,
 * then sum the shards).
 */
export function sampleQueue(queue: StepQueue, m: Metrics, everyMs = 5_000): () => void {
  const sampleShard = async (q: StepQueue['queues'][number], shard: number) => {
    const labels = { queue: STEP_QUEUE, shard: String(shard) };
    const counts = await q.getJobCounts(...STATES);
    for (const state of STATES) m.queueDepth.set({ ...labels, state }, counts[state] ?? 0);
    const [oldest] = await q.getJobs(['waiting'], 0, 0, true);
    m.queueOldestWaiting.set(labels, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
  };
  const sample = async () => {
    try {
      await Promise.all(queue.queues.map(sampleShard));
    } catch {
      // Redis unreachable: the gauges keep their last values; readiness reports the outage.
    }
  };
  const timer = setInterval(() => void sample(), everyMs);
  timer.unref();
  void sample();
  return () => clearInterval(timer);
}
