import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../apps/standalone/src/redis-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns a built app (`apps/<name>/dist/main.js`) and waits for its ready line. */
async function spawnApp(name: 'api' | 'worker', env: Record<string, string>, ready: RegExp): Promise<AppProcess> {
  const child = spawn(process.execPath, [`apps/${name}/dist/main.js`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function startApiProcess(redisUrl: string, env: Record<string, string> = {}): Promise<AppProcess & { endpoint: string }> {
  const port = await freePort();
  const app = await spawnApp('api', { REDIS_URL: redisUrl, PORT: String(port), HOST: '127.0.0.1', ...env }, /api listening/);
  return { ...app, endpoint: `http://127.0.0.1:${port}` };
}

export async function startWorkerProcess(redisUrl: string, env: Record<string, string> = {}): Promise<AppProcess & { metricsUrl: string }> {
  const port = await freePort();
  const app = await spawnApp('worker', { REDIS_URL: redisUrl, METRICS_PORT: String(port), ...env }, /worker started/);
  return { ...app, metricsUrl: `http://127.0.0.1:${port}` };
}
