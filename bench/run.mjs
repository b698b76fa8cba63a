#!/usr/bin/env node
// Runs the shared benchmark harness (../shared/bench) against a fresh one-process RedStep.
//
//   npm run bench -- [--workload chain,activity,...] [--repeat 3] [any sfnbench.mjs option]
//
// Starts `apps/standalone/dist/main.js` (build first: npm run build) on a free port with a
// private redis-server in a temporary data directory, runs the workloads, prints one JSON line
// per run, then stops everything. Figures are reported as medians, never asserted.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { root, startRedStep } from './server.mjs';

const harness = resolve(root, '../shared/bench/sfnbench.mjs');
if (!existsSync(harness)) {
  console.error(`benchmark harness not found at ${harness} (../shared/bench beside the project)`);
  process.exit(2);
}

const redstep = await startRedStep();
const args = process.argv.slice(2);
if (!args.includes('--workload')) args.push('--workload', 'chain,activity,wait,sync,parallel,map');
const bench = spawn(process.execPath, [harness, '--endpoint', redstep.endpoint, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
const code = await new Promise((res) => bench.once('exit', res));
await redstep.stop();
process.exit(code ?? 1);
