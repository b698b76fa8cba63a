import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DescribeActivityCommand,
  GetActivityTaskCommand,
  ListActivitiesCommand,
  ListTagsForResourceCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type GetActivityTaskCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCluster, type Cluster } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError, tamperToken } from './helpers.js';

let cluster: Cluster;

/** The one poll that must come back empty after AWS's 60 s hold; it runs while the other tests do. */
let emptyPoll: { started: number; result: Promise<GetActivityTaskCommandOutput>; staleToken?: string };

beforeAll(async () => {
  cluster = await startCluster();
  // An activity whose only task belongs to an execution stopped before anyone polled: the poll
  // must skip that stale task and answer empty when its 60 s are up.
  const activityArn = await activity('empty');
  const sm = await machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
  const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
  await until(executionArn!, 'ActivityScheduled');
  await cluster.sfn.send(new StopExecutionCommand({ executionArn }));
  emptyPoll = { started: Date.now(), result: cluster.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'idle' })) };
  emptyPoll.result.catch(() => {}); // awaited by its own test
});
afterAll(async () => {
  await cluster?.stop();
});

async function activity(prefix: string): Promise<string> {
  return (await cluster.sfn.send(new CreateActivityCommand({ name: uniqueName(prefix) }))).activityArn!;
}
async function machine(definition: object): Promise<string> {
  const out = await cluster.sfn.send(new CreateStateMachineCommand({ name: uniqueName('act-sm'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  return out.stateMachineArn!;
}
async function until(executionArn: string, type: string, count = 1): Promise<HistoryEvent[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const events = await history(cluster.sfn, executionArn);
    if (events.filter((e) => e.type === type).length >= count || Date.now() > deadline) return events;
    await sleep(50);
  }
}
const poll = (activityArn: string, workerName?: string) => cluster.sfn.send(new GetActivityTaskCommand({ activityArn, workerName }));
const succeed = (taskToken: string, output: string) => cluster.sfn.send(new SendTaskSuccessCommand({ taskToken, output }));
const fail = (taskToken: string, error?: string, cause?: string) => cluster.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
const ms = (e: HistoryEvent | undefined) => e!.timestamp!.getTime();

describe('activity resources', () => {
  test('create, describe, idempotent create, delete', async () => {
    const name = uniqueName('act');
    const created = await cluster.sfn.send(new CreateActivityCommand({ name }));
    expect(created.activityArn).toBe(`${ACCOUNT_SCOPE}:activity:${name}`);
    const d = await cluster.sfn.send(new DescribeActivityCommand({ activityArn: created.activityArn }));
    expect(d).toMatchObject({ activityArn: created.activityArn, name });
    expect(d.creationDate!.getTime()).toBe(created.creationDate!.getTime());
    const again = await cluster.sfn.send(new CreateActivityCommand({ name }));
    expect(again.activityArn).toBe(created.activityArn);
    expect(again.creationDate!.getTime()).toBe(created.creationDate!.getTime());
    await cluster.sfn.send(new DeleteActivityCommand({ activityArn: created.activityArn }));
    await expectAwsError(cluster.sfn.send(new DescribeActivityCommand({ activityArn: created.activityArn })), 'ActivityDoesNotExist');
    await expectAwsError(poll(created.activityArn!), 'ActivityDoesNotExist');
  });

  test('tags at creation; more than 50 is TooManyTags', async () => {
    const { activityArn } = await cluster.sfn.send(new CreateActivityCommand({ name: uniqueName('acttag'), tags: [{ key: 'a', value: 'b' }] }));
    expect((await cluster.sfn.send(new ListTagsForResourceCommand({ resourceArn: activityArn }))).tags).toEqual([{ key: 'a', value: 'b' }]);
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' }));
    const name = uniqueName('acttoomany');
    await expectAwsError(cluster.sfn.send(new CreateActivityCommand({ name, tags })), 'TooManyTags');
    await expectAwsError(cluster.sfn.send(new DescribeActivityCommand({ activityArn: `${ACCOUNT_SCOPE}:activity:${name}` })), 'ActivityDoesNotExist');
  });

  test('bad input: InvalidName, ValidationException, InvalidArn, ActivityDoesNotExist', async () => {
    await expectAwsError(cluster.sfn.send(new CreateActivityCommand({ name: 'bad name' })), 'InvalidName');
    await expectAwsError(cluster.sfn.send(new CreateActivityCommand({ name: 'x'.repeat(81) })), 'ValidationException');
    const missing = `${ACCOUNT_SCOPE}:activity:${uniqueName('none')}`;
    const err = await expectAwsError(cluster.sfn.send(new DescribeActivityCommand({ activityArn: missing })), 'ActivityDoesNotExist');
    expect(err.message).toBe(`Activity Does Not Exist: '${missing}'`);
    await expectAwsError(cluster.sfn.send(new DescribeActivityCommand({ activityArn: `${ACCOUNT_SCOPE}:stateMachine:x` })), 'InvalidArn');
    await expectAwsError(cluster.sfn.send(new DeleteActivityCommand({ activityArn: 'activity:x' })), 'InvalidArn');
    await expectAwsError(poll(missing), 'ActivityDoesNotExist');
    await expectAwsError(poll(`${ACCOUNT_SCOPE}:stateMachine:x`), 'InvalidArn');
    await expectAwsError(poll(missing, 'w'.repeat(81)), 'ValidationException');
  });

  test('ListActivities pages without duplicates or gaps; a tampered token is InvalidToken', async () => {
    const prefix = uniqueName('lst');
    const names = Array.from({ length: 5 }, (_, i) => `${prefix}-${i}`);
    for (const name of names) await cluster.sfn.send(new CreateActivityCommand({ name }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let first: string | undefined;
    do {
      const page = await cluster.sfn.send(new ListActivitiesCommand({ maxResults: 2, nextToken }));
      expect(page.activities!.length).toBeLessThanOrEqual(2);
      seen.push(...page.activities!.map((a) => a.name!));
      first ??= page.nextToken;
      nextToken = page.nextToken;
    } while (nextToken);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((n) => n.startsWith(`${prefix}-`)).sort()).toEqual(names);
    const tampered = tamperToken(first!);
    await expectAwsError(cluster.sfn.send(new ListActivitiesCommand({ maxResults: 2, nextToken: tampered })), 'InvalidToken');
    await expectAwsError(cluster.sfn.send(new ListActivitiesCommand({ maxResults: 1001 })), 'ValidationException');
  });
});

describe('activity tasks', () => {
  test('a waiting poll gets the task; SendTaskSuccess completes it with ResultSelector and ResultPath; events as AWS records them', async () => {
    const activityArn = await activity('happy');
    const sm = await machine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: activityArn,
          Parameters: { 'job.$': '$.job' },
          TimeoutSeconds: 30,
          HeartbeatSeconds: 20,
          ResultSelector: { 'answer.$': '$.value' },
          ResultPath: '$.result',
          End: true,
        },
      },
    });
    const polling = poll(activityArn, 'worker-1');
    await sleep(200); // the poll is waiting before any task exists
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"job":"j1","keep":true}' }));
    const task = await polling;
    expect(task.taskToken).toBeTruthy();
    expect(JSON.parse(task.input!)).toEqual({ job: 'j1' });
    await succeed(task.taskToken!, '{"value":42,"noise":"x"}');
    const done = await waitForEnd(cluster.sfn, executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ job: 'j1', keep: true, result: { answer: 42 } });

    const events = await history(cluster.sfn, executionArn!);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const [scheduled, started, succeeded] = [events[2]!, events[3]!, events[4]!];
    expect(scheduled.activityScheduledEventDetails).toMatchObject({ resource: activityArn, timeoutInSeconds: 30, heartbeatInSeconds: 20 });
    expect(JSON.parse(scheduled.activityScheduledEventDetails!.input!)).toEqual({ job: 'j1' });
    expect(started).toMatchObject({ previousEventId: 3, activityStartedEventDetails: { workerName: 'worker-1' } });
    expect(JSON.parse(succeeded.activitySucceededEventDetails!.output!)).toEqual({ value: 42, noise: 'x' });
    expect(events[5]).toMatchObject({ type: 'TaskStateExited', stateExitedEventDetails: { name: 'T' } });

    // The token is spent: AWS answers TaskTimedOut for a task that no longer exists.
    await expectAwsError(succeed(task.taskToken!, '{}'), 'TaskTimedOut');
    await expectAwsError(fail(task.taskToken!, 'E'), 'TaskTimedOut');
    await expectAwsError(cluster.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken })), 'TaskTimedOut');
  });

  test('many concurrent pollers on one activity each get a distinct task', async () => {
    const activityArn = await activity('fan');
    const sm = await machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const n = 6;
    const polls = Array.from({ length: n }, (_, i) => poll(activityArn, `w${i}`));
    await sleep(200);
    const executions = await Promise.all(
      Array.from({ length: n }, (_, i) => cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ i }) }))),
    );
    const tasks = await Promise.all(polls);
    const tokens = tasks.map((t) => t.taskToken);
    expect(tokens.every(Boolean)).toBe(true);
    expect(new Set(tokens).size).toBe(n);
    expect(tasks.map((t) => JSON.parse(t.input!).i).sort()).toEqual(Array.from({ length: n }, (_, i) => i));
    await Promise.all(tasks.map((t) => succeed(t.taskToken!, JSON.stringify({ echo: JSON.parse(t.input!).i }))));
    for (const [i, ex] of executions.entries()) {
      const done = await waitForEnd(cluster.sfn, ex.executionArn!);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ echo: i });
      const started = (await history(cluster.sfn, ex.executionArn!)).filter((e) => e.type === 'ActivityStarted');
      expect(started).toHaveLength(1);
    }
  });

  test("SendTaskFailure's error and cause reach Retry and then Catch", async () => {
    const activityArn = await activity('failing');
    const sm = await machine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: activityArn,
          Retry: [{ ErrorEquals: ['Custom.Broken'], MaxAttempts: 1, IntervalSeconds: 1 }],
          Catch: [{ ErrorEquals: ['Custom.Broken'], ResultPath: '$.caught', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"orig":1}' }));
    const first = await poll(activityArn, 'a');
    await fail(first.taskToken!, 'Custom.Broken', 'first try');
    const second = await poll(activityArn, 'b');
    expect(second.taskToken).toBeTruthy();
    expect(second.taskToken).not.toBe(first.taskToken);
    await fail(second.taskToken!, 'Custom.Broken', 'second try');
    const done = await waitForEnd(cluster.sfn, executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ orig: 1, caught: { Error: 'Custom.Broken', Cause: 'second try' } });
    const events = await history(cluster.sfn, executionArn!);
    const failed = events.filter((e) => e.type === 'ActivityFailed').map((e) => e.activityFailedEventDetails);
    expect(failed).toEqual([
      { error: 'Custom.Broken', cause: 'first try' },
      { error: 'Custom.Broken', cause: 'second try' },
    ]);
    expect(events.filter((e) => e.type === 'ActivityScheduled')).toHaveLength(2);
    // The retry waited its IntervalSeconds after the first failure.
    const [f1, s2] = [events.find((e) => e.type === 'ActivityFailed'), events.filter((e) => e.type === 'ActivityScheduled')[1]];
    expect(ms(s2) - ms(f1)).toBeGreaterThanOrEqual(1000);
  });

  test('an uncaught SendTaskFailure fails the execution with that error and cause', async () => {
    const activityArn = await activity('uncaught');
    const sm = await machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const task = await poll(activityArn);
    await fail(task.taskToken!, 'Worker.Crashed', 'disk full');
    const done = await waitForEnd(cluster.sfn, executionArn!);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Worker.Crashed', cause: 'disk full' });
    const started = (await history(cluster.sfn, executionArn!)).find((e) => e.type === 'ActivityStarted')!;
    expect(started.activityStartedEventDetails?.workerName).toBeUndefined();
  });

  test('TimeoutSeconds raises States.Timeout on time when nobody answers', async () => {
    const activityArn = await activity('timeout');
    const sm = await machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 2, End: true } } });
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const done = await waitForEnd(cluster.sfn, executionArn!, 15_000);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const events = await history(cluster.sfn, executionArn!);
    const scheduled = events.find((e) => e.type === 'ActivityScheduled');
    const timedOut = events.find((e) => e.type === 'ActivityTimedOut');
    expect(timedOut?.activityTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });
    const after = ms(timedOut) - ms(scheduled);
    expect(after).toBeGreaterThanOrEqual(2000);
    expect(after).toBeLessThan(2000 + 4000);
  });

  test('HeartbeatSeconds raises States.HeartbeatTimeout on time; the late answer is TaskTimedOut', async () => {
    const activityArn = await activity('heartbeat');
    const sm = await machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 30, HeartbeatSeconds: 1, End: true } },
    });
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const task = await poll(activityArn, 'silent');
    const done = await waitForEnd(cluster.sfn, executionArn!, 15_000);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    const events = await history(cluster.sfn, executionArn!);
    const started = events.find((e) => e.type === 'ActivityStarted');
    const timedOut = events.find((e) => e.type === 'ActivityTimedOut');
    expect(timedOut?.activityTimedOutEventDetails).toMatchObject({ error: 'States.HeartbeatTimeout' });
    const after = ms(timedOut) - ms(started);
    expect(after).toBeGreaterThanOrEqual(1000);
    expect(after).toBeLessThan(1000 + 4000);
    await expectAwsError(succeed(task.taskToken!, '{}'), 'TaskTimedOut');
    await expectAwsError(cluster.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken })), 'TaskTimedOut');
  });

  test('SendTaskHeartbeat keeps a task alive past its HeartbeatSeconds', async () => {
    const activityArn = await activity('alive');
    const sm = await machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 30, HeartbeatSeconds: 2, End: true } },
    });
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const task = await poll(activityArn);
    const started = Date.now();
    while (Date.now() - started < 4500) {
      await cluster.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
      await sleep(600);
    }
    await succeed(task.taskToken!, '{"alive":true}');
    const done = await waitForEnd(cluster.sfn, executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"alive":true}' });
    expect((await history(cluster.sfn, executionArn!)).some((e) => e.type === 'ActivityTimedOut')).toBe(false);
  });

  test('bad tokens and outputs: InvalidToken, InvalidOutput, ValidationException', async () => {
    for (const taskToken of ['garbage', Buffer.from('["not-an-arn","00"]').toString('base64url')]) {
      await expectAwsError(succeed(taskToken, '{}'), 'InvalidToken');
      await expectAwsError(fail(taskToken), 'InvalidToken');
      await expectAwsError(cluster.sfn.send(new SendTaskHeartbeatCommand({ taskToken })), 'InvalidToken');
    }
    await expectAwsError(succeed('t'.repeat(2049), '{}'), 'ValidationException');
    await expectAwsError(fail('token', 'e'.repeat(257)), 'ValidationException');

    const activityArn = await activity('badout');
    const sm = await machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const task = await poll(activityArn);
    await expectAwsError(succeed(task.taskToken!, 'not json'), 'InvalidOutput');
    await expectAwsError(succeed(task.taskToken!, '{"a":'), 'InvalidOutput');
    // The refused answer left the task pending: a good one still completes it.
    await succeed(task.taskToken!, '[1,2]');
    expect(await waitForEnd(cluster.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '[1,2]' });
  });

  test('StopExecution of an activity Task: ABORTED with error and cause; the token is then TaskTimedOut', async () => {
    const activityArn = await activity('stopped');
    const sm = await machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const task = await poll(activityArn, 'w');
    await cluster.sfn.send(new StopExecutionCommand({ executionArn, error: 'Ops', cause: 'cancelled by hand' }));
    const d = await waitForEnd(cluster.sfn, executionArn!);
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Ops', cause: 'cancelled by hand' });
    const events = await history(cluster.sfn, executionArn!);
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ExecutionAborted']);
    expect(events.at(-1)!.executionAbortedEventDetails).toEqual({ error: 'Ops', cause: 'cancelled by hand' });
    await expectAwsError(succeed(task.taskToken!, '{}'), 'TaskTimedOut');
    await expectAwsError(fail(task.taskToken!, 'X'), 'TaskTimedOut');
    expect((await history(cluster.sfn, executionArn!)).length).toBe(events.length);
  });

  // A minute of waiting shows nothing about the topology: the cluster project skips it.
  test.skipIf(process.env.REDSTEP_TEST_TOPOLOGY === 'cluster')('with no task, GetActivityTask holds the poll about 60 s and answers empty (stale tasks skipped)', async () => {
    const out = await emptyPoll.result;
    expect(out.taskToken).toBeUndefined();
    expect(out.input).toBeUndefined();
    expect(Date.now() - emptyPoll.started).toBeGreaterThanOrEqual(55_000);
  }, 90_000);
});
