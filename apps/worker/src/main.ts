import { connectTo, prepareRedis, createLogger, loadConfig, metrics, sampleQueue, StepQueue } from '@redstep/store';
import { startHealthServer } from './health-server.js';
import { startWorker } from './worker.js';

const config = loadConfig();
if (!config.redisUrl) {
  console.error('REDIS_URL is required for the worker alone; `npm start` runs the one-process mode.');
  process.exit(2);
}
const log = createLogger('worker', config.logLevel);
const handle = connectTo({ ...config, redisUrl: config.redisUrl });
const shards = await prepareRedis(handle, config, log);
const worker = startWorker(handle, { concurrency: config.workerConcurrency, log, config });
const stopSampling = sampleQueue(new StepQueue(handle.redis), metrics());
const health = config.metricsPort ? await startHealthServer(config.metricsPort, handle, worker) : undefined;
log.info({ concurrency: config.workerConcurrency, metricsPort: config.metricsPort, redisMode: config.redisMode, shards }, 'worker started');

// SIGTERM: take no new jobs, finish those in flight (BullMQ waits for them), then exit.
const close = async () => {
  stopSampling();
  await worker.close();
  health?.close();
  handle.redis.disconnect();
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
