// The api and worker processes of the soak: spawned from apps/*/dist/main.js, logs to files,
// SIGKILL and restart, and any exit the soak did not cause noticed.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const defaultRoot = fileURLToPath(new URL('../../', import.meta.url));
const READY = { api: /api listening/, worker: /worker started/ };

/** The children's environment: none of the soak's AWS_* variables (an SDK integration must fail at once, offline). */
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('SFN_') && k !== 'REDIS_URL') env[k] = v;
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', EXECUTION_RETENTION_DAYS: '0', ...extra };
}

export class Fleet {
  constructor({ logDir, onUnexpectedExit, root = defaultRoot }) {
    this.root = resolve(root);
    for (const kind of ['api', 'worker']) {
      if (!existsSync(join(this.root, `apps/${kind}/dist/main.js`))) throw new Error(`${join(this.root, `apps/${kind}/dist/main.js`)} is missing: build first (npx tsc -b)`);
    }
    this.logDir = logDir;
    this.onUnexpectedExit = onUnexpectedExit;
    this.seq = { api: 0, worker: 0 };
    /** Every process started, alive or not: their logs are searched when an execution fails. */
    this.all = [];
    this.live = new Set();
  }

  /** Spawns `apps/<kind>/dist/main.js` and waits for its ready line (retried: a port may linger). */
  async start(kind, env) {
    let lastError;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.spawnOnce(kind, env);
      } catch (e) {
        lastError = e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw lastError;
  }

  spawnOnce(kind, env) {
    const id = `${kind}-${++this.seq[kind]}`;
    const logPath = join(this.logDir, `${id}.log`);
    const log = createWriteStream(logPath);
    const child = spawn(process.execPath, [`apps/${kind}/dist/main.js`], { cwd: this.root, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = { id, kind, child, logPath, killedByUs: false, exited: null };
    proc.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    this.all.push(proc);
    let head = '';
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${id} printed no ready line in 30 s: ${head.slice(-2000)}`));
      }, 30_000);
      const onData = (d) => {
        log.write(d);
        if (!ready) {
          head += d.toString();
          if (READY[kind].test(head)) {
            ready = true;
            clearTimeout(timer);
            this.live.add(proc);
            resolve(proc);
          }
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, signal) => {
        this.live.delete(proc);
        // The streams may still hold the last lines; end the log once they are drained.
        setTimeout(() => log.end(), 100);
        if (!ready) {
          clearTimeout(timer);
          reject(new Error(`${id} exited (${code ?? signal}) before it was ready: ${head.slice(-2000)}`));
        } else if (!proc.killedByUs) {
          this.onUnexpectedExit(proc, code, signal);
        }
      });
    });
  }

  async kill(proc, signal = 'SIGKILL') {
    proc.killedByUs = true;
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
    await proc.exited;
  }

  /** SIGTERM (a clean shutdown) for every live process, SIGKILL for any still there after 15 s. */
  async stopAll() {
    await Promise.all([...this.live].map(async (p) => {
      p.killedByUs = true;
      p.child.kill('SIGTERM');
      const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
      await p.exited;
      clearTimeout(t);
    }));
  }

  /** Synchronous last resort when the soak itself exits: no child outlives it. */
  killAllNow() {
    for (const p of this.live) {
      try {
        p.killedByUs = true;
        p.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  living(kind) {
    return [...this.live].filter((p) => p.kind === kind);
  }

  /** Log lines of every process that mention `needle`, oldest process first, the last `max` of each. */
  grep(needle, max = 12) {
    const out = [];
    for (const p of this.all) {
      let text = '';
      try {
        text = readFileSync(p.logPath, 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n').filter((l) => l.includes(needle));
      if (lines.length) out.push({ id: p.id, lines: lines.slice(-max) });
    }
    return out;
  }

  tail(proc, n = 10) {
    try {
      return readFileSync(proc.logPath, 'utf8').trimEnd().split('\n').slice(-n);
    } catch {
      return [];
    }
  }
}
