import { connectRedis, loadConfig } from '@redstep/store';
import { startWorker } from './worker.js';

const config = loadConfig();
if (!config.redisUrl) {
  console.error('REDIS_URL is required for the worker alone; `npm start` runs the one-process mode.');
  process.exit(2);
}
const handle = connectRedis(config.redisUrl);
const worker = startWorker(handle, { concurrency: config.workerConcurrency });
console.log(JSON.stringify({ level: 'info', msg: 'worker started', concurrency: config.workerConcurrency }));

const shutdown = async () => {
  await worker.close();
  handle.redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
