import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';

/** Script name -> number of keys, read from the file name (`commitStep-2.lua`). */
const SCRIPTS = [
  'commitStep-6',
  'createExecution-4',
  'startTask-2',
  'heartbeatTask-1',
  'createIfAbsent-1',
  'redriveExecution-4',
  'startInvoke-1',
  'linkChild-1',
  'submitTask-2',
  'requeueHandout-2',
  'expireExecution-6',
  'settleOutbox-1',
  'pushActivityTask-2',
  'handedOut-2',
] as const;
type ScriptName = (typeof SCRIPTS)[number] extends `${infer N}-${string}` ? N : never;

/** Bumped when a script changes meaning, so old and new pods can share one Redis during a rollout. */
const SCRIPT_VERSION = 'v5';

export type ScriptRunner = (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<unknown>;

export interface RedisHandle {
  redis: Redis;
  run: ScriptRunner;
}

export function connectRedis(url: string, options: RedisOptions = {}): RedisHandle {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true, ...options });
  for (const file of SCRIPTS) {
    const [name, keyCount] = file.split('-') as [string, string];
    const lua = readFileSync(new URL(`../lua/${file}.lua`, import.meta.url), 'utf8');
    redis.defineCommand(`rs_${SCRIPT_VERSION}_${name}`, { numberOfKeys: Number(keyCount), lua });
  }
  const run: ScriptRunner = (name, keys, args) => {
    const fn = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[`rs_${SCRIPT_VERSION}_${name}`]!;
    return fn.call(redis, ...keys, ...args);
  };
  return { redis, run };
}

/**
 * Whether Redis answers a PING within `timeoutMs`, for readiness probes: commands wait for a
 * reconnect (no retry limit), so a probe must not wait with them.
 */
export async function redisAnswers(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([redis.ping().then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
