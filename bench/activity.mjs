#!/usr/bin/env node
// Activity tasks end to end: executions of a one-activity-Task machine, answered by
// @redstep/activity-worker in a process of its own (bench/activity-worker.mjs), against a fresh
// one-process RedStep (build first).
//
//   npm run bench:activity -- [--repeat 3] [--n 5000] [--concurrency 64] [--rate 500]
//                             [--seconds 10] [--pollers 100] [--worker-concurrency 200] [--profile]
//
// starts:     --concurrency callers send StartExecution back to back for a one-Pass machine:
//             the api's CPU per StartExecution.
// throughput: the same callers start --n executions of the activity machine; tasks/s is --n over
//             the time from the first start to the worker's last answer.
// dispatch:   executions started at --rate per second (open loop) for --seconds; dispatch is
//             StartExecution sent -> the worker's handler called with that task.
// CPU is read from /proc: the api's (the server's main thread), and per task also the worker
// thread's, redis-server's and the library process's. With --profile the server runs with
// --cpu-prof and the last line says where the api's time went, by module and by action (the
// profile is kept, for Chrome's DevTools). Prints one JSON line per run and one with the
// medians; nothing is asserted.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { caller, quantile, repeatRuns, ROLE } from './client.mjs';
import { summarize } from './cpu-profile.mjs';
import { root, startRedStep } from './server.mjs';

const { values: o } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    n: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '64' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    pollers: { type: 'string', default: '100' },
    'worker-concurrency': { type: 'string', default: '200' },
    profile: { type: 'boolean', default: false },
  },
});
const num = (k) => Number(o[k]);
const profileDir = o.profile ? mkdtempSync(join(tmpdir(), 'redstep-prof-')) : undefined;
const redstep = await startRedStep({ nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
const call = caller(redstep.endpoint, 512);
const tag = Date.now().toString(36);

/** CPU seconds a /proc stat line reports (utime + stime, in clock ticks of 10 ms). */
function cpuOf(statPath) {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of the server's main thread, where the api runs. */
const apiCpu = () => cpuOf(`/proc/${redstep.pid}/task/${redstep.pid}/stat`);
/** CPU seconds of the server's other threads: its worker, libuv's pool. */
const workerThreadsCpu = () =>
  readdirSync(`/proc/${redstep.pid}/task`)
    .filter((tid) => tid !== String(redstep.pid))
    .reduce((sum, tid) => sum + cpuOf(`/proc/${redstep.pid}/task/${tid}/stat`), 0);
/** The private redis-server, the server's child. */
const redisPid = readFileSync(`/proc/${redstep.pid}/task/${redstep.pid}/children`, 'utf8')
  .trim()
  .split(' ')
  .find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('redis-server'));
const redisCpu = () => cpuOf(`/proc/${redisPid}/stat`);

async function metric(name, labels) {
  const text = await (await fetch(`${redstep.endpoint}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}
const requests = (action) => metric('redstep_api_requests_total', `action="${action}",error_code="none"`);

async function machine(name, definition) {
  return (await call('CreateStateMachine', { name: `${name}-${tag}`, roleArn: ROLE, definition: JSON.stringify(definition) })).stateMachineArn;
}

async function drained(arn) {
  while ((await call('ListExecutions', { stateMachineArn: arn, statusFilter: 'RUNNING', maxResults: 1 })).executions.length) await sleep(100);
}

/** Sends `n` StartExecution calls from `concurrency` callers back to back. */
async function closedLoop(arn, n, concurrency, input) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await call('StartExecution', { stateMachineArn: arn, input: JSON.stringify(input(i)) });
      }
    }),
  );
}

async function measureStarts(run) {
  const arn = await machine(`act-starts-${run}`, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  await closedLoop(arn, 200, num('concurrency'), () => ({}));
  await drained(arn);
  const cpu0 = apiCpu();
  const t0 = performance.now();
  await closedLoop(arn, num('n'), num('concurrency'), () => ({}));
  const wall = (performance.now() - t0) / 1000;
  const cpu = apiCpu() - cpu0;
  await drained(arn);
  return { starts_per_s: Math.round(num('n') / wall), api_cpu_ms_per_start: Math.round((1e4 * cpu) / num('n')) / 10 };
}

/** The library worker in its own process, polling `activityArn`. */
async function startWorker(activityArn) {
  const child = fork(join(root, 'bench/activity-worker.mjs'), [JSON.stringify({ endpoint: redstep.endpoint, activityArn, pollers: num('pollers'), concurrency: num('worker-concurrency') })], { cwd: root });
  await new Promise((resolve) => child.once('message', resolve));
  const report = () =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send('report');
    });
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.send('stop');
    });
  return { report, stop };
}

async function until(check) {
  while (!(await check())) await sleep(20);
}

async function measureActivity(run) {
  const { activityArn } = await call('CreateActivity', { name: `bench-act-${run}-${tag}` });
  const arn = await machine(`act-tasks-${run}`, { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
  const activity = activityArn.split(':').pop();
  const worker = await startWorker(activityArn);
  await until(async () => (await metric('redstep_activity_pollers', `activity="${activity}"`)) >= num('pollers'));
  const openPolls = await metric('redstep_activity_pollers', `activity="${activity}"`);

  // Throughput: as fast as the callers and the worker go.
  const n = num('n');
  const before = { get: await requests('GetActivityTask'), send: await requests('SendTaskSuccess'), cpu: apiCpu(), thread: workerThreadsCpu(), redis: redisCpu(), library: (await worker.report()).cpu };
  const t0 = performance.now();
  await closedLoop(arn, n, num('concurrency'), () => ({ t: Date.now() }));
  let answered = 0;
  await until(async () => (answered = (await worker.report()).answered) >= n);
  const wall = (performance.now() - t0) / 1000;
  const cpu = apiCpu() - before.cpu;
  const perTask = (seconds) => Math.round((1e4 * seconds) / n) / 10;
  const cpuPerTask = { api: perTask(cpu), worker_thread: perTask(workerThreadsCpu() - before.thread), redis: perTask(redisCpu() - before.redis), library_worker: perTask((await worker.report()).cpu - before.library) };
  const gets = (await requests('GetActivityTask')) - before.get;
  const sends = (await requests('SendTaskSuccess')) - before.send;

  // Dispatch at a fixed rate.
  const rate = num('rate');
  const total = rate * num('seconds');
  const starts = [];
  let sent = 0;
  const t1 = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t1) / 1000) * rate));
    for (; sent < due; sent++) starts.push(call('StartExecution', { stateMachineArn: arn, input: JSON.stringify({ t: Date.now() }) }));
    await sleep(2);
  }
  await Promise.all(starts);
  let dispatch = [];
  await until(async () => {
    const r = await worker.report();
    dispatch = dispatch.concat(r.dispatch);
    return r.answered >= answered + total;
  });
  await worker.stop();
  await drained(arn);
  const measured = dispatch.slice(-Math.floor(total * 0.95)); // after a warm-up
  return {
    tasks_per_s: Math.round(n / wall),
    open_polls: openPolls,
    api_cpu_ms_per_task: cpuPerTask.api,
    cpu_ms_per_task: cpuPerTask,
    calls_per_task: { GetActivityTask: Math.round((100 * gets) / n) / 100, SendTaskSuccess: Math.round((100 * sends) / n) / 100 },
    rate_per_s: rate,
    dispatch_p50_ms: quantile(measured, 0.5),
    dispatch_p99_ms: quantile(measured, 0.99),
  };
}

await repeatRuns(num('repeat'), async (run) => ({ starts: await measureStarts(run), activity: await measureActivity(run) }), {
  tasks_per_s: (r) => r.activity.tasks_per_s,
  dispatch_p50_ms: (r) => r.activity.dispatch_p50_ms,
  dispatch_p99_ms: (r) => r.activity.dispatch_p99_ms,
  open_polls: (r) => r.activity.open_polls,
  api_cpu_ms_per_start: (r) => r.starts.api_cpu_ms_per_start,
  api_cpu_ms_per_task: (r) => r.activity.api_cpu_ms_per_task,
});
await redstep.stop();
if (profileDir) {
  const main = readdirSync(profileDir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f)) ?? readdirSync(profileDir)[0];
  const actions = {
    StartExecution: { file: 'apps/api/dist/handlers/executions.js', factory: 'startExecution' },
    GetActivityTask: { file: 'apps/api/dist/handlers/tasks.js', factory: 'getActivityTask', helpers: ['longPoll'] },
    SendTaskSuccess: { file: 'apps/api/dist/handlers/tasks.js', factory: 'sendTaskSuccess' },
  };
  console.log(JSON.stringify({ profile: join(profileDir, main), ...summarize(join(profileDir, main), actions) }));
}
