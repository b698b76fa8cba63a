import { Worker } from 'bullmq';
import { errorsEvery, executionStores, metrics, queuePrefix, STEP_QUEUE, VersionStore, createLogger, loadConfig, type Config, type Logger, type RedisHandle, type StepJob } from '@redstep/store';
import { DefinitionCache, MapRunStore, RetentionSweeper, sweepIntervalMs } from '@redstep/store';
import { s3ObjectStore } from './integrations/s3.js';
import { integrationsFrom } from './integrations/setup.js';
import { Invoker } from './invoker.js';
import { Reconciler } from './reconciler.js';
import { StepProcessor } from './step-processor.js';
import { stepJobHandler } from './job-handler.js';

export interface WorkerOptions {
  concurrency: number;
  log?: Logger;
  /** Integration settings (mocks, HTTP, Lambda); read from the environment when absent. */
  config?: Config;
}

export interface RunningWorker {
  /** False once closing began: readiness turns off so no new work is routed here. */
  running(): boolean;
  close(): Promise<void>;
}

/**
 * Starts a BullMQ worker on the step queue. Locks are short so a killed worker's jobs go back
 * to the queue within seconds; steps are idempotent, so a stalled job may run again any number
 * of times. close() lets jobs in flight finish (BullMQ waits for them) and takes no new ones.
 */
export function startWorker(handle: RedisHandle, options: WorkerOptions): RunningWorker {
  const m = metrics();
  const log = options.log ?? createLogger('worker', 'info');
  const config = options.config ?? loadConfig();
  const stores = executionStores(handle, { reconcileAfterMs: config.reconcileIdleMs, metrics: m, onRedisError: errorsEvery(log, 'redis connection error', { connection: 'step queue' }) });
  const { queue, stateMachines, executions, activities, running, outbox } = stores;
  const { registry, guard, mocks } = integrationsFrom(config, { executions, stateMachines, queue, running, outbox, versions: new VersionStore(handle) });
  const objectStore = s3ObjectStore(config.aws, config.httpTimeoutMs, guard);
  const invoker = new Invoker({ executions, queue, registry, ...(mocks ? { mocks } : {}) });
  const definitions = new DefinitionCache(stateMachines);
  const processor = new StepProcessor({
    invoker,
    executions,
    activities,
    stateMachines,
    definitions,
    queue,
    outbox,
    running,
    metrics: m,
    log,
    mapRuns: new MapRunStore(handle),
    ...(objectStore && { objectStore }),
  });
  const labels = { queue: STEP_QUEUE };
  m.workerConcurrency.set(labels, options.concurrency);
  // One BullMQ worker per shard queue, sharing one connection for their commands (each takes its
  // own for blocking reads); the process's concurrency is split between them.
  const connection = handle.redis.duplicate();
  const handler = stepJobHandler(processor, m, log);
  const perShard = Math.max(1, Math.ceil(options.concurrency / queue.queues.length));
  const workers = queue.queues.map((_, shard) => {
    const worker = new Worker<StepJob>(STEP_QUEUE, handler, {
      connection,
      prefix: queuePrefix(shard),
      concurrency: perShard,
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 1_000,
    });
    worker.on('error', (err) => log.error({ err: String(err), shard }, 'worker error'));
    return worker;
  });
  // Upkeep every worker does; each is idempotent, so overlapping runs on several workers only
  // repeat work, and a missed round is made up by the next.
  const sweeper = new RetentionSweeper(handle, config.retentionMs, m);
  const reconciler = new Reconciler({
    stores,
    definitions,
    idleMs: config.reconcileIdleMs,
    onRederived: (rec) => {
      m.executionsReconciled.inc({ state_machine: rec.stateMachineName });
      log.debug({ executionArn: rec.arn }, 'reconciler re-derived what an idle execution waits for');
    },
  });
  const reconcileEveryMs = Math.min(RECONCILE_INTERVAL_MS, config.reconcileIdleMs);
  const handouts = new Map<string, Set<string>>();
  const upkeep = [
    config.retentionMs > 0 && every(sweepIntervalMs(config.retentionMs), () => sweeper.sweep(), (removed) => removed > 0 && log.info({ removed }, 'closed executions past retention removed'), log),
    every(reconcileEveryMs, () => reconciler.pass(reconcileEveryMs), () => undefined, log),
    every(HANDOUT_RECOVERY_MS, () => activities.requeueStuck(handouts), (requeued) => {
      for (const [activity, n] of Object.entries(requeued)) {
        m.activityTasksRequeued.inc({ activity }, n);
        log.warn({ activity, requeued: n }, 'activity tasks taken for a poller by an api that died put back');
      }
    }, log),
  ];
  let open = true;
  return {
    running: () => open && workers.every((w) => w.isRunning()),
    async close() {
      open = false;
      for (const stop of upkeep) if (stop) stop();
      // BullMQ's close stops taking jobs, then waits for those in flight; after a Redis restart
      // it can wait for its blocking reads for ever. The jobs in flight are what matter: once
      // they are done (or the grace is over: any job left is retried elsewhere, as after a
      // crash), the process goes on closing.
      const closing = Promise.all(workers.map((w) => w.close()));
      closing.catch((err: unknown) => log.warn({ err: String(err) }, 'closing the step workers failed'));
      await new Promise((r) => setImmediate(r));
      const settled = handler.drained(CLOSE_GRACE_MS).then(() => new Promise((r) => setTimeout(r, 2_000).unref()));
      await Promise.race([closing, settled]);
      await queue.close();
      connection.disconnect();
    },
  };
}

/** How long a closing worker waits for the jobs it is processing. */
const CLOSE_GRACE_MS = 25_000;

/** How often the reconciler walks the running index (at most: a short idle bound walks more often). */
const RECONCILE_INTERVAL_MS = 5_000;

/** How often hand-out lists are checked for tasks a dead api took (a task waits two rounds at most). */
const HANDOUT_RECOVERY_MS = 5_000;

/** Runs `task` every `ms` (never two at once), reporting results and failures to the log. */
function every<T>(ms: number, task: () => Promise<T>, report: (result: T) => unknown, log: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .then(report)
      .catch((err: unknown) => log.warn({ err: String(err) }, 'worker upkeep failed'))
      .finally(() => (running = false));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
