import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisTarget } from '@redstep/store';
import { startRedisServer } from '../../apps/standalone/src/redis-server.js';
import { startRedisCluster, startRedisSentinel, type RedisClusterTopology, type RedisSentinelTopology } from './redis-topologies.js';

export interface TestRedis {
  url: string;
  /** How the product connects to it (connectTo), and the environment its processes get. */
  target: RedisTarget;
  env: Record<string, string>;
  /**
   * Stops the server (SIGTERM: a clean shutdown; SIGKILL: a crash) and starts it again on the
   * same port and AOF. Possible only for a Redis this harness started itself.
   */
  restart?: (signal?: 'SIGTERM' | 'SIGKILL', downMs?: number) => Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Redis for a test file (never a mock, never the machine's shared 6379): REDIS_URL when
 * set, else a container where a Docker engine answers, else a redis-server on a free port.
 */
export async function startTestRedis(): Promise<TestRedis> {
  // The suite's cluster project runs the core e2e files against a real local Redis Cluster.
  const topology = process.env.REDSTEP_TEST_TOPOLOGY;
  if (topology === 'cluster') return fromTopology(await startRedisCluster());
  if (topology === 'sentinel') return fromTopology(await startRedisSentinel());
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, ...standalone(process.env.REDIS_URL), stop: async () => {} };
  const container = await tryContainer();
  if (container) return container;
  const dir = mkdtempSync(join(tmpdir(), 'redstep-test-'));
  let server = await startRedisServer({ dir });
  const port = server.port;
  return {
    url: server.url,
    ...standalone(server.url),
    async restart(signal = 'SIGTERM', downMs = 0) {
      if (signal === 'SIGKILL') {
        const exited = new Promise<void>((r) => server.process.once('exit', () => r()));
        server.process.kill('SIGKILL');
        await exited;
      } else {
        await server.stop();
      }
      await new Promise((r) => setTimeout(r, downMs));
      server = await startRedisServer({ dir, port });
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function fromTopology(t: RedisClusterTopology | RedisSentinelTopology): TestRedis {
  const target: RedisTarget = { redisUrl: t.url, redisMode: t.env.REDIS_MODE };
  if ('name' in t) target.sentinelName = t.name;
  return { url: t.url, target, env: { ...t.env }, stop: () => t.stop() };
}

const standalone = (url: string) => ({ target: { redisUrl: url }, env: { REDIS_URL: url } });

async function tryContainer(): Promise<TestRedis | undefined> {
  const socket = process.env.DOCKER_HOST || existsSync('/var/run/docker.sock');
  if (!socket || process.env.REDSTEP_TEST_NO_DOCKER) return undefined;
  try {
    const { GenericContainer } = await import('testcontainers');
    const started = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).withCommand(['redis-server', '--appendonly', 'yes', '--hz', '100']).start();
    const url = `redis://${started.getHost()}:${started.getMappedPort(6379)}`;
    return {
      url,
      ...standalone(url),
      stop: async () => {
        await started.stop();
      },
    };
  } catch {
    return undefined; // no engine answering: fall back to a local redis-server
  }
}
