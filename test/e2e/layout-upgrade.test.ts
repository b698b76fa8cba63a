import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { connectRedis, executionId, keys, queuePrefix, shardOf, STEP_QUEUE, type RedisHandle, type StepJob } from '@redstep/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, history, ROLE_ARN, waitForEnd } from '../support/sfn.js';

/**
 * Data written by an earlier RedStep (each execution under its own hash tag, one step queue
 * under `{rsq}`) is moved to the sharded layout by the first process of this version: a running
 * execution finishes, a closed one stays describable with its history.
 */
describe('upgrading data of the earlier key layout', () => {
  let redis: TestRedis;
  let h: RedisHandle;
  let procs: AppProcess[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    h = connectRedis(redis.url);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    h?.redis.disconnect();
    await redis?.stop();
  });

  async function start() {
    const api = await startApiProcess(redis.url);
    const worker = await startWorkerProcess(redis.url);
    procs = [api, worker];
    return client(api.endpoint);
  }

  /** Puts an execution's keys and queued jobs back where the earlier layout kept them. */
  async function toEarlierLayout(arn: string): Promise<void> {
    const id = executionId(arn);
    const kinds = { x: keys.execution, m: keys.executionMeta, c: keys.cursor, h: keys.history, mr: keys.mapRuns, mrl: keys.mapRunLimits };
    for (const [kind, key] of Object.entries(kinds)) if (await h.redis.exists(key(id))) await h.redis.rename(key(id), `rs:${kind}:{${id}}`);
    const current = new Queue<StepJob>(STEP_QUEUE, { connection: h.redis, prefix: queuePrefix(shardOf(id)) });
    const earlier = new Queue<StepJob>(STEP_QUEUE, { connection: h.redis, prefix: '{rsq}' });
    for (const job of await current.getJobs(['wait', 'delayed'])) {
      if (!job || job.data.e !== arn) continue;
      await earlier.add(job.name, job.data, { jobId: job.id!, delay: Math.max(0, job.timestamp + (job.opts.delay ?? 0) - Date.now()) });
      await job.remove();
    }
    await current.close();
    await earlier.close();
  }

  test('a running and a closed execution of the earlier layout carry on after the upgrade', async () => {
    let sfn = await start();
    const sm = await sfn.send(
      new CreateStateMachineCommand({
        name: 'upgrade',
        definition: JSON.stringify({ StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 3, Next: 'Done' }, Done: { Type: 'Pass', Result: 'done', End: true } } }),
        roleArn: ROLE_ARN,
      }),
    );
    const done = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, name: 'done' }));
    expect((await waitForEnd(sfn, done.executionArn!)).status).toBe('SUCCEEDED');
    const waiting = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, name: 'waiting' }));
    for (let i = 0; i < 100 && !(await history(sfn, waiting.executionArn!)).some((e) => e.type === 'WaitStateEntered'); i++) await sleep(50);
    sfn.destroy();
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));

    // The Redis as the earlier version leaves it.
    await toEarlierLayout(done.executionArn!);
    await toEarlierLayout(waiting.executionArn!);
    await h.redis.del(keys.layout(), keys.shardCount(), ...(await h.redis.keys('rs:run:*')));
    expect(await h.redis.keys('{rsq}:steps:*')).not.toEqual([]);

    sfn = await start();
    const finished = await waitForEnd(sfn, waiting.executionArn!, 30_000);
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.output).toBe('"done"');
    const events = await history(sfn, waiting.executionArn!);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
    const closed = await sfn.send(new DescribeExecutionCommand({ executionArn: done.executionArn! }));
    expect(closed.status).toBe('SUCCEEDED');
    expect((await history(sfn, done.executionArn!)).at(-1)?.type).toBe('ExecutionSucceeded');
    expect(await h.redis.keys('{rsq}:*')).toEqual([]);
    expect(await h.redis.keys('rs:x:{*:*}')).toEqual([]);
    expect(await h.redis.get(keys.layout())).toBe('2');
    sfn.destroy();
  });
});
