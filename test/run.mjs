#!/usr/bin/env node
// The test step of `npm test`: every vitest project, in two lanes side by side.
//
//   lane 1: unit, then the end-to-end suite (its files one after another, as vitest.config.ts says)
//   lane 2: the end-to-end core again on a Redis Cluster, the console in Chromium, and the
//           fault-injection scenarios of test/durability
//
// Vitest 3 runs all projects of a run through one pool, and on 2 cores that pool holds one file
// at a time, so the lanes are two vitest processes. Each test starts its own redis-server and
// processes on free ports, so the lanes share nothing. Lane 1 prints as it goes; lane 2's output
// is held and printed after it, so the two never interleave. Arguments (a file, `-t name`) skip
// the lanes and go to one vitest run as they are.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const manifest = createRequire(import.meta.url).resolve('vitest/package.json');
const vitest = join(dirname(manifest), createRequire(import.meta.url)('vitest/package.json').bin.vitest);
const args = process.argv.slice(2);

/** Runs vitest with `argv`; its output goes to the terminal, or into `held` when given. */
function run(argv, held) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...argv], { stdio: held ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (held) {
      child.stdout.on('data', (b) => held.push(b));
      child.stderr.on('data', (b) => held.push(b));
    }
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (args.length > 0) process.exit(await run(args));

const held = [];
const [first, second] = await Promise.all([
  run(['--project', 'unit', '--project', 'e2e']),
  run(['--project', 'e2e-cluster', '--project', 'console', '--project', 'durability'], held),
]);
console.log('\n==== lane 2: e2e-cluster, console, durability ====');
process.stdout.write(Buffer.concat(held));
console.log(`\nlane 1 (unit, e2e): ${first === 0 ? 'passed' : `FAILED (exit ${first})`}`);
console.log(`lane 2 (e2e-cluster, console, durability): ${second === 0 ? 'passed' : `FAILED (exit ${second})`}`);
process.exit(first === 0 && second === 0 ? 0 : 1);
