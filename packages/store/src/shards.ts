import { ConfigError, DEFAULT_SHARDS } from './config.js';
import { configureShards, keys } from './keys.js';
import type { RedisHandle } from './redis.js';
import { errorsEvery, type Logger } from './log.js';
import { migrateLayout } from './layout.js';

/**
 * Fixes the shard count for this process from what the data was created with: the first process
 * on an empty Redis records REDSTEP_SHARDS (or the default); later ones adopt the recorded count,
 * and one configured with another count is refused, since it would look for every execution
 * on the wrong shard. Call before creating stores or queues.
 */
export async function ensureShards(h: RedisHandle, configured: number | undefined): Promise<number> {
  await h.redis.set(keys.shardCount(), String(configured ?? DEFAULT_SHARDS), 'NX');
  const recorded = Number(await h.redis.get(keys.shardCount()));
  if (configured !== undefined && recorded !== configured) {
    throw new ConfigError(
      `REDSTEP_SHARDS is ${configured}, but the data in this Redis is spread over ${recorded} shards: the shard count is fixed when the data is first created, so set REDSTEP_SHARDS=${recorded} or leave it unset`,
    );
  }
  configureShards(recorded);
  return recorded;
}

/**
 * Readies a Redis for this version before a process serves anything: the shard count fixed, and
 * data of an earlier RedStep moved to the current key layout. With a logger, the connection's
 * errors (Redis unreachable, a failover) are logged rather than reported as unhandled.
 */
export async function prepareRedis(h: RedisHandle, config: { shards?: number; reconcileIdleMs: number }, log?: Logger): Promise<number> {
  if (log) h.redis.on('error', errorsEvery(log, 'redis connection error', { connection: 'main' }));
  const shards = await ensureShards(h, config.shards);
  await migrateLayout(h, log, config.reconcileIdleMs);
  return shards;
}
