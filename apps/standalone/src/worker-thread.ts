import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { connectTo, createLogger, loadConfig, metricsJson, prepareRedis } from '@redstep/store';
import { startWorker } from '@redstep/worker';

/**
 * The worker of one-process mode, on a thread of its own: interpreting states and committing
 * them does not hold up the API's event loop, and the second core does that work.
 */
/** Nice value of the worker thread: 5 gives it about a third of the API thread's share when both want a core. */
const WORKER_NICE = 5;

const { redisUrl, concurrency, logLevel } = workerData as { redisUrl: string; concurrency: number; logLevel: string };
// API calls first: under a full CPU the worker yields to requests (a caller waits on those),
// and still gets every idle cycle, so throughput holds. On Linux this sets this thread only.
try {
  setPriority(0, WORKER_NICE);
} catch {
  // Not permitted here (some sandboxes): run at the same priority.
}
const config = loadConfig();
const handle = connectTo({ ...config, redisUrl });
const log = createLogger('worker', logLevel);
await prepareRedis(handle, config, log);
const worker = startWorker(handle, { concurrency, log });

parentPort!.on('message', (message: { kind: 'metrics'; id: number } | { kind: 'close' }) => {
  handleMessage(message).catch((err: unknown) => log.error({ err: String((err as Error)?.stack ?? err) }, 'worker thread message failed'));
});

async function handleMessage(message: { kind: 'metrics'; id: number } | { kind: 'close' }): Promise<void> {
  if (message.kind === 'metrics') {
    parentPort!.postMessage({ kind: 'metrics', id: message.id, metrics: await metricsJson() });
    return;
  }
  try {
    await worker.close();
    handle.redis.disconnect();
  } finally {
    // Answered even when closing failed (logged by the caller): the process must still exit.
    parentPort!.postMessage({ kind: 'closed' });
  }
}
parentPort!.postMessage({ kind: 'ready' });
