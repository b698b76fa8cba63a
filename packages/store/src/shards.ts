import { ConfigError, DEFAULT_SHARDS } from './config.js';
import { configureScope, configureShards, keys, type Scope } from './keys.js';
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
 * Fixes the home scope, whose resources keep bare names in keys (see `scopedName`), from what the
 * data was created with: the first process on a Redis records its SFN_ACCOUNT_ID and SFN_REGION
 * (data of an earlier version was written under bare names by processes configured alike); later
 * ones adopt the record whatever they are configured with, so every process finds every key. A
 * process configured with another pair still serves it (unauthenticated callers act in it): its
 * resources are simply stored with a scope prefix.
 */
export async function ensureHomeScope(h: RedisHandle, configured: Scope): Promise<Scope> {
  await h.redis.set(keys.homeScope(), `${configured.account}.${configured.region}`, 'NX');
  const recorded = (await h.redis.get(keys.homeScope())) ?? '';
  const at = recorded.indexOf('.');
  const home = at > 0 ? { account: recorded.slice(0, at), region: recorded.slice(at + 1) } : configured;
  configureScope(home);
  return home;
}

/**
 * Readies a Redis for this version before a process serves anything: the shard count fixed, the
 * home scope set (SFN_ACCOUNT_ID, SFN_REGION), and data of an earlier RedStep moved to the current
 * key layout. With a logger, the connection's errors (Redis unreachable, a failover) are logged
 * rather than reported as unhandled.
 */
export async function prepareRedis(h: RedisHandle, config: { shards?: number; reconcileIdleMs: number; accountId?: string; region?: string }, log?: Logger): Promise<number> {
  if (config.accountId !== undefined && config.region !== undefined) await ensureHomeScope(h, { account: config.accountId, region: config.region });
  if (log) h.redis.on('error', errorsEvery(log, 'redis connection error', { connection: 'main' }));
  const shards = await ensureShards(h, config.shards);
  await migrateLayout(h, log, config.reconcileIdleMs);
  return shards;
}
