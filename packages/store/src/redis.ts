import { readFileSync } from 'node:fs';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisMode } from './config.js';

/** Script name -> number of keys, read from the file name (`commitStep-2.lua`). */
const SCRIPTS = [
  'commitStep-7',
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
  'answerTask-1',
  'takeActivityTasks-2',
] as const;
type ScriptName = (typeof SCRIPTS)[number] extends `${infer N}-${string}` ? N : never;

/** Bumped when a script changes meaning, so old and new pods can share one Redis during a rollout. */
const SCRIPT_VERSION = 'v8';

export type ScriptRunner = (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * A connection to RedStep's Redis: one server, a Redis Cluster or a Sentinel-watched master.
 * Typed as a single server's client: the commands RedStep sends exist on both, and the few
 * that differ (SCAN, a blocking read's own connection) check `isCluster`.
 */
export interface RedisHandle {
  redis: Redis;
  run: ScriptRunner;
  mode: RedisMode;
}

/** Where Redis is: REDIS_URL (comma-separated seeds or sentinels), REDIS_MODE and REDIS_SENTINEL_NAME. */
export interface RedisTarget {
  redisUrl: string;
  redisMode?: RedisMode;
  sentinelName?: string;
}

const BASE: RedisOptions = { maxRetriesPerRequest: null, enableAutoPipelining: true };

/**
 * Connects in the configured mode. A password (and user) in the URL and `rediss://` (TLS) work
 * in every mode; in sentinel mode they are used for the sentinels and the master alike. Every
 * mode reconnects by itself after a failover: the cluster client follows the new slot owners,
 * the sentinel client asks the sentinels for the new master.
 */
export function connectTo(target: RedisTarget, options: RedisOptions = {}): RedisHandle {
  const mode = target.redisMode ?? 'standalone';
  if (mode === 'standalone') return connectRedis(target.redisUrl, options);
  const nodes = target.redisUrl.split(',').map((u) => new URL(u.trim()));
  const first = nodes[0]!;
  const auth: RedisOptions = {};
  if (first.username) auth.username = decodeURIComponent(first.username);
  if (first.password) auth.password = decodeURIComponent(first.password);
  if (first.protocol === 'rediss:') auth.tls = {};
  const hosts = nodes.map((u) => ({ host: u.hostname, port: Number(u.port || (mode === 'sentinel' ? 26379 : 6379)) }));
  if (mode === 'cluster') {
    const cluster = new Cluster(hosts, {
      enableAutoPipelining: true,
      redisOptions: { ...auth, ...BASE, ...options },
      // Writes go to masters only; a failover moves slots and the client follows.
      scaleReads: 'master',
      slotsRefreshTimeout: 2_000,
    });
    return withScripts(cluster as unknown as Redis, mode);
  }
  const sentinel = new Redis({
    ...BASE,
    ...options,
    ...auth,
    sentinels: hosts,
    name: target.sentinelName!,
    ...(auth.password && { sentinelPassword: auth.password }),
    ...(auth.tls && { enableTLSForSentinelMode: true, sentinelTLS: {} }),
  });
  return withScripts(sentinel, mode);
}

export function connectRedis(url: string, options: RedisOptions = {}): RedisHandle {
  return withScripts(new Redis(url, { ...BASE, ...options }), 'standalone');
}

function withScripts(redis: Redis, mode: RedisMode): RedisHandle {
  for (const file of SCRIPTS) {
    const [name, keyCount] = file.split('-') as [string, string];
    const lua = readFileSync(new URL(`../lua/${file}.lua`, import.meta.url), 'utf8');
    redis.defineCommand(`rs_${SCRIPT_VERSION}_${name}`, { numberOfKeys: Number(keyCount), lua });
  }
  const run: ScriptRunner = (name, keys, args) => {
    const fn = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[`rs_${SCRIPT_VERSION}_${name}`]!;
    return fn.call(redis, ...keys, ...args);
  };
  return { redis, run, mode };
}

/** Whether a client is a cluster client (some commands go node by node there). */
export const isCluster = (redis: Redis): boolean => (redis as unknown as { isCluster?: boolean }).isCluster === true;

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

/** Keys matching a pattern, in batches: on a cluster, master by master (SCAN sees one node). */
export async function* scanKeys(redis: Redis, match: string): AsyncGenerator<string[]> {
  const nodes = isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
  for (const node of nodes) {
    for await (const batch of node.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>) yield batch;
  }
}
