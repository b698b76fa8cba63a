import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../apps/standalone/src/redis-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** How a test runs an app: its open-file limit (soft and hard), through prlimit. */
export interface SpawnOptions {
  maxOpenFiles?: number;
}

/** Spawns a built app (`apps/<name>/dist/main.js`) and waits for its ready line. */
async function spawnApp(name: 'api' | 'worker', env: Record<string, string>, ready: RegExp, options: SpawnOptions = {}): Promise<AppProcess> {
  const command = [process.execPath, `apps/${name}/dist/main.js`];
  // prlimit execs the app, so the child's pid is the app's and signals reach it.
  if (options.maxOpenFiles !== undefined) command.unshift('prlimit', `--nofile=${options.maxOpenFiles}:${options.maxOpenFiles}`);
  const child = spawn(command[0]!, command.slice(1), {
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

export async function startApiProcess(redisUrl: string, env: Record<string, string> = {}, options: SpawnOptions = {}): Promise<AppProcess & { endpoint: string }> {
  const port = await freePort();
  const app = await spawnApp('api', { REDIS_URL: redisUrl, PORT: String(port), HOST: '127.0.0.1', ...env }, /api listening/, options);
  return { ...app, endpoint: `http://127.0.0.1:${port}` };
}

export async function startWorkerProcess(redisUrl: string, env: Record<string, string> = {}): Promise<AppProcess & { metricsUrl: string }> {
  const port = await freePort();
  const app = await spawnApp('worker', { REDIS_URL: redisUrl, METRICS_PORT: String(port), ...env }, /worker started/);
  return { ...app, metricsUrl: `http://127.0.0.1:${port}` };
}
