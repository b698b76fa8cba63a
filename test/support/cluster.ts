import { afterAll, beforeAll } from 'vitest';
import { startApiProcess, startWorkerProcess, type AppProcess } from './processes.js';

type WorkerProcess = AppProcess & { metricsUrl: string };
import { startTestRedis, type TestRedis } from './redis.js';
import { client } from './sfn.js';

/** A real Redis, one api process and one worker process, and an SDK client pointed at them. */
export async function startCluster() {
  const redis: TestRedis = await startTestRedis();
  const api = await startApiProcess(redis.url, redis.env);
  const workers: WorkerProcess[] = [await startWorkerProcess(redis.url, redis.env)];
  const sfn = client(api.endpoint);
  return {
    redis,
    api,
    workers,
    sfn,
    async addWorker() {
      const w = await startWorkerProcess(redis.url, redis.env);
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

/**
 * One cluster for a test file: started before its tests, stopped after them. The returned
 * object reads through to the running cluster, so tests write `cluster.sfn` as usual.
 */
export function clusterFixture(): Cluster {
  let current: Cluster | undefined;
  beforeAll(async () => {
    current = await startCluster();
  });
  afterAll(async () => {
    await current?.stop();
  });
  const get = (): Cluster => {
    if (!current) throw new Error('the cluster starts in beforeAll');
    return current;
  };
  return {
    get redis() {
      return get().redis;
    },
    get api() {
      return get().api;
    },
    get workers() {
      return get().workers;
    },
    get sfn() {
      return get().sfn;
    },
    addWorker: () => get().addWorker(),
    stop: () => get().stop(),
  };
}
