/** Counters and a duration summary an ActivityWorker keeps about itself. */

/** A summary of task durations (handed out to answered), in milliseconds. */
export interface DurationSummary {
  /** Tasks measured since the worker was made. */
  count: number;
  sumMs: number;
  /** 0 while `count` is 0. */
  minMs: number;
  maxMs: number;
  meanMs: number;
  /** Quantiles over the most recent tasks (a window of {@link DURATION_WINDOW}); 0 while none. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export interface ActivityWorkerMetrics {
  /** GetActivityTask calls that answered (with a task or empty). */
  polls: number;
  /** Of those, the ones that answered with no task. */
  emptyPolls: number;
  /** GetActivityTask calls that failed (each followed by a backoff). */
  pollErrors: number;
  /** Tasks handed to the handler. */
  tasksStarted: number;
  /** Tasks answered with SendTaskSuccess. */
  tasksSucceeded: number;
  /** Tasks answered with SendTaskFailure (a thrown error, bad input or output, or shutdown). */
  tasksFailed: number;
  /** Tasks the service no longer had when the worker heartbeat or answered (TaskTimedOut, ...). */
  tasksTimedOut: number;
  /** Answers (SendTaskSuccess/Failure) that could not be delivered after their retries. */
  answerErrors: number;
  heartbeatsSent: number;
  /** Heartbeats that failed, including the ones that found the task gone. */
  heartbeatErrors: number;
  /** Tasks held now (handed out, not yet answered). */
  inFlight: number;
  /** GetActivityTask calls open now. */
  openPolls: number;
  /** Durations of the tasks answered (succeeded, failed, or found timed out). */
  duration: DurationSummary;
}

export type Counter = Exclude<keyof ActivityWorkerMetrics, 'inFlight' | 'openPolls' | 'duration'>;

/** How many recent durations the quantiles are drawn from. */
export const DURATION_WINDOW = 1024;

export class MetricsRecorder {
  private readonly counters: Record<Counter, number> = {
    polls: 0,
    emptyPolls: 0,
    pollErrors: 0,
    tasksStarted: 0,
    tasksSucceeded: 0,
    tasksFailed: 0,
    tasksTimedOut: 0,
    answerErrors: 0,
    heartbeatsSent: 0,
    heartbeatErrors: 0,
  };
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = 0;
  private readonly window: number[] = [];
  private next = 0;

  inc(counter: Counter): void {
    this.counters[counter] += 1;
  }

  observe(durationMs: number): void {
    this.count += 1;
    this.sum += durationMs;
    this.min = Math.min(this.min, durationMs);
    this.max = Math.max(this.max, durationMs);
    if (this.window.length < DURATION_WINDOW) this.window.push(durationMs);
    else this.window[this.next] = durationMs;
    this.next = (this.next + 1) % DURATION_WINDOW;
  }

  snapshot(gauges: { inFlight: number; openPolls: number }): ActivityWorkerMetrics {
    const sorted = [...this.window].sort((a, b) => a - b);
    const q = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
    return {
      ...this.counters,
      ...gauges,
      duration: {
        count: this.count,
        sumMs: this.sum,
        minMs: this.count === 0 ? 0 : this.min,
        maxMs: this.max,
        meanMs: this.count === 0 ? 0 : this.sum / this.count,
        p50Ms: q(0.5),
        p90Ms: q(0.9),
        p99Ms: q(0.99),
      },
    };
  }
}
