import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const EXECUTIONS = 200;
const EXPECTED_EVENTS = [
  'ExecutionStarted',
  'WaitStateEntered',
  'WaitStateExited',
  'TaskStateEntered',
  'ActivityScheduled',
  'ActivityStarted',
  'ActivitySucceeded',
  'TaskStateExited',
  'WaitStateEntered',
  'WaitStateExited',
  'ExecutionSucceeded',
];

const cluster = clusterFixture();

test('executions survive two SIGKILLed workers with exactly-once history', async () => {
  const { sfn } = cluster;
  const activity = await sfn.send(new CreateActivityCommand({ name: uniqueName('crash') }));
  const definition = {
    StartAt: 'Before',
    States: {
      Before: { Type: 'Wait', Seconds: 1, Next: 'Work' },
      Work: { Type: 'Task', Resource: activity.activityArn, ResultPath: '$.answer', Next: 'After' },
      After: { Type: 'Wait', Seconds: 1, End: true },
    },
  };
  const sm = await sfn.send(
    new CreateStateMachineCommand({ name: uniqueName('crash'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }),
  );

  // Activity workers answer every task with its own input, until the test ends.
  let polling = true;
  const pollers = Array.from({ length: 8 }, async () => {
    while (polling) {
      try {
        const task = await sfn.send(new GetActivityTaskCommand({ activityArn: activity.activityArn, workerName: 'crash-test' }));
        if (task.taskToken) await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: task.input! }));
      } catch (e) {
        if (polling) throw e; // after the test, the api shutting down ends the polls
      }
    }
  });

  const arns: string[] = [];
  for (let i = 0; i < EXECUTIONS; i++) {
    const ex = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: JSON.stringify({ i }) }));
    arns.push(ex.executionArn!);
  }

  // Kill the worker mid-flight, start another, kill that one too, then leave a last one running.
  await sleep(700);
  await cluster.workers[0]!.kill('SIGKILL');
  const second = await cluster.addWorker();
  await sleep(1500);
  await second.kill('SIGKILL');
  await cluster.addWorker();

  for (const arn of arns) {
    const done = await waitForEnd(sfn, arn, 90_000);
    expect(done.status, arn).toBe('SUCCEEDED');
    const events = await history(sfn, arn);
    expect(events.map((e) => e.type)).toEqual(EXPECTED_EVENTS);
    expect(events.map((e) => e.id)).toEqual(EXPECTED_EVENTS.map((_, i) => i + 1));
    const { i } = JSON.parse(done.input!) as { i: number };
    expect(JSON.parse(done.output!)).toEqual({ i, answer: { i } });
  }
  polling = false;
  // Pollers are released by the api shutdown in afterAll; don't wait on their 60 s long polls.
  void pollers;
}, 180_000);
