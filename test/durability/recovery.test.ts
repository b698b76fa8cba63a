import { Queue, Worker } from 'bullmq';
import { connectRedis, createLogger, executionId, metrics, queuePrefix, shardOf, StepQueue, stepJobId, type RedisHandle, type StepJob } from '@redstep/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stepJobHandler } from '../../apps/worker/src/job-handler.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { activityArn, executionArn, expectWellFormed, historyOf, machineArn, runScenario } from './scenario.js';
import type { World } from './world.js';

/** The paths that recover what no obligation covers: lost jobs and lists, exhausted jobs, a lost commit. */
describe('recovery beyond the outbox', () => {
  let redis: TestRedis;
  let clean: RedisHandle;

  beforeAll(async () => {
    redis = await startTestRedis();
    clean = connectRedis(redis.url);
  });
  afterAll(async () => {
    clean?.redis.disconnect();
    await redis?.stop();
  });

  const ACTIVITY = 'review';
  const CHILD = 'Inner';
  const OUTER = 'Outer';
  const machines = {
    [CHILD]: { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 10, End: true } } },
    [OUTER]: {
      StartAt: 'All',
      States: {
        All: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: activityArn(ACTIVITY), TimeoutSeconds: 3600, End: true } } },
            { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 20, End: true } } },
            { StartAt: 'Nest', States: { Nest: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: machineArn(CHILD) }, OutputPath: '$.Status', End: true } } },
          ],
          End: true,
        },
      },
    },
  };
  const outer = executionArn(OUTER, 'o');

  test('a running execution whose jobs and activity tasks were all lost is re-derived by the reconciler and finishes', async () => {
    const { world } = await runScenario(redis.url, undefined, { machines, activities: [ACTIVITY] }, async (w) => {
      await w.call('StartExecution', { stateMachineArn: machineArn(OUTER), name: 'o', input: '{}' });
      await w.drive();
    });
    try {
      // Everything the execution waits for is gone: queued jobs, the activity's list and markers.
      const lost = [...(await world.clean.redis.keys('rs:q:*')), ...(await world.clean.redis.keys('rs:aq*'))];
      await world.clean.redis.del(...lost);
      await world.drive(60_000);
      expect((await world.view.executions.load(outer, { cursor: false }))?.status).toBe('RUNNING');
      expect(await world.poll(activityArn(ACTIVITY))).toBeUndefined();

      // Past the idle bound the reconciler re-derives the timer, the task, the child's timer.
      world.idle();
      await world.upkeep();
      expect(world.rederived).toBeGreaterThanOrEqual(2);
      const task = await world.poll(activityArn(ACTIVITY));
      expect(task).toBeDefined();
      await world.call('SendTaskSuccess', { taskToken: task!.token, output: '"ok"' });
      await world.drive(60_000);
      const rec = await world.view.executions.load(outer, { cursor: false });
      expect(rec?.status).toBe('SUCCEEDED');
      expect(JSON.parse(rec!.output!)).toEqual(['ok', {}, 'SUCCEEDED']);
      expectWellFormed(await historyOf(world, outer), 'reconciled');
      // A second pass finds nothing to do and pushes nothing twice.
      world.idle();
      await world.upkeep();
      expect(await world.poll(activityArn(ACTIVITY))).toBeUndefined();
    } finally {
      await world.close();
    }
  });

  test('a step replayed after Redis lost its commit mints the same task token, so the token handed out still works', async () => {
    const waiting = { Waiting: { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: activityArn(ACTIVITY), End: true } } } };
    const arn = executionArn('Waiting', 'w');
    const { world } = await runScenario(redis.url, undefined, { machines: waiting, activities: [ACTIVITY] }, async (w) => {
      await w.call('StartExecution', { stateMachineArn: machineArn('Waiting'), name: 'w', input: '{"n":1}' });
    });
    try {
      // Everything as it stood before the first step, as a Redis that loses its last second keeps
      // it (the token secret is made once, when the first worker starts).
      await world.view.executions.tokenSecret();
      const before = await snapshot(world);
      await world.drive();
      const first = await world.poll(activityArn(ACTIVITY));
      expect(first).toBeDefined();
      await restore(world, before);
      expect((await world.view.executions.load(arn))?.cursor).toBeUndefined();

      await world.drive();
      const again = await world.poll(activityArn(ACTIVITY));
      expect(again?.token).toBe(first!.token);
      await world.call('SendTaskSuccess', { taskToken: first!.token, output: '{"done":true}' });
      await world.drive();
      expect((await world.view.executions.load(arn, { cursor: false }))?.status).toBe('SUCCEEDED');
    } finally {
      await world.close();
    }
  });

  test('an acknowledged answer whose job is held by a dead worker wins over the time-out that falls due first', async () => {
    const beating = { Beating: { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: activityArn(ACTIVITY), HeartbeatSeconds: 10, End: true } } } };
    const arn = executionArn('Beating', 'b');
    const { world } = await runScenario(redis.url, undefined, { machines: beating, activities: [ACTIVITY] }, async (w) => {
      await w.call('StartExecution', { stateMachineArn: machineArn('Beating'), name: 'b', input: '{}' });
      await w.drive();
    });
    try {
      const task = await world.poll(activityArn(ACTIVITY));
      await world.call('SendTaskSuccess', { taskToken: task!.token, output: '"answered"' });
      // The worker that took the answer's job dies; BullMQ returns the job only when its lock
      // lapses, after the heartbeat time-out is due.
      for (const q of world.queues) for (const job of await q.getJobs(['wait'])) if (job?.data.k === 'taskSucceeded') await job.remove();
      await world.drive(20_000);
      const rec = await world.view.executions.load(arn, { cursor: false });
      expect(rec?.status).toBe('SUCCEEDED');
      expect(rec?.output).toBe('"answered"');
      const types = (await historyOf(world, arn)).map((e) => e.type);
      expect(types).toContain('ActivitySucceeded');
      expect(types).not.toContain('ActivityTimedOut');
    } finally {
      await world.close();
    }
  });

  test('a job that exhausts its attempts fails its execution with States.Runtime instead of vanishing', async () => {
    const waiting = { Doomed: { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: activityArn(ACTIVITY), End: true } } } };
    const arn = executionArn('Doomed', 'd');
    const { world } = await runScenario(redis.url, undefined, { machines: waiting, activities: [ACTIVITY] }, async (w) => {
      await w.call('StartExecution', { stateMachineArn: machineArn('Doomed'), name: 'd', input: '{}' });
    });
    try {
      // Every attempt of its start job throws: its definition is gone.
      await world.clean.redis.del(...(await world.clean.redis.keys('rs:def:*')));
      const handler = stepJobHandler(world.processor(), metrics(), createLogger('worker', 'silent'));
      const job: StepJob = { k: 'start', e: arn, w: 'start' };
      await expect(handler({ data: job, attemptsMade: 0, opts: { attempts: 3 } })).rejects.toThrow(/definition/);
      expect((await world.view.executions.load(arn, { cursor: false }))?.status).toBe('RUNNING');
      await handler({ data: job, attemptsMade: 2, opts: { attempts: 3 } });
      const rec = await world.view.executions.load(arn, { cursor: false });
      expect(rec?.status).toBe('FAILED');
      expect(rec?.error).toBe('States.Runtime');
      expect(rec?.cause).toMatch(/exhausted its 3 attempts.*definition/);
      const events = await historyOf(world, arn);
      expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
      expect(await world.clean.redis.keys('rs:o:*')).toEqual([]);
    } finally {
      await world.close();
    }
  });

  test('a failed job leaves no id behind, so the same answer can be enqueued again', async () => {
    const queue = new StepQueue(clean.redis);
    const job: StepJob = { k: 'taskSucceeded', e: executionArn('M', 'x'), w: '0123456789abcdef0123456789abcdef', output: '{}' };
    const shardQueue = queue.queueOf(job.e);
    const failing = new Worker<StepJob>(shardQueue.name, async () => Promise.reject(new Error('boom')), { connection: clean.redis.duplicate(), prefix: queuePrefix(shardOf(executionId(job.e))) });
    try {
      const failed = new Promise<void>((resolve) => failing.once('failed', () => resolve()));
      await shardQueue.add(job.k, job, { jobId: stepJobId(job), attempts: 1, removeOnFail: true });
      await failed;
      await failing.close();
      expect(await shardQueue.getJob(stepJobId(job))).toBeUndefined();
      await queue.add(job);
      expect((await shardQueue.getJob(stepJobId(job)))?.data).toEqual(job);
      // The queue's own defaults say the same for every job.
      expect((shardQueue as Queue).defaultJobOptions.removeOnFail).toBe(true);
    } finally {
      await failing.close();
      await queue.close();
    }
  });

});

/** Every key of the Redis, dumped. */
async function snapshot(world: World): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const key of await world.clean.redis.keys('*')) {
    const dumped = await world.clean.redis.dumpBuffer(key);
    if (dumped) out.set(key, dumped);
  }
  return out;
}

/** The Redis as the snapshot had it: what came after is lost. */
async function restore(world: World, dump: Map<string, Buffer>): Promise<void> {
  await world.clean.redis.flushall();
  for (const [key, value] of dump) await world.clean.redis.restore(key, 0, value);
}
