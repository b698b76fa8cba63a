import { CreateActivityCommand, CreateStateMachineCommand, DescribeActivityCommand, GetActivityTaskCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApiProcess, startWorkerProcess, type AppProcess, type SpawnOptions } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, pollingClient, ROLE_ARN, uniqueName } from '../support/sfn.js';

// Each test runs its own api with a small open-file limit, on a Redis and worker they share.
let redis: TestRedis;
let worker: AppProcess;
beforeAll(async () => {
  redis = await startTestRedis();
  worker = await startWorkerProcess(redis.url, redis.env);
});
afterAll(async () => {
  await worker?.kill();
  await redis?.stop();
});

type Outcome = { token?: string; error?: string; status?: number };

/** Opens `n` polls on the activity; each settles with its token, or its error's name and HTTP status. */
function openPolls(sfn: SFNClient, activityArn: string, n: number, signal: AbortSignal): Promise<Outcome>[] {
  return Array.from({ length: n }, () =>
    sfn.send(new GetActivityTaskCommand({ activityArn }), { abortSignal: signal }).then(
      (out): Outcome => ({ ...(out.taskToken && { token: out.taskToken }) }),
      (err: Error & { $metadata?: { httpStatusCode?: number } }): Outcome => ({ error: err.name, ...(err.$metadata?.httpStatusCode && { status: err.$metadata.httpStatusCode }) }),
    ),
  );
}

async function settledCount(polls: Promise<Outcome>[]): Promise<Outcome[]> {
  const marker = Symbol('pending');
  const states = await Promise.all(polls.map((p) => Promise.race([p, Promise.resolve(marker)])));
  return states.filter((s): s is Outcome => s !== marker);
}

async function setUp(control: SFNClient) {
  const name = uniqueName('limits');
  const { activityArn } = await control.send(new CreateActivityCommand({ name }));
  const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } };
  const { stateMachineArn } = await control.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  return { activityArn: activityArn!, stateMachineArn: stateMachineArn! };
}

/**
 * Starts executions through the control client's connection (open before the polls) until
 * `served` polls got their task: the api keeps serving what it holds while refusing more.
 */
async function serveTasks(control: SFNClient, stateMachineArn: string, polls: Promise<Outcome>[], served: number): Promise<void> {
  for (let n = 0; n < served; n++) await control.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
  for (let i = 0; i < 600; i++) {
    if ((await settledCount(polls)).filter((o) => o.token).length >= served) return;
    await sleep(100);
  }
  throw new Error(`fewer than ${served} polls were served`);
}

/**
 * Runs `scenario` against an api of its own: a control client connected before the `n` polls
 * the scenario opens, and the polls, all aborted afterwards. Then the api must take a new
 * connection and have reported no error as unhandled.
 */
async function withPolls(env: Record<string, string>, options: SpawnOptions, n: number, scenario: (s: { api: AppProcess; control: SFNClient; stateMachineArn: string; polls: Promise<Outcome>[] }) => Promise<void>) {
  const api = await startApiProcess(redis.url, { ...redis.env, ...env }, options);
  const control = client(api.endpoint);
  const pollers = pollingClient(api.endpoint, n);
  const stop = new AbortController();
  setMaxListeners(n + 100, stop.signal);
  try {
    const { activityArn, stateMachineArn } = await setUp(control);
    const polls = openPolls(pollers, activityArn, n, stop.signal);
    await scenario({ api, control, stateMachineArn, polls });
    stop.abort();
    await Promise.all(polls);
    // Connections freed: a new client gets in.
    const fresh = client(api.endpoint);
    expect((await fresh.send(new DescribeActivityCommand({ activityArn }))).activityArn).toBe(activityArn);
    fresh.destroy();
    expect(api.output()).not.toMatch(/Unhandled|uncaught/i);
  } finally {
    stop.abort();
    control.destroy();
    pollers.destroy();
    await api.kill();
  }
}

test('connections past REDSTEP_MAX_CONNECTIONS are answered 503 ServiceUnavailable; the held ones are served', async () => {
  await withPolls({ REDSTEP_MAX_CONNECTIONS: '50' }, {}, 100, async ({ control, stateMachineArn, polls }) => {
    // The control client holds one of the 50: 49 polls wait, 51 are refused.
    for (let i = 0; i < 600 && (await settledCount(polls)).length < 51; i++) await sleep(100);
    const refused = await settledCount(polls);
    expect(refused).toHaveLength(51);
    expect(refused.every((o) => o.error === 'ServiceUnavailable' && o.status === 503)).toBe(true);
    await serveTasks(control, stateMachineArn, polls, 5);
  });
}, 120_000);

test('an api out of file descriptors loses the connections it cannot accept and keeps serving the rest', async () => {
  // No connection limit of its own: accepts fail with EMFILE once the 256 descriptors are used
  // (libuv then closes the connections it cannot hold).
  await withPolls({ REDSTEP_MAX_CONNECTIONS: '100000' }, { maxOpenFiles: 256 }, 400, async ({ api, control, stateMachineArn, polls }) => {
    for (let i = 0; i < 600 && (await settledCount(polls)).length === 0; i++) await sleep(100);
    const lost = await settledCount(polls);
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((o) => o.token === undefined && o.error !== undefined)).toBe(true);
    expect(api.child.exitCode).toBeNull();
    await serveTasks(control, stateMachineArn, polls, 5);
  });
}, 120_000);
