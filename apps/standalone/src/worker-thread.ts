import { parentPort, workerData } from 'node:worker_threads';
import { connectRedis, createLogger, metricsJson } from '@redstep/store';
import { startWorker } from '@redstep/worker';

/**
 * The worker of one-process mode, on a thread of its own: interpreting states and committing
 * them does not hold up the API's event loop, and the second core does that work.
 */
const { redisUrl, concurrency, logLevel } = workerData as { redisUrl: string; concurrency: number; logLevel: string };
const handle = connectRedis(redisUrl);
const worker = startWorker(handle, { concurrency, log: createLogger('worker', logLevel) });

parentPort!.on('message', async (message: { kind: 'metrics'; id: number } | { kind: 'close' }) => {
  if (message.kind === 'metrics') {
    parentPort!.postMessage({ kind: 'metrics', id: message.id, metrics: await metricsJson() });
    return;
  }
  await worker.close();
  handle.redis.disconnect();
  parentPort!.postMessage({ kind: 'closed' });
});
parentPort!.postMessage({ kind: 'ready' });
