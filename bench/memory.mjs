#!/usr/bin/env node
// Redis memory per execution waiting on an activity, payload aside.
//
//   npm run bench:memory -- [--n 2000]
//
// Starts a redis-server of its own (no persistence, so nothing but data is counted) and a
// one-process RedStep on it, starts --n executions of a one-activity-Task machine with the input
// {} and, once every task waits in the activity's list, reports (used_memory after - before) / n.
// Nothing is asserted.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startRedStep } from './server.mjs';

const { values: o } = parseArgs({ options: { n: { type: 'string', default: '2000' } } });
const n = Number(o.n);
const port = await freePort();
const redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--hz', '100'], { stdio: 'ignore' });
const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
for (let i = 0; ; i++) {
  try {
    await redis.connect();
    break;
  } catch (e) {
    if (i > 50) throw e;
    await new Promise((res) => setTimeout(res, 100));
  }
}
const redstep = await startRedStep({ redisUrl: `redis://127.0.0.1:${port}` });

async function call(action, body) {
  const res = await fetch(redstep.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
    body: JSON.stringify(body),
  });
  const out = await res.json();
  if (res.status !== 200) throw new Error(`${action}: ${JSON.stringify(out)}`);
  return out;
}
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);

const { activityArn } = await call('CreateActivity', { name: 'mem' });
const { stateMachineArn } = await call('CreateStateMachine', {
  name: 'mem',
  roleArn: 'arn:aws:iam::123456789012:role/bench',
  definition: JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } }),
});
// One execution first, so per-machine structures (index, queue meta) are in the baseline.
await call('StartExecution', { stateMachineArn, name: 'warm', input: '{}' });
const queued = async () => redis.llen((await redis.keys('rs:aq:*'))[0] ?? 'none');
while ((await queued()) < 1) await new Promise((res) => setTimeout(res, 20));
const before = await usedMemory();
for (let i = 0; i < n; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => call('StartExecution', { stateMachineArn, name: `e${i + j}`, input: '{}' })));
}
while ((await queued()) < n + 1) await new Promise((res) => setTimeout(res, 50));
// Let completed start jobs be removed before measuring.
await new Promise((res) => setTimeout(res, 1000));
const after = await usedMemory();
console.log(JSON.stringify({ executions: n, bytes_per_waiting_execution: Math.round((after - before) / n) }));
await redstep.stop();
redis.disconnect();
redisServer.kill();
process.exit(0);
