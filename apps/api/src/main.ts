import { connectTo, prepareRedis, createLogger, loadConfig } from '@redstep/store';
import { startApi } from './server.js';

const config = loadConfig();
if (!config.redisUrl) {
  console.error('REDIS_URL is required for the api alone; `npm start` runs the one-process mode.');
  process.exit(2);
}
const log = createLogger('api', config.logLevel);
const handle = connectTo({ ...config, redisUrl: config.redisUrl });
const shards = await prepareRedis(handle, config, log);
const api = await startApi(config, handle, log);
log.info({ endpoint: `http://localhost:${api.port}`, redisMode: config.redisMode, shards }, 'api listening');

const close = async () => {
  await api.close();
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
