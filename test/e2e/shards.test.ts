import { ConfigError, connectRedis, ensureShards, keys, type RedisHandle } from '@redstep/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

/** The shard count is fixed when the data is first created; a process told otherwise refuses to start. */
describe('the recorded shard count', () => {
  let redis: TestRedis;
  let h: RedisHandle;

  beforeAll(async () => {
    redis = await startTestRedis();
    h = connectRedis(redis.url);
  });
  afterAll(async () => {
    h?.redis.disconnect();
    await redis?.stop();
  });

  test('the first process records it, later ones adopt it, and another count is refused', async () => {
    await h.redis.flushall();
    expect(await ensureShards(h, 6)).toBe(6);
    expect(await h.redis.get(keys.shardCount())).toBe('6');
    expect(await ensureShards(h, undefined)).toBe(6);
    expect(await ensureShards(h, 6)).toBe(6);
    await expect(ensureShards(h, 12)).rejects.toThrow(ConfigError);
    await expect(ensureShards(h, 12)).rejects.toThrow(/REDSTEP_SHARDS is 12, but the data in this Redis is spread over 6 shards.*REDSTEP_SHARDS=6/);
    expect(await h.redis.get(keys.shardCount())).toBe('6');
  });

  test('an api started with another REDSTEP_SHARDS exits with that error', async () => {
    await h.redis.flushall();
    await h.redis.set(keys.shardCount(), '6');
    await expect(startApiProcess(redis.url, { ...redis.env, REDSTEP_SHARDS: '12' })).rejects.toThrow(/REDSTEP_SHARDS=6/);
  });
});
