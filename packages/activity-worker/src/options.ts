import { SFNClient } from '@aws-sdk/client-sfn';
import { hostname } from 'node:os';
import { DEFAULT_BACKOFF, type Backoff, type BackoffOptions } from './backoff.js';
import type { ActivityWorkerHooks } from './events.js';

/** What a handler gets besides its input. */
export interface TaskContext {
  /** The task's token (GetActivityTask's answer). */
  taskToken: string;
  /**
   * Aborts when the worker gives the task up: a heartbeat found it gone (TaskTimedOut,
   * TaskDoesNotExist) — its `reason` is that error — or the worker stopped and the grace time
   * ran out. The task has then been answered for the handler; whatever it returns is dropped.
   */
  signal: AbortSignal;
  /**
   * Sends a heartbeat now (besides the automatic ones). Rejects with the service's error;
   * TaskTimedOut or TaskDoesNotExist also abort `signal`.
   */
  heartbeat(): Promise<void>;
}

/** Does one task: resolves with its output (sent as JSON) or throws its failure. */
export type ActivityHandler<Input, Output> = (input: Input, context: TaskContext) => Promise<Output> | Output;

/** A logger the worker reports trouble to (console and pino both fit). */
export interface ActivityWorkerLogger {
  warn(message: string): void;
}

export interface ActivityWorkerOptions<Input = unknown, Output = unknown> {
  /** The activity to poll (`arn:aws:states:<region>:<account>:activity:<name>`). */
  activityArn: string;
  /** Called once per task with its parsed JSON input. */
  handler: ActivityHandler<Input, Output>;
  /**
   * How many tasks the worker holds at once; an open poll takes a place too, so a poller does
   * not poll while every place is busy. Default 1.
   */
  concurrency?: number;
  /** How many GetActivityTask long polls run at once (at most `concurrency` are open). Default min(concurrency, 4). */
  pollers?: number;
  /**
   * Sends SendTaskHeartbeat for every held task this often, in seconds (fractions allowed).
   * Unset: no automatic heartbeats. Set it well below the Task state's HeartbeatSeconds.
   */
  heartbeatSeconds?: number;
  /**
   * The Step Functions client. Default: an SFNClient configured from the environment
   * (AWS_REGION, AWS_ENDPOINT_URL_SFN or AWS_ENDPOINT_URL, the default credential chain) with
   * a 70 s request time-out; the worker destroys it when stopped. A client passed in is left
   * open.
   */
  client?: SFNClient;
  /** Recorded in ActivityStarted events. Default `<hostname>-<pid>` (at most 80 characters). */
  workerName?: string;
  /**
   * On stop, how long held tasks may run before they are failed with
   * `ActivityWorker.Shutdown` and their signals aborted, in seconds. Default 25.
   */
  graceSeconds?: number;
  /** Signals that make the worker drain (stop()); `false` or `[]` installs none. Default `['SIGTERM']`. */
  shutdownSignals?: readonly NodeJS.Signals[] | false;
  /** The wait after failed polls (exponential with jitter, capped). */
  backoff?: BackoffOptions;
  /** A poll that has not answered after this many seconds is abandoned as failed (AWS holds it 60 s). Default 70. */
  pollTimeoutSeconds?: number;
  /** Tries of one SendTaskSuccess/SendTaskFailure on errors worth retrying. Default 5. */
  answerAttempts?: number;
  /** Where poll, heartbeat and answer errors are reported besides the events. Default console; `false` for none. */
  logger?: ActivityWorkerLogger | false;
  /** Listeners to register at once, as with `on()`. */
  hooks?: ActivityWorkerHooks<Output>;
}

/** The options with their defaults applied and checked. */
export interface CompiledOptions<Input, Output> {
  activityArn: string;
  handler: ActivityHandler<Input, Output>;
  concurrency: number;
  pollers: number;
  heartbeatMs: number | undefined;
  workerName: string;
  graceMs: number;
  shutdownSignals: readonly NodeJS.Signals[];
  backoff: Backoff;
  pollTimeoutMs: number;
  answerAttempts: number;
  logger: ActivityWorkerLogger | undefined;
}

/** The longest worker name GetActivityTask takes (`Name` in the service model). */
const MAX_WORKER_NAME = 80;

export function compileOptions<Input, Output>(o: ActivityWorkerOptions<Input, Output>): CompiledOptions<Input, Output> {
  if (typeof o.activityArn !== 'string' || o.activityArn === '') throw new TypeError('ActivityWorker: activityArn is required');
  if (typeof o.handler !== 'function') throw new TypeError('ActivityWorker: handler must be a function');
  const concurrency = o.concurrency ?? 1;
  positiveInteger('concurrency', concurrency);
  const pollers = o.pollers ?? Math.min(concurrency, 4);
  positiveInteger('pollers', pollers);
  if (o.heartbeatSeconds !== undefined) positive('heartbeatSeconds', o.heartbeatSeconds);
  const graceSeconds = o.graceSeconds ?? 25;
  if (!(graceSeconds >= 0) || !Number.isFinite(graceSeconds)) throw new RangeError(`ActivityWorker: graceSeconds must be 0 or more, not ${graceSeconds}`);
  const pollTimeoutSeconds = o.pollTimeoutSeconds ?? 70;
  positive('pollTimeoutSeconds', pollTimeoutSeconds);
  const answerAttempts = o.answerAttempts ?? 5;
  positiveInteger('answerAttempts', answerAttempts);
  const backoff: Backoff = { ...DEFAULT_BACKOFF, ...definedOnly(o.backoff ?? {}) };
  positive('backoff.initialMs', backoff.initialMs);
  positive('backoff.maxMs', backoff.maxMs);
  if (!(backoff.multiplier >= 1)) throw new RangeError(`ActivityWorker: backoff.multiplier must be 1 or more, not ${backoff.multiplier}`);
  const workerName = o.workerName ?? `${hostname()}-${process.pid}`.slice(0, MAX_WORKER_NAME);
  if (workerName.length < 1 || workerName.length > MAX_WORKER_NAME) throw new RangeError(`ActivityWorker: workerName must have 1 to ${MAX_WORKER_NAME} characters`);
  return {
    activityArn: o.activityArn,
    handler: o.handler,
    concurrency,
    pollers,
    heartbeatMs: o.heartbeatSeconds === undefined ? undefined : o.heartbeatSeconds * 1000,
    workerName,
    graceMs: graceSeconds * 1000,
    shutdownSignals: o.shutdownSignals === false ? [] : (o.shutdownSignals ?? ['SIGTERM']),
    backoff,
    pollTimeoutMs: pollTimeoutSeconds * 1000,
    answerAttempts,
    logger: o.logger === false ? undefined : (o.logger ?? console),
  };
}

/**
 * The client a worker makes when given none: region, endpoint and credentials from the
 * environment, and a read time-out longer than the 60 s a GetActivityTask is held open.
 */
export function defaultClient(): SFNClient {
  return new SFNClient({ requestHandler: { requestTimeout: 70_000, throwOnRequestTimeout: true } });
}

function positive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`ActivityWorker: ${name} must be a positive number, not ${value}`);
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`ActivityWorker: ${name} must be a positive integer, not ${value}`);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
