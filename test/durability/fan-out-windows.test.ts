import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { activityArn, describeFault, executionArn, expectWellFormed, historyOf, machineArn, runScenario, typeCounts } from './scenario.js';
import type { Fault, World } from './world.js';

/**
 * A Parallel whose one branch waits on an activity task (with a time-out and a retry on it) and
 * whose other branch waits, then maps: the shape of the reproduction. A fault is put
 * between every two Redis calls of the whole run (api and worker), in both modes; whatever
 * the fault, the execution ends as AWS would end it, every event appears once, no task is
 * handed out twice, and no execution needs the reconciler: the outbox alone carries every
 * follow-up.
 */
const MACHINE = 'FanOut';
const ACTIVITY = 'work';
const definition = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: activityArn(ACTIVITY),
              TimeoutSeconds: 60,
              Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 5, IntervalSeconds: 1 }],
              End: true,
            },
          },
        },
        {
          StartAt: 'Pause',
          States: {
            Pause: { Type: 'Wait', Seconds: 5, Next: 'Each' },
            Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } }, End: true },
          },
        },
      ],
      End: true,
    },
  },
};
const input = { items: [1, 2] };
const arn = executionArn(MACHINE, 'run');

async function scenario(world: World): Promise<void> {
  await world.call('StartExecution', { stateMachineArn: machineArn(MACHINE), name: 'run', input: JSON.stringify(input) });
  await world.drive();
  for (let round = 0; round < 12; round++) {
    const task = await world.poll(activityArn(ACTIVITY));
    if (task) await world.call('SendTaskSuccess', { taskToken: task.token, output: JSON.stringify({ done: JSON.parse(task.input) }) });
    // Up to the task's time-out: a task handed out by an api that died is timed out and retried.
    await world.drive(task ? 10_000 : 70_000);
    await world.upkeep();
    const rec = await world.view.executions.load(arn, { cursor: false });
    if (rec?.status !== 'RUNNING') return;
  }
}

describe('a Parallel of an activity and a Wait + Map, with a fault between every two Redis calls', () => {
  let redis: TestRedis;
  let commands = 0;
  let baseline: Record<string, number>;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function check(fault: Fault | undefined): Promise<void> {
    const { world, plan } = await runScenario(redis.url, fault, { machines: { [MACHINE]: definition }, activities: [ACTIVITY] }, scenario);
    try {
      const context = describeFault(plan);
      const rec = await world.view.executions.load(arn, { cursor: false });
      expect(rec?.status, context).toBe('SUCCEEDED');
      expect(JSON.parse(rec!.output!), context).toEqual([{ done: input }, [1, 2]]);
      const events = await historyOf(world, arn);
      expectWellFormed(events, context);
      // No task handed out twice.
      expect(new Set(world.handedOut).size, context).toBe(world.handedOut.length);
      const counts = typeCounts(events);
      if (process.env.DURABILITY_DEBUG) console.log(describeFault(plan), 'deaths', world.deaths, 'events', events.length, '\n' + (fault ? '' : plan.log.join('\n')));
      if (!fault) {
        baseline = counts;
        commands = plan.count;
        expect(world.deaths).toBe(0);
      } else if (!counts.ActivityTimedOut) {
        // Without a time-out the history holds exactly the events of a run without faults.
        expect(counts, context).toEqual(baseline);
      } else {
        // A hand-out lost with its api: the task timed out and the retry ran it.
        expect(counts.ActivityScheduled, context).toBe(counts.ActivityTimedOut + 1);
      }
      // Nothing waited for the reconciler: the running index was only noted.
      expect(world.rederived, context).toBe(0);
      expect(await world.clean.redis.keys('rs:o:*'), context).toEqual([]);
    } finally {
      await world.close();
    }
  }

  test('without faults: the reference run', async () => {
    await check(undefined);
    expect(commands).toBeGreaterThan(20);
    console.log(`reference run: ${commands} Redis commands`);
  });

  test.each(['die', 'lost'] as const)('%s at every Redis call', async (mode) => {
    for (let at = 1; at <= commands; at++) await check({ at, mode });
  }, 600_000);
});
