// The soak's own redis-server: a free port, a temp dir, AOF with appendfsync always, so an
// acknowledged write survives a SIGKILL and any loss the soak finds is RedStep's.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function startRedis({ dir, port, bin = process.env.REDIS_SERVER_BIN || 'redis-server' }) {
  mkdirSync(dir, { recursive: true });
  const child = spawn(bin, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'always', '--save', '',
    '--daemonize', 'no', '--loglevel', 'warning', '--hz', '100',
    '--maxmemory-policy', 'noeviction',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((r) => child.once('exit', () => r()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited: ${stderr}`);
    if (await ping(port)) break;
    if (i > 600) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on ${port}: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    port,
    process: child,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** True once the server answers PING with PONG (not LOADING while it replays its AOF). */
function ping(port) {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let buf = '';
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}
