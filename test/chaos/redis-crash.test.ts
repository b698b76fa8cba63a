import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, test } from 'vitest';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const EXECUTIONS = 100;

let redis: TestRedis | undefined;
const processes: AppProcess[] = [];
let sfn: SFNClient | undefined;

afterAll(async () => {
  sfn?.destroy();
  await Promise.all(processes.map((p) => p.kill()));
  await redis?.stop();
});

test('Redis SIGKILLed and restarted from its AOF while executions wait and run: api and worker ride it out, every execution ends once', async (ctx) => {
  redis = await startTestRedis();
  if (!redis.restart) ctx.skip(); // a Redis this harness did not start (REDIS_URL, a container) cannot be killed here
  const api = await startApiProcess(redis.url);
  const worker = await startWorkerProcess(redis.url);
  processes.push(api, worker);
  sfn = client(api.endpoint);
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name: uniqueName('redis-crash') }));
  const definition = {
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: 1, Next: 'Work' },
      // A task handed out just as Redis died may never reach its worker: the timeout retries it.
      Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 3 }], Next: 'B' },
      B: { Type: 'Pass', End: true },
    },
  };
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('redis-crash'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const arns: string[] = [];
  for (let i = 0; i < EXECUTIONS; i++) {
    arns.push((await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ i }) }))).executionArn!);
  }

  // Activity workers that keep polling through the outage, as real ones would.
  let polling = true;
  const pollers = Array.from({ length: 8 }, async () => {
    while (polling) {
      try {
        const task = await sfn!.send(new GetActivityTaskCommand({ activityArn }));
        if (task.taskToken) await sfn!.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: task.input! }));
      } catch {
        await sleep(100);
      }
    }
  });

  await sleep(1200);
  await redis.restart!('SIGKILL', 500);

  try {
    for (const arn of arns) {
      const done = await waitForEnd(sfn, arn, 90_000);
      expect(done.status, `${arn}: ${done.error} ${done.cause}`).toBe('SUCCEEDED');
      const events = await history(sfn, arn);
      expect(events.map((e) => e.id)).toEqual(events.map((_, k) => k + 1));
      for (const type of ['ExecutionStarted', 'WaitStateExited', 'ActivitySucceeded', 'ExecutionSucceeded']) {
        expect(events.filter((e) => e.type === type), `${arn} ${type}`).toHaveLength(1);
      }
    }
  } finally {
    polling = false;
  }
  // Both processes lived through it.
  expect(api.child.exitCode).toBeNull();
  expect(worker.child.exitCode).toBeNull();
  await Promise.race([Promise.allSettled(pollers), sleep(1000)]);
}, 180_000);

test('while Redis is down, /readyz answers 503 at once on the api and the worker; ready again once it is back', async (ctx) => {
  const api = processes.find((p) => 'endpoint' in p) as AppProcess & { endpoint: string };
  const worker = processes.find((p) => 'metricsUrl' in p) as AppProcess & { metricsUrl: string };
  if (!redis?.restart || !api || !worker) ctx.skip(); // needs the Redis and processes of the test above
  const probe = async (url: string) => {
    const t0 = Date.now();
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, ms: Date.now() - t0 };
  };
  const restarting = redis.restart('SIGKILL', 3_000);
  await sleep(500);
  for (const url of [api.endpoint, worker.metricsUrl]) {
    const down = await probe(url);
    expect(down.status, url).toBe(503);
    expect(down.ms, url).toBeLessThan(2_000);
  }
  await restarting;
  for (const url of [api.endpoint, worker.metricsUrl]) {
    let up = await probe(url);
    for (let i = 0; i < 50 && up.status !== 200; i++) {
      await sleep(100);
      up = await probe(url);
    }
    expect(up.status, url).toBe(200);
  }
}, 60_000);
