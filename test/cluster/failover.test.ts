import { CreateActivityCommand, CreateStateMachineCommand, GetActivityTaskCommand, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, test } from 'vitest';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startRedisCluster, startRedisSentinel } from '../support/redis-topologies.js';
import { client, history, ROLE_ARN, waitForEnd } from '../support/sfn.js';

/**
 * A replica promoted while executions run (a Redis Cluster failover, a Sentinel failover): the
 * api and the workers reconnect by themselves and every execution ends as it would have. The
 * failovers are coordinated (no acknowledged write is lost), so every execution must finish.
 */
const EXECUTIONS = 12;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of cleanup.reverse()) await stop();
  cleanup = [];
});

async function startRedStep(env: Record<string, string>, url: string): Promise<SFNClient> {
  const api = await startApiProcess(url, env);
  const workers: AppProcess[] = [await startWorkerProcess(url, env), await startWorkerProcess(url, env)];
  const sfn = client(api.endpoint);
  cleanup.push(async () => {
    sfn.destroy();
    await Promise.all([api.kill(), ...workers.map((w) => w.kill())]);
  });
  return sfn;
}

/** Starts executions that wait (a timer, an activity task), runs `failover` meanwhile, and checks they all finish. */
async function runThrough(sfn: SFNClient, failover: () => Promise<void>): Promise<void> {
  const activity = await sfn.send(new CreateActivityCommand({ name: 'approve' }));
  const definition = {
    StartAt: 'Pause',
    States: {
      Pause: { Type: 'Wait', Seconds: 1, Next: 'Ask' },
      Ask: { Type: 'Task', Resource: activity.activityArn, Next: 'Split' },
      Split: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 1, End: true } } }], End: true },
    },
  };
  const sm = await sfn.send(new CreateStateMachineCommand({ name: 'failover', definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const arns: string[] = [];
  for (let i = 0; i < EXECUTIONS; i++) arns.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, name: `e${i}`, input: JSON.stringify({ i }) }))).executionArn!);
  await failover();
  // Answer every task, polling through the failover's aftermath.
  let answered = 0;
  for (let round = 0; round < 200 && answered < EXECUTIONS; round++) {
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn: activity.activityArn, workerName: 'w' }));
    if (!task.taskToken) continue;
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: task.input! }));
    answered++;
  }
  expect(answered).toBe(EXECUTIONS);
  for (const [i, arn] of arns.entries()) {
    const done = await waitForEnd(sfn, arn, 60_000);
    expect(done.status, arn).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual([{ i }, { i }]);
    const events = await history(sfn, arn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, n) => n + 1));
    expect(events.filter((e) => e.type === 'ExecutionSucceeded')).toHaveLength(1);
  }
}

describe('a replica promoted while executions run', () => {
  test('Redis Cluster: a manual failover of a master', async () => {
    const cluster = await startRedisCluster();
    cleanup.push(() => cluster.stop());
    const sfn = await startRedStep(cluster.env, cluster.url);
    await runThrough(sfn, () => cluster.failover());
  }, 180_000);

  test('Sentinel: a failover of the master', async () => {
    const sentinel = await startRedisSentinel();
    cleanup.push(() => sentinel.stop());
    const sfn = await startRedStep(sentinel.env, sentinel.url);
    await runThrough(sfn, () => sentinel.failover());
  }, 180_000);
});
