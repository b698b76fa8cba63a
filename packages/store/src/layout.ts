import { Queue } from 'bullmq';
import { keys, shardOf } from './keys.js';
import type { Logger } from './log.js';
import { StepQueue, type StepJob } from './queue.js';
import { isCluster, scanKeys, type RedisHandle } from './redis.js';

/** The key layout this version writes: 2 = sharded (executions under their shard's tag). */
const LAYOUT = '2';
/** Before: every key of an execution under its own tag `{<machine>:<name>}`, one queue under `{rsq}`. */
const OLD_QUEUE_PREFIX = '{rsq}';
const OLD_KINDS = ['x', 'm', 'c', 'h', 'mr', 'mrl'] as const;
const MIGRATION_LEASE_MS = 120_000;

const newKey: Record<(typeof OLD_KINDS)[number], (id: string) => string> = {
  x: keys.execution,
  m: keys.executionMeta,
  c: keys.cursor,
  h: keys.history,
  mr: keys.mapRuns,
  mrl: keys.mapRunLimits,
};

/**
 * Moves the data of an earlier RedStep (one hash tag per execution, one step queue) to the
 * sharded layout, once per Redis, before a process of this version serves anything: every
 * execution's keys are renamed under its shard's tag, running executions are noted for the
 * reconciler, and queued jobs move to their shard's queue with the time they had left. One
 * process migrates (a lease); the others wait for the layout mark. Killed part-way, the next
 * process carries on (a key already moved is skipped). Processes of the earlier version must be
 * stopped first: they would not find the moved keys.
 */
export async function migrateLayout(h: RedisHandle, log?: Logger, firstLookMs = 60_000): Promise<void> {
  const { redis } = h;
  if ((await redis.get(keys.layout())) === LAYOUT) return;
  // A cluster never held the earlier layout (it could not run it).
  if (isCluster(redis) || !(await holdsOldData(h))) {
    await redis.set(keys.layout(), LAYOUT);
    return;
  }
  for (;;) {
    if ((await redis.set(keys.layoutLease(), String(process.pid), 'PX', MIGRATION_LEASE_MS, 'NX')) !== null) break;
    if ((await redis.get(keys.layout())) === LAYOUT) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  log?.warn({}, 'moving data of an earlier RedStep to the sharded key layout');
  let executions = 0;
  for await (const batch of scanKeys(redis, `rs:x:{*:*}`)) {
    for (const key of batch) {
      const id = key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'));
      await moveExecution(h, id, firstLookMs);
      executions++;
    }
  }
  const jobs = await moveJobs(h);
  await redis.set(keys.layout(), LAYOUT);
  await redis.del(keys.layoutLease());
  log?.warn({ executions, jobs }, 'data of an earlier RedStep moved to the sharded key layout');
}

async function holdsOldData(h: RedisHandle): Promise<boolean> {
  for await (const batch of scanKeys(h.redis, 'rs:x:{*:*}')) if (batch.length > 0) return true;
  for await (const batch of scanKeys(h.redis, `${OLD_QUEUE_PREFIX}:*`)) if (batch.length > 0) return true;
  return false;
}

async function moveExecution(h: RedisHandle, id: string, firstLookMs: number): Promise<void> {
  const { redis } = h;
  for (const kind of OLD_KINDS) {
    const old = `rs:${kind}:{${id}}`;
    if (await redis.exists(old)) await redis.rename(old, newKey[kind](id));
  }
  // The earlier layout kept no running index: running executions are noted for the reconciler.
  if ((await redis.hget(keys.execution(id), 'status')) === 'RUNNING') {
    await redis.zadd(keys.runningIndex(shardOf(id)), 'NX', Date.now() + firstLookMs, id);
  }
}

/** Jobs of the single earlier queue go to their shard's queue, due when they were due. */
async function moveJobs(h: RedisHandle): Promise<number> {
  const old = new Queue<StepJob>('steps', { connection: h.redis, prefix: OLD_QUEUE_PREFIX });
  const queue = new StepQueue(h.redis);
  try {
    const jobs = await old.getJobs(['wait', 'delayed', 'prioritized', 'active']);
    const now = Date.now();
    for (const job of jobs) {
      if (!job) continue;
      await queue.add(job.data, Math.max(0, job.timestamp + (job.opts.delay ?? 0) - now));
    }
    await old.obliterate({ force: true });
    return jobs.length;
  } finally {
    await old.close();
    await queue.close();
  }
}
