import { CreateActivityCommand, CreateStateMachineCommand, GetActivityTaskCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { keys } from '@redstep/store';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const cluster = clusterFixture();

test('a task taken by a poller whose api died before recording the hand-out goes back to the activity', async () => {
  const { sfn } = cluster;
  const name = uniqueName('handout');
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name }));
  const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } };
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('handout'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"n":1}' }));

  // Play the crash: the task moves to the hand-out list as a poller's take does, and nobody
  // records or answers it.
  const redis = new Redis(cluster.redis.url);
  try {
    for (let i = 0; i < 200 && (await redis.llen(keys.activityTasks(name))) === 0; i++) await sleep(20);
    expect(await redis.lmove(keys.activityTasks(name), keys.activityHandout(name), 'LEFT', 'RIGHT')).not.toBeNull();
  } finally {
    redis.disconnect();
  }

  const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'survivor' }));
  expect(task.taskToken).toBeTruthy();
  expect(JSON.parse(task.input!)).toEqual({ n: 1 });
  await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"ok":true}' }));
  const done = await waitForEnd(sfn, executionArn!);
  expect(done.status).toBe('SUCCEEDED');
  const events = await history(sfn, executionArn!);
  expect(events.filter((e) => e.type === 'ActivityStarted')).toHaveLength(1);
  expect(events.find((e) => e.type === 'ActivityStarted')!.activityStartedEventDetails).toEqual({ workerName: 'survivor' });
}, 60_000);

test('a poller that hangs up stops its long poll: the next task goes to a poller that is still there', async () => {
  const { sfn } = cluster;
  const name = uniqueName('hangup');
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name }));
  const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } };
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('hangup'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));

  // A worker polls, then goes away (its process ends, its client times out) mid-poll.
  const hangUp = new AbortController();
  const abandoned = sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'gone' }), { abortSignal: hangUp.signal }).catch((e: Error) => e.name);
  await sleep(300);
  hangUp.abort();
  expect(await abandoned).toBe('AbortError');
  await sleep(200);

  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"n":2}' }));
  const t0 = Date.now();
  const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'present' }));
  expect(task.taskToken).toBeTruthy();
  expect(Date.now() - t0).toBeLessThan(5_000);
  await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
  expect((await waitForEnd(sfn, executionArn!)).status).toBe('SUCCEEDED');
  const started = (await history(sfn, executionArn!)).filter((e) => e.type === 'ActivityStarted');
  expect(started.map((e) => e.activityStartedEventDetails)).toEqual([{ workerName: 'present' }]);
}, 60_000);
