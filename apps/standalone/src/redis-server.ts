import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LocalRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/**
 * Starts a private redis-server with AOF on, its data in `dir` (fsynced every second, or before
 * every answer with `appendfsync: 'always'`, strict durability). A server left over from a
 * killed run (its pid file remains) is stopped first so two never share one AOF.
 */
export async function startRedisServer(options: { dir: string; bin?: string; port?: number; appendfsync?: 'always' | 'everysec' }): Promise<LocalRedis> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const pidFile = resolve(dir, 'redis.pid');
  await stopLeftover(pidFile);
  const port = options.port ?? (await freePort());
  const child = spawn(
    options.bin ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'everysec',
      '--save', '', '--pidfile', pidFile, '--daemonize', 'no', '--loglevel', 'warning',
      // Blocked clients time out on Redis's clock tick: at the default 10 Hz a BullMQ delayed job
      // (Wait, retry backoff, task timeout) could fire up to 100 ms late.
      '--hz', '100'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitReady(port, child, () => stderr);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitReady(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const { Redis } = await import('ioredis');
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr()}`);
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {}); // refused until the server listens; connect() reports it
    try {
      await probe.connect();
      // AOF loading answers LOADING errors; PING passes once data is in memory.
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      await sleep(25);
    }
  }
  throw new Error(`redis-server did not start on port ${port}: ${stderr()}`);
}

async function stopLeftover(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  // Only a redis-server: a pid file outlives its process and the pid may be reused.
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (!cmdline.includes('redis-server')) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // not running
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      await sleep(50);
    } catch {
      return;
    }
  }
}
