#!/usr/bin/env node
// Chaos soak (`npm run chaos`, not part of `npm test`): a private Redis (AOF, appendfsync
// always), 1 api and N workers reaching it through latency proxies, a mixed workload, and
// SIGKILLs of workers, the api and Redis while it runs. Then every execution is checked against
// the outcome its definition determines. Exit code 1 if any execution was lost, ended wrong,
// has duplicated events or had an activity task handed out twice. See README "Chaos soak".
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Fleet } from './apps.mjs';
import { describe, history, listAll, checkExecution, submittedChild } from './check.mjs';
import { describeError, sfnClient, withRetry } from './client.mjs';
import { freePort, startLatencyProxy } from './net.mjs';
import { parseOptions, rng } from './options.mjs';
import { Pollers } from './pollers.mjs';
import { startRedis } from './redis.mjs';
import { selfCheck } from './selfcheck.mjs';
import { BARRIER_KINDS, childDefinitions, expectation, nextBarrier, parentDefinitions, planExecutions } from './workload.mjs';

// The SDK's notice that later versions need node 22 says nothing about this run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/redstep-soak';
const opts = (() => {
  try {
    return parseOptions();
  } catch (e) {
    console.error(`soak: ${e.message}`);
    process.exit(2);
  }
})();
const t0 = Date.now();
const say = (...a) => console.log(`[soak +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

const stats = {
  retries: {},
  faults: { workerKill: 0, allWorkersKill: 0, apiKill: 0, redisKill: 0 },
  unexpectedExits: [],
  pollerFaults: [],
  harness: [],
};

const dir = mkdtempSync(join(tmpdir(), 'redstep-soak-'));
const logDir = join(dir, 'logs');
mkdirSync(logDir);
let fleet;
try {
  fleet = new Fleet({
    logDir,
    root: opts.root,
    onUnexpectedExit: (proc, code, signal) => {
      stats.unexpectedExits.push({ id: proc.id, code, signal, tail: fleet.tail(proc, 8) });
      say(`!! ${proc.id} exited by itself (${code ?? signal})`);
    },
  });
} catch (e) {
  console.error(`soak: ${e.message}`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
}
let redis;
const proxies = [];
process.on('exit', () => {
  fleet?.killAllNow();
  try {
    redis?.process.kill('SIGKILL');
  } catch {
    // gone
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`soak: harness error: ${e?.stack ?? e}`);
    console.error(`soak: logs kept in ${dir}`);
    console.log('soak: 0 passed, 1 failed');
    process.exit(2);
  },
);

async function main() {
  const broken = selfCheck();
  if (broken.length) throw new Error(`the soak's own checks are broken (node test/soak/selfcheck.mjs):\n  ${broken.join('\n  ')}`);
  if (opts.root) say(`apps from ${opts.root}`);
  say(`seed ${opts.seed}: ${opts.executions} executions over ${opts.duration}s, ${opts.workers} workers, latency ${opts.latencyMs}ms (api ${opts.apiLatencyMs}ms), ` +
    `${opts.faults ? `faults every ${opts.faultInterval.join('-')}ms, ${opts.redisKills} Redis kills` : 'no faults'}; dir ${dir}`);

  // Redis, the proxies, the api and the workers.
  const redisDir = join(dir, 'redis');
  const redisPort = await freePort();
  redis = await startRedis({ dir: redisDir, port: redisPort });
  const workerProxy = await startLatencyProxy(redisPort, opts.latencyMs);
  const apiProxy = await startLatencyProxy(redisPort, opts.apiLatencyMs);
  proxies.push(workerProxy, apiProxy);
  const apiPort = await freePort();
  const endpoint = `http://127.0.0.1:${apiPort}`;
  // Workers log each committed step (debug) so a failed execution's steps can be read back.
  const startApi = () => fleet.start('api', { REDIS_URL: apiProxy.url, PORT: String(apiPort), HOST: '127.0.0.1', LOG_LEVEL: opts.apiLogLevel });
  const startWorker = async () => fleet.start('worker', { REDIS_URL: workerProxy.url, METRICS_PORT: String(await freePort()), LOG_LEVEL: opts.workerLogLevel });
  await startApi();
  await Promise.all(Array.from({ length: opts.workers }, startWorker));
  say(`redis :${redisPort} (workers via :${workerProxy.port}, api via :${apiProxy.port}), api ${endpoint}, ${opts.workers} workers up`);

  const client = sfnClient(endpoint);
  const answerClient = sfnClient(endpoint);
  const pollClient = sfnClient(endpoint, { maxAttempts: 1, requestTimeout: 75_000 });

  // Machines and the activity.
  const { activityArn } = await withRetry(stats, 'CreateActivity', () => client.send(new CreateActivityCommand({ name: 'soak-work' })));
  const machineArn = {};
  const create = async (name, definition) => {
    const out = await withRetry(stats, 'CreateStateMachine', () =>
      client.send(new CreateStateMachineCommand({ name: `soak-${name}`, definition: JSON.stringify(definition), roleArn: ROLE_ARN })));
    machineArn[name] = out.stateMachineArn;
  };
  for (const [name, def] of Object.entries(childDefinitions(activityArn))) await create(name, def);
  for (const [name, def] of Object.entries(parentDefinitions(activityArn, machineArn))) await create(name, def);
  const executionArn = (machine, name) => `${machineArn[machine].replace(':stateMachine:', ':execution:')}:${name}`;

  const executions = planExecutions(opts.executions, opts.seed, rng(opts.seed)).map((p) => ({
    ...p,
    arn: executionArn(p.kind, p.name),
    startAcked: false,
    stopAcked: false,
    redriveAcked: false,
  }));
  const kinds = {};
  for (const ex of executions) kinds[ex.kind] = (kinds[ex.kind] ?? 0) + 1;
  say(`plan: ${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`);

  // Answers, stops and redrives go out just after a barrier (as do the kills), into the busiest moments.
  const aimRand = rng(opts.seed ^ 0xa1);
  const aim = () => nextBarrier(t0, Date.now()) + aimRand.int(0, 40) - Date.now();
  const pollers = new Pollers({ pollClient, client: answerClient, activityArn, count: opts.pollers, stats, aim });
  pollers.start();

  // ---- workload: starts spread over 80 % of the duration; stops and redrives as they fall due.
  const background = new Set();
  const track = (p) => {
    background.add(p);
    void p.finally(() => background.delete(p));
    return p;
  };
  const startOne = async (ex) => {
    // Fixed before the first attempt: a retried start sends the same input.
    if (BARRIER_KINDS.has(ex.kind)) ex.input = { ...ex.input, at: new Date(nextBarrier(t0, Date.now() + 1000)).toISOString() };
    let attempts = 0;
    try {
      await withRetry(stats, 'StartExecution', async () => {
        attempts++;
        try {
          return await client.send(new StartExecutionCommand({ stateMachineArn: machineArn[ex.kind], name: ex.name, input: JSON.stringify(ex.input) }));
        } catch (e) {
          // A retry of a start whose answer was lost: the first attempt made it (and it has ended).
          if (attempts > 1 && e?.name === 'ExecutionAlreadyExists') return undefined;
          throw e;
        }
      }, { deadlineMs: 120_000 });
      ex.startAcked = true;
      if (ex.kind === 'stop') track(sleep(ex.stopAfterMs).then(() => sleep(aim())).then(() => stopOne(ex)));
    } catch (e) {
      ex.startError = describeError(e);
      stats.harness.push(`${ex.name}: StartExecution gave up: ${ex.startError}`);
    }
  };
  const stopOne = async (ex) => {
    try {
      await withRetry(stats, 'StopExecution', () => client.send(new StopExecutionCommand({ executionArn: ex.arn, error: 'Soak.Stopped', cause: 'stopped by the soak' })), { deadlineMs: 120_000 });
      ex.stopAcked = true;
    } catch (e) {
      ex.stopError = describeError(e);
      stats.harness.push(`${ex.name}: StopExecution gave up: ${ex.stopError}`);
    }
  };
  const starter = (async () => {
    const window = opts.duration * 1000 * 0.8;
    const inFlight = new Set();
    for (const ex of executions) {
      const due = t0 + (ex.i * window) / executions.length;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight.size >= 8) await Promise.race(inFlight);
      const p = startOne(ex);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
  })();

  // Redrive: an execution of kind redrive that FAILED as designed is redriven once.
  let redriving = true;
  const redriver = (async () => {
    while (redriving) {
      const due = [];
      for (const ex of executions) {
        if (ex.kind !== 'redrive' || !ex.startAcked || ex.redriveAcked || ex.redriveSkipped || !redriving) continue;
        const d = await describe(client, stats, ex.arn).catch(() => undefined);
        if (d?.status !== 'FAILED') continue;
        if (d.error !== 'Soak.Deliberate' && (d.redriveCount ?? 0) === 0) ex.redriveSkipped = `FAILED with ${d.error}: ${String(d.cause).slice(0, 160)}`;
        else due.push(ex);
      }
      if (due.length) await sleep(aim());
      await Promise.all(due.map(async (ex) => {
        try {
          await withRetry(stats, 'RedriveExecution', () => client.send(new RedriveExecutionCommand({ executionArn: ex.arn, clientToken: `soak-${ex.name}` })), { deadlineMs: 120_000 });
          ex.redriveAcked = true;
        } catch (e) {
          ex.redriveSkipped = `RedriveExecution: ${describeError(e)}`;
        }
      }));
      await sleep(1500);
    }
  })();

  // ---- faults
  let lock = Promise.resolve();
  const serial = (fn) => (lock = lock.then(fn, fn));
  const ensureFleet = () => serial(async () => {
    if (fleet.living('api').length === 0) await startApi();
    while (fleet.living('worker').length < opts.workers) await startWorker();
  });
  const supervisor = setInterval(() => void ensureFleet().catch((e) => stats.harness.push(`restart failed: ${describeError(e)}`)), 1000);

  // The fault plan, drawn from the seed before anything runs: what, when (a few ms after a
  // barrier, when many steps are between their commit and their follow-ups), which victim, how
  // long down. The same seed replays the same plan; only the system's timing differs.
  const faultRand = rng(opts.seed ^ 0x5eed);
  const schedule = [];
  if (opts.faults) {
    const redisAt = Array.from({ length: opts.redisKills }, (_, k) => ((k + 1) * opts.duration * 1000) / (opts.redisKills + 1));
    for (let t = 3000; ;) {
      t += faultRand.int(opts.faultInterval[0], opts.faultInterval[1]);
      if (t >= opts.duration * 1000) break;
      const type = redisAt.length && t >= redisAt[0]
        ? (redisAt.shift(), 'redis')
        : faultRand.pick([['worker', 50], ['api', 25], ['api+worker', 10], ['all-workers', 10]]);
      schedule.push({ at: nextBarrier(0, t) + faultRand.int(5, 80), type, pick: faultRand.next(), down: faultRand.int(0, 1500) });
    }
    const counts = {};
    for (const f of schedule) counts[f.type] = (counts[f.type] ?? 0) + 1;
    say(`fault plan: ${schedule.length} faults (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')})`);
  }
  const killWorker = async (f) => {
    const living = fleet.living('worker');
    if (!living.length) return;
    const victim = living[Math.floor(f.pick * living.length)];
    await fleet.kill(victim);
    stats.faults.workerKill++;
    say(`fault: SIGKILL ${victim.id}`);
    await startWorker();
  };
  const killAllWorkers = async (f) => {
    const living = fleet.living('worker');
    await Promise.all(living.map((w) => fleet.kill(w)));
    stats.faults.allWorkersKill++;
    const down = 200 + f.down;
    say(`fault: SIGKILL every worker (${living.map((w) => w.id).join(', ')}), new ones in ${down}ms`);
    await sleep(down);
    await Promise.all(living.map(() => startWorker()));
  };
  const killApi = async (f) => {
    const [api] = fleet.living('api');
    if (!api) return;
    await fleet.kill(api);
    stats.faults.apiKill++;
    say(`fault: SIGKILL ${api.id}, restart in ${f.down}ms`);
    await sleep(f.down);
    await startApi();
  };
  const killRedis = async (f) => {
    await redis.kill('SIGKILL');
    stats.faults.redisKill++;
    const down = Math.max(300, f.down);
    say(`fault: SIGKILL redis-server, restart from its AOF in ${down}ms`);
    await sleep(down);
    redis = await startRedis({ dir: redisDir, port: redisPort });
  };
  const run = {
    worker: killWorker,
    api: killApi,
    'api+worker': (f) => Promise.all([killApi(f), killWorker(f)]),
    'all-workers': killAllWorkers,
    redis: killRedis,
  };
  const faults = (async () => {
    for (const f of schedule) {
      const wait = t0 + f.at - Date.now();
      if (wait > 0) await sleep(wait);
      await serial(() => run[f.type](f));
    }
  })();

  const progress = setInterval(() => {
    const acked = executions.filter((e) => e.startAcked).length;
    say(`progress: ${acked}/${executions.length} started, ${pollers.tokens.size} activity tokens, faults ${JSON.stringify(stats.faults)}`);
  }, 15_000);

  await faults;
  await starter;
  say('faults over: every execution start answered or given up; bringing the fleet back');
  await ensureFleet();

  // ---- settle: every execution leaves RUNNING (and redrives are done), or the time runs out.
  const settleEnd = Date.now() + opts.settle * 1000;
  const isSettled = (ex, d) => d && d.status !== 'RUNNING' && !(ex.kind === 'redrive' && d.status === 'FAILED' && !ex.redriveAcked && !ex.redriveSkipped);
  let open = executions;
  while (Date.now() < settleEnd) {
    await Promise.allSettled([...background]);
    const states = await mapLimit(open, 8, async (ex) => [ex, await describe(client, stats, ex.arn).catch(() => undefined)]);
    open = states.filter(([ex, d]) => !isSettled(ex, d) && !(ex.startError && !d)).map(([ex]) => ex);
    if (!open.length) break;
    say(`settling: ${open.length} not ended (${[...new Set(open.map((e) => e.kind))].join(', ')})`);
    await sleep(3000);
  }
  clearInterval(progress);
  redriving = false;
  await redriver;
  await Promise.allSettled([...background]);
  say(`settled${open.length ? ` with ${open.length} still open` : ''}; checking ${executions.length} executions`);

  // ---- check
  const results = new Map(executions.map((ex) => [ex.name, { ex, problems: [] }]));
  const byArn = new Map(executions.map((ex) => [ex.arn, ex]));
  const childRefs = new Map(); // child ARN -> parent execution
  let activityTimeouts = 0;
  let lateAnswers = 0;
  const childDeadline = Date.now() + 30_000;
  await mapLimit(executions, 6, async (ex) => {
    const r = results.get(ex.name);
    const exp = expectation(ex);
    const d = await describe(client, stats, ex.arn);
    if (!d && !ex.startAcked) {
      r.problems.push({ category: 'unstarted', msg: `StartExecution never answered: ${ex.startError}` });
      return;
    }
    const events = d ? await history(client, stats, ex.arn) : [];
    r.events = events;
    const checked = checkExecution(d, events, exp, pollers);
    r.problems.push(...checked.problems);
    activityTimeouts += checked.activityTimeouts;
    lateAnswers += checked.lateAnswers;
    if (ex.kind === 'stop' && !ex.stopAcked) r.problems.push({ category: 'harness', msg: `the soak never got StopExecution through: ${ex.stopError}` });
    if (ex.kind === 'redrive' && ex.redriveSkipped) r.problems.push({ category: 'wrong', msg: `not redriven: ${ex.redriveSkipped}` });
    if (!exp.child) return;
    const submitted = submittedChild(events);
    const childArn = exp.child.name ? executionArn(exp.child.machine, exp.child.name) : submitted;
    if (!childArn) {
      if (!exp.child.optional && d?.status === exp.status) r.problems.push({ category: 'wrong', msg: 'no TaskSubmitted naming the child execution' });
      return;
    }
    childRefs.set(childArn, ex);
    let cd = await describe(client, stats, childArn);
    while (cd?.status === 'RUNNING' && Date.now() < childDeadline) {
      await sleep(1000);
      cd = await describe(client, stats, childArn);
    }
    if (!cd) {
      if (submitted) r.problems.push({ category: 'lost', msg: `child ${childArn} named by TaskSubmitted does not exist` });
      return;
    }
    const child = checkExecution(cd, await history(client, stats, childArn), exp.child, pollers);
    activityTimeouts += child.activityTimeouts;
    lateAnswers += child.lateAnswers;
    r.problems.push(...child.problems.map((p) => ({ ...p, msg: `child ${cd.name}: ${p.msg}` })));
  });

  // Children no parent names: a nested start that ran twice.
  for (const machine of ['workChild', 'holdChild', 'cbChild']) {
    for (const c of await listAll(client, stats, machineArn[machine])) {
      if (childRefs.has(c.executionArn)) continue;
      const cd = await describe(client, stats, c.executionArn);
      let id;
      try {
        id = JSON.parse(cd?.input ?? '{}').id;
      } catch {
        // unparsable input: unattributed
      }
      const parent = executions.find((ex) => ex.i === id);
      const problem = { category: 'duplicated', msg: `extra child ${c.executionArn} (${c.status}) that no TaskSubmitted names` };
      if (parent) results.get(parent.name).problems.push(problem);
      else stats.harness.push(problem.msg);
    }
  }
  // Activity tokens handed out twice.
  for (const dupe of pollers.duplicates) {
    const owner = byArn.get(dupe.owner) ?? childRefs.get(dupe.owner);
    const problem = { category: 'dispatch', msg: `activity task (${dupe.kind}) of ${dupe.owner} handed out twice` };
    if (owner) results.get(owner.name).problems.push(problem);
    else stats.harness.push(problem.msg);
  }

  // ---- report
  const failed = [...results.values()].filter((r) => r.problems.length);
  const withCategory = (c) => failed.filter((r) => r.problems.some((p) => p.category === c)).length;
  for (const r of failed.slice(0, 10)) {
    console.log(`\n✗ ${r.ex.name} (${r.ex.kind}) ${r.ex.arn}`);
    console.log(`  input ${JSON.stringify(r.ex.input)}${r.ex.kind === 'stop' ? `, stop after ${r.ex.stopAfterMs}ms (acked: ${r.ex.stopAcked})` : ''}`);
    for (const p of r.problems) console.log(`  [${p.category}] ${p.msg}`);
    if (r.events?.length) {
      console.log(`  -- history (${r.events.length} events${r.events.length > 24 ? ', the last 24' : ''})`);
      for (const e of r.events.slice(-24)) {
        const detail = e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? e.activityTimedOutEventDetails?.error ?? e.executionFailedEventDetails?.error ?? '';
        console.log(`     ${String(e.id).padStart(3)} ${e.timestamp.toISOString().slice(11, 23)} ${e.type} ${detail}`);
      }
    }
    const logged = fleet.grep(r.ex.name, 8);
    if (!logged.length) console.log('  -- no process log line names it');
    for (const { id, lines } of logged) {
      console.log(`  -- ${id} (last lines naming it)`);
      for (const l of lines) console.log(`     ${l.slice(0, 400)}`);
    }
  }
  if (failed.length > 10) console.log(`\n... and ${failed.length - 10} more failed executions`);
  const byKind = {};
  for (const r of results.values()) {
    const k = (byKind[r.ex.kind] ??= { total: 0, failed: 0 });
    k.total++;
    if (r.problems.length) k.failed++;
  }
  console.log('\n==== chaos soak summary ====');
  const defaults = parseOptions([], {});
  const flags = [`--seed ${opts.seed}`, `--executions ${opts.executions}`, `--duration ${opts.duration}`, `--workers ${opts.workers}`, `--latency-ms ${opts.latencyMs}`];
  if (opts.apiLatencyMs !== opts.latencyMs) flags.push(`--api-latency-ms ${opts.apiLatencyMs}`);
  if (opts.settle !== defaults.settle) flags.push(`--settle ${opts.settle}`);
  if (opts.pollers !== defaults.pollers) flags.push(`--pollers ${opts.pollers}`);
  if (!opts.faults) flags.push('--no-faults');
  else if (opts.redisKills !== defaults.redisKills) flags.push(`--redis-kills ${opts.redisKills}`);
  if (opts.faultInterval.join('-') !== defaults.faultInterval.join('-')) flags.push(`--fault-interval-ms ${opts.faultInterval.join('-')}`);
  if (opts.root) flags.push(`--root ${opts.root}`);
  console.log(`seed ${opts.seed}; rerun: npm run chaos -- ${flags.join(' ')}`);
  console.log(`executions: ${executions.length} planned, ${executions.filter((e) => e.startAcked).length} started (acknowledged)`);
  console.log(`by kind: ${Object.entries(byKind).map(([k, v]) => `${k} ${v.total - v.failed}/${v.total}`).join(', ')}`);
  console.log(`lost: ${withCategory('lost')}   wrong: ${withCategory('wrong')}   duplicated events: ${withCategory('duplicated')}   duplicated activity dispatches: ${pollers.duplicates.length}   unstarted: ${withCategory('unstarted')}   harness: ${withCategory('harness')}`);
  const tagged = (tag) => failed.filter((r) => r.problems.some((p) => p.tag === tag)).length;
  if (tagged('answer-lost') || tagged('heartbeat-lost')) {
    console.log(`  of the wrong: ${tagged('answer-lost')} with an acknowledged activity answer lost to a later time-out, ${tagged('heartbeat-lost')} with an acknowledged heartbeat ignored`);
  }
  console.log(`faults: ${stats.faults.workerKill} worker kills, ${stats.faults.allWorkersKill} all-worker kills, ${stats.faults.apiKill} api kills, ${stats.faults.redisKill} redis kills; unexpected process exits: ${stats.unexpectedExits.length}`);
  console.log(`activity: ${pollers.tokens.size} tokens handed out, ${activityTimeouts} ActivityTimedOut (failed GetActivityTask calls: ${pollers.pollErrors}), ${lateAnswers} answers acknowledged as their time-out committed, ${stats.pollerFaults.length} poller errors`);
  console.log(`client retries: ${Object.entries(stats.retries).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  for (const x of stats.unexpectedExits) console.log(`unexpected exit ${x.id} (${x.code ?? x.signal}):\n   ${x.tail.join('\n   ')}`);
  for (const m of [...stats.harness, ...stats.pollerFaults, ...pollers.pollErrorSamples].slice(0, 20)) console.log(`note: ${m}`);

  // ---- teardown
  clearInterval(supervisor);
  await lock;
  await pollers.stop();
  await fleet.stopAll();
  for (const c of [client, answerClient, pollClient]) c.destroy();
  await redis.kill('SIGTERM');
  await Promise.all(proxies.map((p) => p.close()));
  const ok = failed.length === 0;
  if (ok && !opts.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`logs and Redis AOF kept in ${dir}`);
  console.log(`soak: ${results.size - failed.length} passed, ${failed.length} failed`);
  return ok ? 0 : 1;
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await fn(items[k]);
    }
  }));
  return out;
}
