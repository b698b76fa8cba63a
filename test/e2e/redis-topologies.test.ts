import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startRedisCluster, startRedisSentinel, type RedisClusterTopology, type RedisSentinelTopology, type RedisTopologyNode } from '../support/redis-topologies.js';

/**
 * The Redis Cluster and Sentinel harness itself, through ioredis directly: clients built from
 * the harness's URL follow a manual failover and a killed master by themselves.
 */

const hosts = (url: string) =>
  url.split(',').map((u) => {
    const parsed = new URL(u);
    return { host: parsed.hostname, port: Number(parsed.port) };
  });

const pidAlive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** After stop(): no process of the topology runs and its temp dir is gone. */
async function expectGone(stop: () => Promise<void>, nodes: { process: { pid?: number }; dir: string }[]) {
  await stop();
  await stop(); // idempotent
  for (const n of nodes) {
    expect(pidAlive(n.process.pid)).toBe(false);
    expect(existsSync(dirname(n.dir))).toBe(false);
  }
}

describe('startRedisCluster', () => {
  let cluster: RedisClusterTopology;
  let client: Cluster;
  const keys = Array.from({ length: 300 }, (_, i) => `key:${i}`);

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await startRedisCluster();
    console.log(`cluster started in ${Date.now() - t0} ms`);
    client = new Cluster(hosts(cluster.url), { scaleReads: 'master', slotsRefreshTimeout: 2_000, redisOptions: { maxRetriesPerRequest: null } });
    client.on('error', () => {}); // a node is killed on purpose
  });

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  /** Every key is readable, then written again, through the same client. */
  async function roundTrip(round: string, replicate: boolean) {
    const before = await Promise.all(keys.map((k) => client.get(k)));
    await Promise.all(keys.map((k) => client.set(k, round)));
    const after = await Promise.all(keys.map((k) => client.get(k)));
    expect(after.every((v) => v === round)).toBe(true);
    if (replicate) await replicated();
    return before;
  }

  /** Every master's replica has all its writes (before a failover or a kill, else they could be lost). */
  async function replicated() {
    const masterNodes = cluster.nodes.filter((n) => n.alive && n.role === 'master');
    await vi.waitFor(
      async () => {
        for (const m of masterNodes) {
          const r = new Redis(m.port, '127.0.0.1');
          try {
            const info = await r.info('replication');
            const offset = /master_repl_offset:(\d+)/.exec(info)![1];
            expect(info).toMatch(new RegExp(`slave0:.*offset=${offset},`));
          } finally {
            r.disconnect();
          }
        }
      },
      { timeout: 20_000, interval: 100 },
    );
  }

  const masters = () => cluster.nodes.filter((n) => n.alive && n.role === 'master').map((n) => n.port).sort();

  test('six nodes, three masters with a replica each, keys over every master', async () => {
    expect(cluster.nodes).toHaveLength(6);
    expect(masters()).toHaveLength(3);
    expect(cluster.nodes.filter((n) => n.role === 'replica')).toHaveLength(3);
    expect(cluster.url).toBe(cluster.nodes.map((n) => `redis://127.0.0.1:${n.port}`).join(','));
    expect(cluster.env).toEqual({ REDIS_MODE: 'cluster', REDIS_URL: cluster.url });
    expect(cluster.nodes.some((n) => n.port === 6379)).toBe(false);

    await roundTrip('r1', true);
    const perMaster = await Promise.all(client.nodes('master').map((n) => n.dbsize()));
    expect(perMaster).toHaveLength(3);
    expect(perMaster.every((n) => n > 0)).toBe(true);
  });

  test('failover(): a replica takes over, the client follows', async () => {
    const before = masters();
    const t0 = Date.now();
    await cluster.failover();
    console.log(`cluster failover in ${Date.now() - t0} ms`);
    expect(masters()).not.toEqual(before);
    expect(masters()).toHaveLength(3);
    expect(await roundTrip('r2', true)).toEqual(keys.map(() => 'r1'));
  });

  test('killMaster(): a replica takes the killed master\'s slots, the client follows', async () => {
    const before = cluster.nodes.filter((n) => n.role === 'master');
    const t0 = Date.now();
    await cluster.killMaster();
    console.log(`cluster killMaster in ${Date.now() - t0} ms`);
    const killed = before.filter((n) => !n.alive);
    expect(killed).toHaveLength(1);
    expect(masters()).toHaveLength(3);
    expect(masters()).not.toContain(killed[0]!.port);
    expect(await roundTrip('r3', false)).toEqual(keys.map(() => 'r2'));
  });

  test('stop() leaves no process and no temp dir', async () => {
    client.disconnect();
    await expectGone(() => cluster.stop(), cluster.nodes);
  });
});

describe('startRedisSentinel', () => {
  let sentinel: RedisSentinelTopology;
  let client: Redis;

  beforeAll(async () => {
    const t0 = Date.now();
    sentinel = await startRedisSentinel();
    console.log(`sentinel started in ${Date.now() - t0} ms`);
    client = new Redis({ sentinels: hosts(sentinel.url), name: sentinel.name, maxRetriesPerRequest: null });
    client.on('error', () => {}); // the master is killed on purpose
  });

  afterAll(async () => {
    client?.disconnect();
    await sentinel?.stop();
  });

  /** The port of the server the client's connection is on. */
  const servedBy = async () => Number(/tcp_port:(\d+)/.exec(await client.info('server'))![1]);
  const direct = async (node: RedisTopologyNode, key: string) => {
    const r = new Redis(node.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      return await r.get(key);
    } finally {
      r.disconnect();
    }
  };

  test('a master, a replica and three sentinels', async () => {
    expect(sentinel.nodes.map((n) => n.role)).toEqual(['master', 'replica']);
    expect(sentinel.sentinels).toHaveLength(3);
    expect(sentinel.url).toBe(sentinel.sentinels.map((s) => `redis://127.0.0.1:${s.port}`).join(','));
    expect(sentinel.env).toEqual({ REDIS_MODE: 'sentinel', REDIS_URL: sentinel.url, REDIS_SENTINEL_NAME: 'mymaster' });
    await client.set('before', '1');
    expect(await client.wait(1, 5_000)).toBe(1);
    expect(await servedBy()).toBe(sentinel.master.port);
  });

  test('failover(): the replica is master, the old master its replica, the client writes to the new one', async () => {
    const old = sentinel.master;
    const t0 = Date.now();
    await sentinel.failover();
    console.log(`sentinel failover in ${Date.now() - t0} ms`);
    const promoted = sentinel.master;
    expect(promoted).not.toBe(old);
    expect(old.role).toBe('replica');
    await client.set('after', '2');
    expect(await client.get('before')).toBe('1');
    expect(await client.get('after')).toBe('2');
    expect(await servedBy()).toBe(promoted.port);
    expect(await direct(promoted, 'after')).toBe('2');
    expect(await client.wait(1, 5_000)).toBe(1);
  });

  test('killMaster(): the replica is promoted, the client reconnects to it', async () => {
    const old = sentinel.master;
    const t0 = Date.now();
    await sentinel.killMaster();
    console.log(`sentinel killMaster in ${Date.now() - t0} ms`);
    expect(old.alive).toBe(false);
    expect(sentinel.master).not.toBe(old);
    await client.set('killed', '3');
    expect(await client.get('after')).toBe('2');
    expect(await client.get('killed')).toBe('3');
    expect(await servedBy()).toBe(sentinel.master.port);
  });

  test('stop() leaves no process and no temp dir', async () => {
    client.disconnect();
    await expectGone(() => sentinel.stop(), [...sentinel.nodes, ...sentinel.sentinels]);
  });
});
