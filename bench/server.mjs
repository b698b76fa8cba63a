// Starts a fresh one-process RedStep (apps/standalone) for a benchmark: a free port, a private
// redis-server in a temporary data directory; stop() ends both and removes the directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

/**
 * Starts RedStep; with `redisUrl` it uses that Redis instead of a private one, with `nodeArgs`
 * (`--cpu-prof`, ...) passed to node, from `from` (another built checkout, for a before/after pair).
 */
export async function startRedStep({ redisUrl = '', nodeArgs = [], root: from = root } = {}) {
  if (!existsSync(join(from, 'apps/standalone/dist/main.js'))) {
    console.error('build first: npm run build');
    process.exit(2);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'redstep-bench-'));
  const server = spawn(process.execPath, [...nodeArgs, 'apps/standalone/dist/main.js'], {
    cwd: from,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDSTEP_DATA_DIR: dataDir, REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((res, rej) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      if (out.includes('RedStep ready')) res();
    });
    server.once('exit', (code) => rej(new Error(`server exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: server.pid,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((res) => server.once('exit', res));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
