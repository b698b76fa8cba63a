#!/usr/bin/env node
// Runs the shared benchmark harness (../shared/bench) against a fresh one-process RedStep.
//
//   npm run bench -- [--workload chain,activity,...] [--repeat 3] [any sfnbench.mjs option]
//
// Starts `apps/standalone/dist/main.js` (build first: npm run build) on a free port with a
// private redis-server in a temporary data directory, runs the workloads, prints one JSON line
// per run, then stops everything. Figures are reported as medians, never asserted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const harness = resolve(root, '../shared/bench/sfnbench.mjs');
if (!existsSync(harness)) {
  console.error(`benchmark harness not found at ${harness} (../shared/bench beside the project)`);
  process.exit(2);
}
if (!existsSync(join(root, 'apps/standalone/dist/main.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}

const port = await new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => res(p));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'redstep-bench-'));
const server = spawn(process.execPath, ['apps/standalone/dist/main.js'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDSTEP_DATA_DIR: dataDir, REDIS_URL: '' },
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

const args = process.argv.slice(2);
if (!args.includes('--workload')) args.push('--workload', 'chain,activity,wait,sync,parallel,map');
const bench = spawn(process.execPath, [harness, '--endpoint', `http://127.0.0.1:${port}`, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
const code = await new Promise((res) => bench.once('exit', res));
server.kill('SIGTERM');
await new Promise((res) => server.once('exit', res));
rmSync(dataDir, { recursive: true, force: true });
process.exit(code ?? 1);
