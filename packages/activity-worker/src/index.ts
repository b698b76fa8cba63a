export { ActivityWorker, type ActivityWorkerState } from './worker.js';
export type { ActivityHandler, ActivityWorkerLogger, ActivityWorkerOptions, TaskContext } from './options.js';
export type {
  ActivityWorkerEventName,
  ActivityWorkerEvents,
  ActivityWorkerHooks,
  AnswerErrorEvent,
  HeartbeatErrorEvent,
  PollErrorEvent,
  TaskEnded,
  TaskFailedEvent,
  TaskInfo,
  TaskSucceededEvent,
  TaskTimedOutEvent,
} from './events.js';
export type { ActivityWorkerMetrics, DurationSummary } from './metrics.js';
export type { BackoffOptions } from './backoff.js';
export { backoffDelay } from './backoff.js';
export { failureOf, INVALID_INPUT_ERROR, INVALID_OUTPUT_ERROR, MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH, SHUTDOWN_ERROR, truncate } from './failure.js';
