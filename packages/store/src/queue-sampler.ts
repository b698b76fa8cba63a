import type { Metrics } from './metrics.js';
import type { StepQueue } from './queue.js';
import { STEP_QUEUE } from './keys.js';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/**
 * Samples the step queue's depth and oldest waiting job into gauges every few seconds. Every
 * process reports the same fleet-wide value (dashboards aggregate with max).
 */
export function sampleQueue(queue: StepQueue, m: Metrics, everyMs = 5_000): () => void {
  const sample = async () => {
    try {
      const counts = await queue.queue.getJobCounts(...STATES);
      for (const state of STATES) m.queueDepth.set({ queue: STEP_QUEUE, state }, counts[state] ?? 0);
      const [oldest] = await queue.queue.getJobs(['waiting'], 0, 0, true);
      m.queueOldestWaiting.set({ queue: STEP_QUEUE }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
    } catch {
      // Redis unreachable: the gauges keep their last values; readiness reports the outage.
    }
  };
  const timer = setInterval(() => void sample(), everyMs);
  timer.unref();
  void sample();
  return () => clearInterval(timer);
}
