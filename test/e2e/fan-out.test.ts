import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const cluster = clusterFixture();

async function start(definition: object, input: unknown) {
  const { sfn } = cluster;
  const sm = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('fanout'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  return (await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: JSON.stringify(input) }))).executionArn!;
}

describe('Parallel and Map across jobs', () => {
  test('Parallel branches each wait on an activity; the join resumes the state with outputs in branch order', async () => {
    const { sfn } = cluster;
    const activity = await sfn.send(new CreateActivityCommand({ name: uniqueName('branch') }));
    const branch = (tag: string) => ({
      StartAt: `Work-${tag}`,
      States: { [`Work-${tag}`]: { Type: 'Task', Resource: activity.activityArn, Parameters: { tag, 'n.$': '$.n' }, End: true } },
    });
    const arn = await start(
      { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [branch('a'), branch('b')], ResultPath: '$.out', End: true } } },
      { n: 5 },
    );
    // Answer the two tasks in reverse order of arrival: the result order still follows the branches.
    const first = await sfn.send(new GetActivityTaskCommand({ activityArn: activity.activityArn }));
    const second = await sfn.send(new GetActivityTaskCommand({ activityArn: activity.activityArn }));
    for (const task of [second, first]) {
      const input = JSON.parse(task.input!) as { tag: string; n: number };
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: JSON.stringify({ got: input.tag, n: input.n * 2 }) }));
    }
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ n: 5, out: [{ got: 'a', n: 10 }, { got: 'b', n: 10 }] });
    const types = (await history(sfn, arn)).map((e) => e.type);
    expect(types.filter((t) => t === 'ActivityScheduled')).toHaveLength(2);
    expect(types.filter((t) => t === 'ActivityStarted')).toHaveLength(2);
    expect(types.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
  });

  test('a failing branch fails the Parallel state and Catch takes it', async () => {
    const { sfn } = cluster;
    const activity = await sfn.send(new CreateActivityCommand({ name: uniqueName('branch') }));
    const waitForever = { StartAt: 'W', States: { W: { Type: 'Task', Resource: activity.activityArn, End: true } } };
    const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Broken', Cause: 'on purpose' } } };
    const arn = await start(
      {
        StartAt: 'Both',
        States: {
          Both: { Type: 'Parallel', Branches: [waitForever, failing], Catch: [{ ErrorEquals: ['Broken'], ResultPath: '$.err', Next: 'Caught' }], Next: 'Done' },
          Caught: { Type: 'Pass', End: true },
          Done: { Type: 'Pass', End: true },
        },
      },
      {},
    );
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ err: { Error: 'Broken', Cause: 'on purpose' } });
    // The branch still waiting was cancelled with the failure: its task was never handed out.
    const events = await history(sfn, arn);
    expect(events.filter((e) => e.type === 'TaskStateEntered')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'ActivityStarted')).toHaveLength(0);
  });

  test('Map iterations with a Wait run at most MaxConcurrency at a time and keep item order', async () => {
    const { sfn } = cluster;
    const arn = await start(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            MaxConcurrency: 2,
            ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
            ItemProcessor: {
              StartAt: 'Pause',
              States: {
                Pause: { Type: 'Wait', Seconds: 1, Next: 'Square' },
                Square: { Type: 'Pass', Parameters: { 'i.$': '$.index', 'v.$': 'States.MathAdd($.value, $.value)' }, End: true },
              },
            },
            End: true,
          },
        },
      },
      { items: [1, 2, 3, 4] },
    );
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual([
      { i: 0, v: 2 },
      { i: 1, v: 4 },
      { i: 2, v: 6 },
      { i: 3, v: 8 },
    ]);
    const events = await history(sfn, arn);
    // Two at a time: the 3rd iteration starts only after one of the first two succeeded.
    let running = 0;
    let peak = 0;
    for (const e of events) {
      if (e.type === 'MapIterationStarted') running++;
      if (e.type === 'MapIterationSucceeded') running--;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
    expect(events.filter((e) => e.type === 'WaitStateExited')).toHaveLength(4);
    // Four one-second waits two at a time take at least two seconds.
    expect(events.at(-1)!.timestamp!.getTime() - events[0]!.timestamp!.getTime()).toBeGreaterThanOrEqual(2000);
  });
});
