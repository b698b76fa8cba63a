import { startApiProcess, startWorkerProcess, type AppProcess } from './processes.js';

type WorkerProcess = AppProcess & { metricsUrl: string };
import { startTestRedis, type TestRedis } from './redis.js';
import { client } from './sfn.js';

/** A real Redis, one api process and one worker process, and an SDK client pointed at them. */
export async function startCluster() {
  const redis: TestRedis = await startTestRedis();
  const api = await startApiProcess(redis.url);
  const workers: WorkerProcess[] = [await startWorkerProcess(redis.url)];
  const sfn = client(api.endpoint);
  return {
    redis,
    api,
    workers,
    sfn,
    async addWorker() {
      const w = await startWorkerProcess(redis.url);
      workers.push(w);
      return w;
    },
    async stop() {
      sfn.destroy();
      await Promise.all([api.kill(), ...workers.map((w) => w.kill())]);
      await redis.stop();
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;
