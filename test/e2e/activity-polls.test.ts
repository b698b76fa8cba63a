import { CreateActivityCommand, CreateStateMachineCommand, GetActivityTaskCommand, SendTaskSuccessCommand, StartExecutionCommand, type GetActivityTaskCommandOutput } from '@aws-sdk/client-sfn';
import { Redis } from 'ioredis';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, pollingClient, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const cluster = clusterFixture();

const POLLS = 2_000;
const HUNG_UP = 300;
const TASKS = 500;

/** The api's `redstep_activity_pollers` for one activity: polls it holds open. */
async function pollersOpen(endpoint: string, activity: string): Promise<number> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`redstep_activity_pollers{activity="${activity}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function connectedClients(redis: Redis): Promise<number> {
  const info = await redis.info('clients');
  return Number(/connected_clients:(\d+)/.exec(info)![1]);
}

async function activityMachine(prefix: string) {
  const { sfn } = cluster;
  const name = uniqueName(prefix);
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name }));
  const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } };
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: uniqueName(prefix), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  return { name, activityArn: activityArn!, stateMachineArn: stateMachineArn! };
}

test(`${POLLS} waiting polls share a fixed few Redis connections; each task goes out once; hung-up polls lose nothing; the rest end empty at 60 s`, async () => {
  const { sfn, api } = cluster;
  const { name, activityArn, stateMachineArn } = await activityMachine('many-polls');
  const redis = new Redis(cluster.redis.url);
  const pollers = pollingClient(api.endpoint, POLLS + 10);
  try {
    const before = await connectedClients(redis);

    const hangUp = new AbortController();
    setMaxListeners(HUNG_UP + 10, hangUp.signal);
    const polls = Array.from({ length: POLLS }, (_, i) => {
      const started = performance.now();
      const signal = i < HUNG_UP ? hangUp.signal : undefined;
      return pollers.send(new GetActivityTaskCommand({ activityArn, workerName: `poller-${i}` }), signal ? { abortSignal: signal } : {}).then(
        (out: GetActivityTaskCommandOutput) => ({ i, out, ms: performance.now() - started }),
        (err: Error) => ({ i, err: err.name, ms: performance.now() - started }),
      );
    });
    await until(`${POLLS} polls open`, async () => (await pollersOpen(api.endpoint, name)) === POLLS);
    // The api holds every poll on the connections it had before any was open.
    expect(await connectedClients(redis)).toBeLessThanOrEqual(before);

    // Some pollers go away mid-poll; nothing may be handed to them.
    hangUp.abort();
    await until('hung-up polls to leave', async () => (await pollersOpen(api.endpoint, name)) === POLLS - HUNG_UP);

    // Each poll that gets a task answers it at once, so its execution can succeed.
    const answered = polls.map((p) =>
      p.then(async (r) => {
        if ('out' in r && r.out.taskToken) await sfn.send(new SendTaskSuccessCommand({ taskToken: r.out.taskToken, output: r.out.input! }));
        return r;
      }),
    );
    const executions = await Promise.all(Array.from({ length: TASKS }, (_, n) => sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ n }) }))));
    for (const { executionArn } of executions) expect((await waitForEnd(sfn, executionArn!, 60_000)).status).toBe('SUCCEEDED');
    expect(await connectedClients(redis)).toBeLessThanOrEqual(before);

    const results = await Promise.all(answered);
    const hungUp = results.slice(0, HUNG_UP);
    expect(hungUp.every((r) => 'err' in r && r.err === 'AbortError')).toBe(true);
    const served = results.filter((r) => 'out' in r && r.out.taskToken);
    // Every task went to exactly one poll, and every input arrived once.
    expect(served).toHaveLength(TASKS);
    expect(new Set(served.map((r) => ('out' in r ? r.out.taskToken : ''))).size).toBe(TASKS);
    expect(served.map((r) => ('out' in r ? (JSON.parse(r.out.input!) as { n: number }).n : -1)).sort((a, b) => a - b)).toEqual(Array.from({ length: TASKS }, (_, n) => n));
    // The others waited the whole long poll and answered empty, as AWS does.
    const empty = results.slice(HUNG_UP).filter((r) => !('out' in r && r.out.taskToken));
    expect(empty).toHaveLength(POLLS - HUNG_UP - TASKS);
    for (const r of empty) {
      expect('out' in r ? r.out.taskToken : r.err).toBeUndefined();
      expect(r.ms).toBeGreaterThanOrEqual(59_900);
    }
    const started = await Promise.all(executions.slice(0, 50).map(async ({ executionArn }) => (await history(sfn, executionArn!)).filter((e) => e.type === 'ActivityStarted').length));
    expect(started.every((n) => n === 1)).toBe(true);
  } finally {
    pollers.destroy();
    redis.disconnect();
  }
}, 180_000);

test('polls on one api are served first come, first served', async () => {
  const { sfn, api } = cluster;
  const { name, activityArn, stateMachineArn } = await activityMachine('fcfs');
  const pollers = pollingClient(api.endpoint, 10);
  try {
    const order: number[] = [];
    const polls: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      polls.push(pollers.send(new GetActivityTaskCommand({ activityArn })).then(() => order.push(i)));
      await until(`poll ${i} open`, async () => (await pollersOpen(api.endpoint, name)) === i + 1);
    }
    for (let n = 0; n < 5; n++) {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
      await until(`task ${n} handed out`, async () => order.length === n + 1);
    }
    await Promise.all(polls);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  } finally {
    pollers.destroy();
  }
}, 120_000);
