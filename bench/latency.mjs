#!/usr/bin/env node
// Latency of StartExecution and of activity dispatch, measured with a light HTTP client so the
// figures are the server's rather than the client's (the shared harness drives everything through
// one @aws-sdk/client-sfn process, which saturates a core on a 2-core machine long before RedStep).
//
//   npm run bench:latency -- [--endpoint URL] [--repeat 3] [--n 4000] [--concurrency 32]
//                            [--dispatch-n 1000] [--rate 200] [--pollers 32]
//
// start:    --concurrency callers send StartExecution back to back (closed loop) for a 20-Pass
//           machine, --n calls after a warm-up; the executions run on the worker meanwhile.
// dispatch: executions of a one-activity-Task machine are started at --rate per second (open
//           loop) while --pollers long-poll GetActivityTask and answer SendTaskSuccess; dispatch
//           is StartExecution sent -> GetActivityTask answered with that execution's task.
// Without --endpoint it starts a fresh one-process RedStep (build first). Prints one JSON line
// per run and one with the medians; nothing is asserted.
import { parseArgs } from 'node:util';
import { caller, quantile, repeatRuns, ROLE } from './client.mjs';
import { startRedStep } from './server.mjs';

const { values: o } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    n: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '32' },
    'dispatch-n': { type: 'string', default: '1000' },
    rate: { type: 'string', default: '200' },
    pollers: { type: 'string', default: '32' },
  },
});
const num = (k) => Number(o[k]);
const redstep = o.endpoint ? undefined : await startRedStep();
const url = new URL(o.endpoint ?? redstep.endpoint);
const call = caller(url.href);
const tag = Date.now().toString(36);

async function machine(name, definition) {
  const r = await call('CreateStateMachine', { name: `${name}-${tag}`, roleArn: ROLE, definition: JSON.stringify(definition) });
  return r.stateMachineArn;
}

async function drained(arn) {
  for (;;) {
    const r = await call('ListExecutions', { stateMachineArn: arn, statusFilter: 'RUNNING', maxResults: 1 });
    if (!r.executions.length) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

const chain = {
  StartAt: 'S0',
  States: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`S${i}`, i < 19 ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Pass', End: true }])),
};

async function measureStart(run) {
  const arn = await machine(`lat-start-${run}`, chain);
  const C = num('concurrency');
  const closedLoop = async (count, prefix) => {
    const lat = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < count) {
          const i = next++;
          const t = performance.now();
          await call('StartExecution', { stateMachineArn: arn, name: `${prefix}${i}`, input: JSON.stringify({ i }) });
          lat.push(performance.now() - t);
        }
      }),
    );
    return lat;
  };
  await closedLoop(500, 'w');
  await drained(arn);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lat = await closedLoop(num('n'), 'e');
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await drained(arn);
  return { concurrency: C, n: lat.length, starts_per_s: Math.round(lat.length / wall), p50_ms: quantile(lat, 0.5), p99_ms: quantile(lat, 0.99), max_ms: quantile(lat, 1), client_cpu_s: Math.round((cpu.user + cpu.system) / 1e4) / 100 };
}

async function measureDispatch(run) {
  const { activityArn } = await call('CreateActivity', { name: `lat-act-${run}-${tag}` });
  const arn = await machine(`lat-dispatch-${run}`, { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
  const N = num('dispatch-n');
  const sentAt = new Map();
  const dispatch = [];
  let received = 0;
  let stop = false;
  const poller = async () => {
    while (!stop) {
      const t = await call('GetActivityTask', { activityArn, workerName: 'bench' });
      if (!t.taskToken) continue;
      const { i } = JSON.parse(t.input);
      dispatch[i] = performance.now() - sentAt.get(i);
      received++;
      await call('SendTaskSuccess', { taskToken: t.taskToken, output: '{}' });
    }
  };
  const pollers = Array.from({ length: num('pollers') }, poller);
  const perTick = num('rate') / 100;
  let started = 0;
  let due = 0;
  const starts = [];
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      due += perTick;
      while (started < Math.min(N, Math.floor(due))) {
        const i = started++;
        sentAt.set(i, performance.now());
        starts.push(call('StartExecution', { stateMachineArn: arn, name: `d${i}`, input: JSON.stringify({ i }) }));
      }
      if (started >= N) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await Promise.all(starts);
  while (received < N) await new Promise((res) => setTimeout(res, 20));
  stop = true;
  // Pollers still waiting end with their long poll; do not wait 60 s for them.
  void Promise.allSettled(pollers);
  const measured = dispatch.slice(Math.min(50, N >> 2));
  return { rate_per_s: num('rate'), pollers: num('pollers'), n: N, dispatch_p50_ms: quantile(measured, 0.5), dispatch_p99_ms: quantile(measured, 0.99), dispatch_max_ms: quantile(measured, 1) };
}

await repeatRuns(num('repeat'), async (run) => ({ start: await measureStart(run), dispatch: await measureDispatch(run) }), {
  start_p50_ms: (r) => r.start.p50_ms,
  start_p99_ms: (r) => r.start.p99_ms,
  starts_per_s: (r) => r.start.starts_per_s,
  dispatch_p50_ms: (r) => r.dispatch.dispatch_p50_ms,
  dispatch_p99_ms: (r) => r.dispatch.dispatch_p99_ms,
});
await redstep?.stop();
process.exit(0);
