import { Worker } from 'node:worker_threads';
import { startApi } from '@redstep/api';
import { addThreadMetrics, connectTo, createLogger, loadConfig, prepareRedis } from '@redstep/store';
import { startRedisServer, type LocalRedis } from './redis-server.js';

/**
 * One-process mode: the api on the main thread and the worker on a second thread of the same
 * process. Without REDIS_URL it runs a private redis-server (AOF on) with its data under
 * REDSTEP_DATA_DIR.
 */
const config = loadConfig();
const log = createLogger('redstep', config.logLevel);
let local: LocalRedis | undefined;
if (!config.redisUrl) {
  local = await startRedisServer({ dir: config.dataDir, bin: config.redisServerBin, appendfsync: config.durability === 'strict' ? 'always' : 'everysec' });
  config.redisUrl = local.url;
}

const thread = new Worker(new URL('./worker-thread.js', import.meta.url), {
  workerData: { redisUrl: config.redisUrl, concurrency: config.workerConcurrency, logLevel: config.logLevel },
});
// A worker thread that dies takes the process with it: a supervisor restarts the whole thing.
thread.once('error', (err) => {
  log.fatal({ err: String(err?.stack ?? err) }, 'worker thread failed');
  process.exit(1);
});
await new Promise<void>((resolve) => thread.once('message', () => resolve()));

let asked = 0;
addThreadMetrics(
  () =>
    new Promise((resolve) => {
      const id = ++asked;
      const onMessage = (m: { kind: string; id?: number; metrics?: unknown }) => {
        if (m.kind !== 'metrics' || m.id !== id) return;
        thread.off('message', onMessage);
        resolve(m.metrics as never);
      };
      thread.on('message', onMessage);
      thread.postMessage({ kind: 'metrics', id });
    }),
);

const handle = connectTo({ ...config, redisUrl: config.redisUrl });
await prepareRedis(handle, config, log);
const api = await startApi(config, handle, createLogger('api', config.logLevel));
log.info({ endpoint: `http://localhost:${api.port}`, redis: local ? `private (${config.dataDir})` : 'REDIS_URL' }, 'RedStep ready');

let stopping = false;
const close = async () => {
  if (stopping) return;
  stopping = true;
  await api.close();
  // The worker finishes the jobs in flight and takes no new ones.
  await new Promise<void>((resolve) => {
    thread.on('message', (m: { kind: string }) => m.kind === 'closed' && resolve());
    thread.postMessage({ kind: 'close' });
  });
  await thread.terminate();
  handle.redis.disconnect();
  await local?.stop();
  process.exit(0);
};
// A failed close still ends the process, with the reason logged (never an unhandled rejection).
const shutdown = () => {
  close().catch((err: unknown) => {
    log.error({ err: String((err as Error)?.stack ?? err) }, 'shutdown failed');
    process.exit(1);
  });
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
