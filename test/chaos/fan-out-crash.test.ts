import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const EXECUTIONS = 60;
const ITEMS = 4;

const cluster = clusterFixture();

test('Map and Parallel children waiting on timers survive two SIGKILLed workers with exactly-once history', async () => {
  const { sfn } = cluster;
  const definition = {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'Each',
            States: {
              Each: {
                Type: 'Map',
                MaxConcurrency: 2,
                ItemProcessor: { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } } },
                End: true,
              },
            },
          },
          { StartAt: 'Other', States: { Other: { Type: 'Wait', Seconds: 1, End: true } } },
        ],
        End: true,
      },
    },
  };
  const sm = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('fanout-crash'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const items = Array.from({ length: ITEMS }, (_, i) => i);
  const arns: string[] = [];
  for (let i = 0; i < EXECUTIONS; i++) {
    arns.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: JSON.stringify(items) }))).executionArn!);
  }

  await sleep(600);
  await cluster.workers[0]!.kill('SIGKILL');
  const second = await cluster.addWorker();
  await sleep(1200);
  await second.kill('SIGKILL');
  await cluster.addWorker();

  for (const arn of arns) {
    const done = await waitForEnd(sfn, arn, 90_000);
    expect(done.status, arn).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual([items, items]);
    const events = await history(sfn, arn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    const count = (type: string) => events.filter((e) => e.type === type).length;
    // Each step happened once: 4 iterations of Wait+Pass, one more Wait in the other branch.
    expect(count('MapIterationStarted')).toBe(ITEMS);
    expect(count('MapIterationSucceeded')).toBe(ITEMS);
    expect(count('WaitStateEntered')).toBe(ITEMS + 1);
    expect(count('WaitStateExited')).toBe(ITEMS + 1);
    expect(count('PassStateExited')).toBe(ITEMS);
    expect(count('ParallelStateSucceeded')).toBe(1);
    expect(count('ExecutionSucceeded')).toBe(1);
  }
}, 180_000);
