/** The events an ActivityWorker emits, with their payloads. */

/** What every task event carries. */
export interface TaskInfo {
  taskToken: string;
  /** The task's input as GetActivityTask returned it (JSON text). */
  input: string;
  /** When the worker received the task. */
  startedAt: Date;
}

/** A task that has been answered (or found gone) and how long it was held. */
export interface TaskEnded extends TaskInfo {
  /** From receiving the task to the service's acknowledgement of its answer, in milliseconds. */
  durationMs: number;
}

export interface TaskSucceededEvent<Output> extends TaskEnded {
  output: Output;
}

export interface TaskFailedEvent extends TaskEnded {
  /** The `error` sent with SendTaskFailure (the thrown error's name, cut to 256 characters). */
  error: string;
  /** The `cause` sent (the thrown error's message, cut to 32768 characters). */
  cause: string;
}

export interface TaskTimedOutEvent extends TaskEnded {
  /** The service's answer: TaskTimedOut, TaskDoesNotExist or InvalidToken. */
  error: Error;
}

export interface AnswerErrorEvent extends TaskInfo {
  /** Which answer could not be delivered. */
  answer: 'success' | 'failure';
  /** The last attempt's error. */
  error: Error;
}

export interface PollErrorEvent {
  error: Error;
  /** Failed polls in a row of this poller (1 for the first). */
  attempt: number;
  /** How long the poller now waits before polling again, in milliseconds. */
  delayMs: number;
}

export interface HeartbeatErrorEvent extends TaskInfo {
  error: Error;
}

/** Each event's listener. */
export interface ActivityWorkerEvents<Output = unknown> {
  /** A task was received; the handler is called next. */
  taskStarted: (event: TaskInfo) => void;
  /** SendTaskSuccess was accepted. */
  taskSucceeded: (event: TaskSucceededEvent<Output>) => void;
  /** SendTaskFailure was accepted (the handler threw, the input or output was not JSON, or the worker stopped). */
  taskFailed: (event: TaskFailedEvent) => void;
  /** The service no longer had the task when the worker sent a heartbeat or an answer. */
  taskTimedOut: (event: TaskTimedOutEvent) => void;
  /** An answer could not be delivered after its retries; the service will time the task out. */
  answerError: (event: AnswerErrorEvent) => void;
  /** A GetActivityTask call failed; its poller backs off. */
  pollError: (event: PollErrorEvent) => void;
  /** A SendTaskHeartbeat call failed. */
  heartbeatError: (event: HeartbeatErrorEvent) => void;
  /** stop() finished: no polls open, every task answered. */
  stopped: () => void;
}

export type ActivityWorkerEventName = keyof ActivityWorkerEvents;

/** Listeners given at construction. */
export type ActivityWorkerHooks<Output> = { [E in ActivityWorkerEventName]?: ActivityWorkerEvents<Output>[E] };
