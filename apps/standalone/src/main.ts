import { startApi } from '@redstep/api';
import { connectRedis, loadConfig } from '@redstep/store';
import { startWorker } from '@redstep/worker';
import { startRedisServer, type LocalRedis } from './redis-server.js';

/**
 * One-process mode: api and worker together. Without REDIS_URL it runs a private
 * redis-server (AOF on) with its data under REDSTEP_DATA_DIR.
 */
const config = loadConfig();
let local: LocalRedis | undefined;
if (!config.redisUrl) {
  local = await startRedisServer({ dir: config.dataDir, bin: config.redisServerBin });
  config.redisUrl = local.url;
}
const handle = connectRedis(config.redisUrl);
const worker = startWorker(handle, { concurrency: config.workerConcurrency });
const api = await startApi(config, handle);
console.log(
  JSON.stringify({ level: 'info', msg: 'RedStep ready', endpoint: `http://localhost:${api.port}`, redis: local ? `private (${config.dataDir})` : 'REDIS_URL' }),
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await api.close();
  await worker.close();
  handle.redis.disconnect();
  await local?.stop();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
