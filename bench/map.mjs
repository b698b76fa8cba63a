#!/usr/bin/env node
// Distributed Map: time to finish and Redis bytes per child.
//
//   node bench/map.mjs [--items 1000,10000] [--repeat 3] [--root <a built RedStep checkout>]
//
// Starts a redis-server of its own (no persistence, so nothing but data is counted) and a
// one-process RedStep on it (from --root, this checkout by default: a copy of another build
// gives a before/after pair on one machine). For each item count it runs --repeat executions of
// a machine whose only state is a DISTRIBUTED Map of Pass children over the input array, and
// reports the median time from StartExecution to SUCCEEDED (and the CPU the RedStep process and
// Redis spent meanwhile, steadier than wall time on a shared machine), the median growth of Redis's
// used_memory per child once the execution has closed, and the MEMORY USAGE of the children's
// records per child (0 for a build that keeps none). Nothing is asserted.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { caller, quantile, ROLE } from './client.mjs';
import { freePort, root, startRedStep } from './server.mjs';

const { values: o } = parseArgs({
  options: { items: { type: 'string', default: '1000,10000' }, repeat: { type: 'string', default: '3' }, root: { type: 'string', default: root } },
});
const sizes = o.items.split(',').map(Number);
const repeat = Number(o.repeat);

const port = await freePort();
const redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--hz', '100'], { stdio: 'ignore' });
let redis;
for (let i = 0; ; i++) {
  const candidate = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  candidate.on('error', () => {});
  try {
    await candidate.connect();
    redis = candidate;
    break;
  } catch (e) {
    candidate.disconnect();
    if (i > 50) throw e;
    await new Promise((res) => setTimeout(res, 100));
  }
}
const redstep = await startRedStep({ redisUrl: `redis://127.0.0.1:${port}`, root: resolve(o.root) });
const call = caller(redstep.endpoint, 16);
/** CPU ms spent so far by the RedStep process (from /proc) and by Redis (INFO cpu): less noisy than wall time on a busy machine. */
async function cpuMs() {
  const fields = readFileSync(`/proc/${redstep.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const node = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  const info = await redis.info('cpu');
  const redisCpu = (Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1])) * 1000;
  return { node, redis: redisCpu };
}
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);

const definition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Map',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Double',
        States: { Double: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.n, $.n)' }, End: true } },
      },
      ResultSelector: { 'count.$': 'States.ArrayLength($)' },
      End: true,
    },
  },
};
const { stateMachineArn } = await call('CreateStateMachine', { name: 'dmap', roleArn: ROLE, definition: JSON.stringify(definition) });

async function runOnce(items, name) {
  const input = JSON.stringify(Array.from({ length: items }, (_, n) => ({ n })));
  const before = await usedMemory();
  const cpu0 = await cpuMs();
  const t0 = performance.now();
  const { executionArn } = await call('StartExecution', { stateMachineArn, name, input });
  for (;;) {
    const d = await call('DescribeExecution', { executionArn });
    if (d.status !== 'RUNNING') {
      if (d.status !== 'SUCCEEDED') throw new Error(`${name}: ${d.status} ${d.error ?? ''} ${d.cause ?? ''}`);
      break;
    }
    await new Promise((res) => setTimeout(res, 10));
  }
  const ms = performance.now() - t0;
  const cpu1 = await cpuMs();
  // Let finished jobs be removed before measuring.
  await new Promise((res) => setTimeout(res, 1500));
  const bytes = (await usedMemory()) - before;
  // The children's own records, where this build keeps them (MEMORY USAGE counts every field).
  const [, found] = await redis.scan('0', 'MATCH', `rs:mrc:*:dmap:${name}`, 'COUNT', '100000');
  const recordBytes = found.length > 0 ? Number(await redis.call('MEMORY', 'USAGE', found[0], 'SAMPLES', '0')) : 0;
  return { ms, nodeCpuMs: cpu1.node - cpu0.node, redisCpuMs: cpu1.redis - cpu0.redis, bytesPerChild: bytes / items, recordBytesPerChild: recordBytes / items };
}

// One small run first, so per-machine structures are in every baseline.
await runOnce(10, 'warm');
for (const items of sizes) {
  const runs = [];
  for (let r = 0; r < repeat; r++) runs.push(await runOnce(items, `m${items}-${r}`));
  console.log(
    JSON.stringify({
      items,
      runs: repeat,
      finish_ms_median: quantile(runs.map((x) => x.ms), 0.5),
      finish_ms_all: runs.map((x) => Math.round(x.ms)),
      redstep_cpu_ms_median: quantile(runs.map((x) => x.nodeCpuMs), 0.5),
      redis_cpu_ms_median: quantile(runs.map((x) => x.redisCpuMs), 0.5),
      redis_bytes_per_child_median: quantile(runs.map((x) => x.bytesPerChild), 0.5),
      child_record_bytes_per_child: quantile(runs.map((x) => x.recordBytesPerChild), 0.5),
    }),
  );
}
await redstep.stop();
redis.disconnect();
redisServer.kill();
process.exit(0);
