import { GetActivityTaskCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { backoffDelay } from './backoff.js';
import type { ActivityWorkerEventName, ActivityWorkerEvents, TaskInfo } from './events.js';
import { failureOf, INVALID_INPUT_ERROR, INVALID_OUTPUT_ERROR, isOutputRejected, isRetryable, isTaskGone, SHUTDOWN_ERROR, truncate, MAX_CAUSE_LENGTH, type TaskFailure } from './failure.js';
import { MetricsRecorder, type ActivityWorkerMetrics } from './metrics.js';
import { compileOptions, defaultClient, type ActivityWorkerOptions, type CompiledOptions, type TaskContext } from './options.js';
import { Slots } from './slots.js';

/** Where a worker is in its life: made, polling, draining, done. */
export type ActivityWorkerState = 'new' | 'running' | 'stopping' | 'stopped';

/** How a task ends, as far as the worker decides it. */
type Outcome<Output> = { kind: 'success'; output: Output; text: string } | ({ kind: 'failure' } & TaskFailure) | { kind: 'gone'; error: Error };

/** A task the worker holds: received, not yet answered. */
class HeldTask {
  readonly controller = new AbortController();
  readonly started = performance.now();
  readonly info: TaskInfo;
  /** An outcome was chosen; the first one stands. */
  closing = false;
  /** Set when the service said the task is gone. */
  goneError: Error | undefined;
  heartbeating = false;
  readonly closed: Promise<void>;
  markClosed!: () => void;

  constructor(taskToken: string, input: string) {
    this.info = { taskToken, input, startedAt: new Date() };
    this.closed = new Promise<void>((resolve) => (this.markClosed = resolve));
  }

  get durationMs(): number {
    return performance.now() - this.started;
  }
}

/**
 * Polls one activity with `pollers` concurrent GetActivityTask calls and runs up to
 * `concurrency` tasks at once through `handler`, heartbeating them, answering each with
 * SendTaskSuccess or SendTaskFailure, and draining on stop() or SIGTERM.
 */
export class ActivityWorker<Input = unknown, Output = unknown> {
  readonly activityArn: string;
  readonly workerName: string;
  private readonly options: CompiledOptions<Input, Output>;
  private readonly client: SFNClient;
  private readonly ownsClient: boolean;
  private readonly emitter = new EventEmitter();
  private readonly recorder = new MetricsRecorder();
  private readonly slots: Slots;
  private readonly held = new Set<HeldTask>();
  private readonly pollAbort = new AbortController();
  private pollLoops: Promise<void>[] = [];
  private openPolls = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private current: ActivityWorkerState = 'new';
  private draining: Promise<void> | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.log(`${signal} received: draining`);
    void this.stop();
  };

  constructor(options: ActivityWorkerOptions<Input, Output>) {
    this.options = compileOptions(options);
    this.activityArn = this.options.activityArn;
    this.workerName = this.options.workerName;
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? defaultClient();
    this.slots = new Slots(this.options.concurrency);
    for (const [event, listener] of Object.entries(options.hooks ?? {})) {
      if (listener) this.emitter.on(event, listener as (...args: unknown[]) => void);
    }
  }

  get state(): ActivityWorkerState {
    return this.current;
  }

  /** Starts the pollers (and the heartbeat loop and signal handlers) and returns at once. */
  start(): this {
    if (this.current !== 'new') throw new Error(`ActivityWorker: start() on a worker that is ${this.current}`);
    this.current = 'running';
    for (const signal of this.options.shutdownSignals) process.once(signal, this.onSignal);
    const { heartbeatMs } = this.options;
    if (heartbeatMs !== undefined) this.heartbeatTimer = setInterval(() => this.heartbeatAll(), heartbeatMs);
    for (let i = 0; i < this.options.pollers; i++) this.pollLoops.push(this.pollLoop());
    return this;
  }

  /**
   * Drains: aborts the open polls and polls no more, waits for every held task to be answered,
   * and after `graceSeconds` fails the ones still running (`ActivityWorker.Shutdown`, their
   * signals aborted). Resolves when no poll is open and every task is answered; calling it
   * again returns the same promise.
   */
  stop(): Promise<void> {
    if (this.draining) return this.draining;
    if (this.current === 'new') {
      this.current = 'stopped';
      if (this.ownsClient) this.client.destroy();
      this.draining = Promise.resolve();
      return this.draining;
    }
    this.current = 'stopping';
    this.draining = this.drain();
    return this.draining;
  }

  /** Counters, gauges and a duration summary, as of now. */
  metrics(): ActivityWorkerMetrics {
    return this.recorder.snapshot({ inFlight: this.held.size, openPolls: this.openPolls });
  }

  on<E extends ActivityWorkerEventName>(event: E, listener: ActivityWorkerEvents<Output>[E]): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends ActivityWorkerEventName>(event: E, listener: ActivityWorkerEvents<Output>[E]): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends ActivityWorkerEventName>(event: E, listener: ActivityWorkerEvents<Output>[E]): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  // ---- polling --------------------------------------------------------------------------------

  private async pollLoop(): Promise<void> {
    const stopped = this.pollAbort.signal;
    let failures = 0;
    while (!stopped.aborted) {
      if (!(await this.slots.acquire(stopped))) return;
      if (stopped.aborted) {
        this.slots.release();
        return;
      }
      let task: { taskToken: string; input: string } | undefined;
      try {
        task = await this.poll(stopped);
        failures = 0;
      } catch (err) {
        this.slots.release();
        if (stopped.aborted) return;
        failures += 1;
        const delayMs = backoffDelay(failures, this.options.backoff);
        const error = asError(err);
        this.recorder.inc('pollErrors');
        this.log(`GetActivityTask failed (${error.name}: ${error.message}); polling again in ${delayMs} ms`);
        this.emit('pollError', { error, attempt: failures, delayMs });
        await sleep(delayMs, stopped);
        continue;
      }
      if (task === undefined) this.slots.release();
      else this.run(task.taskToken, task.input); // keeps the slot until the handler settles
    }
  }

  /** One long poll: a task, or undefined when the service answered empty. */
  private async poll(stopped: AbortSignal): Promise<{ taskToken: string; input: string } | undefined> {
    const { pollTimeoutMs } = this.options;
    const controller = new AbortController();
    const onStop = () => controller.abort(stopped.reason);
    stopped.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => controller.abort(named('PollTimeout', `GetActivityTask did not answer within ${pollTimeoutMs / 1000} s`)), pollTimeoutMs);
    this.openPolls += 1;
    try {
      const command = new GetActivityTaskCommand({ activityArn: this.activityArn, workerName: this.workerName });
      // requestTimeout: a client made with a shorter one must not cut the 60 s hold short.
      const out = await this.client.send(command, { abortSignal: controller.signal, requestTimeout: pollTimeoutMs + 5_000 });
      this.recorder.inc('polls');
      if (!out.taskToken) {
        this.recorder.inc('emptyPolls');
        return undefined;
      }
      return { taskToken: out.taskToken, input: out.input ?? '{}' };
    } catch (err) {
      if (controller.signal.aborted && !stopped.aborted && controller.signal.reason instanceof Error) throw controller.signal.reason;
      throw err;
    } finally {
      this.openPolls -= 1;
      clearTimeout(timer);
      stopped.removeEventListener('abort', onStop);
    }
  }

  // ---- tasks ----------------------------------------------------------------------------------

  private run(taskToken: string, input: string): void {
    const task = new HeldTask(taskToken, input);
    this.held.add(task);
    this.recorder.inc('tasksStarted');
    this.emit('taskStarted', { ...task.info });
    void this.execute(task).finally(() => this.slots.release());
  }

  /** Calls the handler and answers; never rejects. */
  private async execute(task: HeldTask): Promise<void> {
    const context: TaskContext = {
      taskToken: task.info.taskToken,
      signal: task.controller.signal,
      heartbeat: () => {
        if (task.goneError) return Promise.reject(task.goneError);
        if (task.closing) return Promise.resolve();
        return this.heartbeat(task);
      },
    };
    let outcome: Outcome<Output>;
    try {
      const output = await this.options.handler(parseInput<Input>(task.info.input), context);
      outcome = { kind: 'success', output, text: serialize(output) };
    } catch (err) {
      outcome = { kind: 'failure', ...failureOf(err) };
    }
    await this.close(task, outcome);
  }

  /** Settles a task once: the first outcome is answered, later ones are dropped. */
  private close(task: HeldTask, outcome: Outcome<Output>): Promise<void> {
    if (task.closing) return task.closed;
    task.closing = true;
    void this.answer(task, outcome)
      .catch((err: unknown) => this.log(`answering a task failed unexpectedly: ${asError(err).message}`))
      .finally(() => {
        this.held.delete(task);
        task.markClosed();
      });
    return task.closed;
  }

  private async answer(task: HeldTask, outcome: Outcome<Output>): Promise<void> {
    const { taskToken } = task.info;
    if (outcome.kind === 'gone') {
      task.goneError = outcome.error;
      task.controller.abort(outcome.error);
      this.recorder.inc('tasksTimedOut');
      this.recorder.observe(task.durationMs);
      this.emit('taskTimedOut', { ...task.info, durationMs: task.durationMs, error: outcome.error });
      return;
    }
    try {
      if (outcome.kind === 'success') {
        await this.withRetries(() => this.client.send(new SendTaskSuccessCommand({ taskToken, output: outcome.text })));
        this.recorder.inc('tasksSucceeded');
        this.recorder.observe(task.durationMs);
        this.emit('taskSucceeded', { ...task.info, durationMs: task.durationMs, output: outcome.output });
      } else {
        const { error, cause } = outcome;
        await this.withRetries(() => this.client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
        this.recorder.inc('tasksFailed');
        this.recorder.observe(task.durationMs);
        this.emit('taskFailed', { ...task.info, durationMs: task.durationMs, error, cause });
      }
    } catch (err) {
      const error = asError(err);
      if (isTaskGone(error)) return this.answer(task, { kind: 'gone', error });
      if (outcome.kind === 'success' && isOutputRejected(error)) {
        // Output the service refuses (too large, not JSON): the task fails with that reason.
        return this.answer(task, { kind: 'failure', error: error.name, cause: truncate(error.message, MAX_CAUSE_LENGTH) });
      }
      this.recorder.inc('answerErrors');
      this.log(`could not send the task's ${outcome.kind} (${error.name}: ${error.message}); the service will time it out`);
      this.emit('answerError', { ...task.info, answer: outcome.kind, error });
    }
  }

  private async withRetries(call: () => Promise<unknown>): Promise<void> {
    const backoff = { initialMs: 200, maxMs: 5_000, multiplier: 2 };
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return;
      } catch (err) {
        if (attempt >= this.options.answerAttempts || !isRetryable(err)) throw err;
        await sleep(backoffDelay(attempt, backoff));
      }
    }
  }

  // ---- heartbeats -----------------------------------------------------------------------------

  /** One loop for every held task: a heartbeat each, unless one is still on its way. */
  private heartbeatAll(): void {
    for (const task of this.held) {
      if (task.closing || task.heartbeating) continue;
      this.heartbeat(task).catch(() => {}); // reported by heartbeat()
    }
  }

  private async heartbeat(task: HeldTask): Promise<void> {
    task.heartbeating = true;
    try {
      await this.client.send(new SendTaskHeartbeatCommand({ taskToken: task.info.taskToken }));
      this.recorder.inc('heartbeatsSent');
    } catch (err) {
      const error = asError(err);
      this.recorder.inc('heartbeatErrors');
      this.emit('heartbeatError', { ...task.info, error });
      if (isTaskGone(error)) await this.close(task, { kind: 'gone', error });
      else this.log(`SendTaskHeartbeat failed (${error.name}: ${error.message})`);
      throw error;
    } finally {
      task.heartbeating = false;
    }
  }

  // ---- stopping -------------------------------------------------------------------------------

  private async drain(): Promise<void> {
    for (const signal of this.options.shutdownSignals) process.off(signal, this.onSignal);
    const graceUp = sleep(this.options.graceMs, undefined, true);
    this.pollAbort.abort(named('AbortError', 'the worker is stopping'));
    await Promise.all(this.pollLoops);
    // Every task handed out is held now; none comes after.
    const allClosed = Promise.all([...this.held].map((t) => t.closed)).then(() => true);
    if (!(await Promise.race([allClosed, graceUp.promise.then(() => false)]))) {
      const cause = `The worker stopped and the task did not finish within its ${this.options.graceMs / 1000} s grace time`;
      const shutdown: Outcome<Output> = { kind: 'failure', error: SHUTDOWN_ERROR, cause };
      await Promise.all(
        [...this.held].map((task) => {
          if (!task.closing) task.controller.abort(named(SHUTDOWN_ERROR, cause));
          return this.close(task, shutdown);
        }),
      );
    }
    graceUp.cancel();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.ownsClient) this.client.destroy();
    this.current = 'stopped';
    this.emit('stopped');
  }

  // ---- reporting ------------------------------------------------------------------------------

  private emit<E extends ActivityWorkerEventName>(event: E, ...args: Parameters<ActivityWorkerEvents<Output>[E]>): void {
    // rawListeners: a once() listener comes wrapped, and calling the wrapper removes it.
    for (const listener of this.emitter.rawListeners(event)) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (err) {
        this.log(`a '${event}' listener threw: ${asError(err).message}`);
      }
    }
  }

  private log(message: string): void {
    this.options.logger?.warn(`activity-worker ${this.activityArn}: ${message}`);
  }
}

function parseInput<Input>(text: string): Input {
  try {
    return JSON.parse(text) as Input;
  } catch (err) {
    throw named(INVALID_INPUT_ERROR, `The task's input is not JSON: ${asError(err).message}`);
  }
}

function serialize(output: unknown): string {
  try {
    return JSON.stringify(output) ?? 'null';
  } catch (err) {
    throw named(INVALID_OUTPUT_ERROR, `The handler's output cannot be written as JSON: ${asError(err).message}`);
  }
}

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Waits `ms`, ending early (without error) when `signal` aborts; with `cancellable`, returns a
 * handle whose cancel() clears the timer, so a pending wait does not hold the process open.
 */
function sleep(ms: number, signal?: AbortSignal): Promise<void>;
function sleep(ms: number, signal: AbortSignal | undefined, cancellable: true): { promise: Promise<void>; cancel(): void };
function sleep(ms: number, signal?: AbortSignal, cancellable?: true): Promise<void> | { promise: Promise<void>; cancel(): void } {
  let cancel = () => {};
  const promise = new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    cancel = done;
  });
  return cancellable ? { promise, cancel } : promise;
}
