import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { activityArn, describeFault, executionArn, expectWellFormed, historyOf, machineArn, runScenario, typeCounts } from './scenario.js';
import type { Fault, World } from './world.js';

/**
 * A parent waits on a `.sync:2` child that waits on an activity; the parent is stopped (its
 * close obliges the child's stop), then redriven (its redrive obliges the job that resumes it
 * and a new child), and the new child's task is answered. A fault is put between every two
 * Redis calls. With a client that retries (as the SDKs do, with the same client token), the
 * run ends as on AWS; with a client that gives up when its call dies, the reconciler carries
 * out what the stop or the redrive obliged.
 */
const PARENT = 'Parent';
const CHILD = 'Child';
const ACTIVITY = 'approve';
const machines = {
  // A task handed out by an api that died before answering is, as on AWS, ended by its time-out.
  [CHILD]: {
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: activityArn(ACTIVITY), TimeoutSeconds: 60, Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 3 }], End: true } },
  },
  [PARENT]: {
    StartAt: 'Run',
    States: {
      Run: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: machineArn(CHILD), Input: { n: 1 } }, OutputPath: '$.Output', End: true },
    },
  },
};
const parent = executionArn(PARENT, 'p');

function scenario(retry: boolean) {
  return async (world: World): Promise<void> => {
    await world.call('StartExecution', { stateMachineArn: machineArn(PARENT), name: 'p', input: '{}' });
    await world.drive();
    const status = async () => (await world.view.executions.load(parent, { cursor: false }))?.status;
    const stop = () => world.call('StopExecution', { executionArn: parent, error: 'Halt', cause: 'by the test' }, { retry });
    await stop();
    // A client that gave up asks again only if its change was never made.
    if ((await status()) === 'RUNNING') await stop();
    await settle(world);
    // Before anything else happens: the stop's obligations are carried out (by the stop, its
    // retry, or the reconciler when the client gave up), so the child is stopped too.
    const [first] = await world.clean.redis.zrange(`rs:sx:{${CHILD}}`, 0, -1);
    expect((await world.view.executions.load(executionArn(CHILD, first!), { cursor: false }))?.status, describeFault(world.plan)).toBe('ABORTED');
    expect(await world.clean.redis.keys('rs:o:*'), describeFault(world.plan)).toEqual([]);
    const redrive = () => world.call('RedriveExecution', { executionArn: parent, clientToken: 'redrive-1' }, { retry });
    await redrive();
    if ((await status()) === 'ABORTED') await redrive();
    await settle(world);
    for (let round = 0; round < 6; round++) {
      const task = await world.poll(activityArn(ACTIVITY));
      if (task) await world.call('SendTaskSuccess', { taskToken: task.token, output: JSON.stringify({ approved: true }) });
      await settle(world, task ? 0 : 70_000);
      if ((await world.view.executions.load(parent, { cursor: false }))?.status === 'SUCCEEDED') return;
    }
  };
}

/** Runs what is due, and when nothing is, lets the reconciler's bound pass and runs its pass. */
async function settle(world: World, horizonMs = 0): Promise<void> {
  await world.drive(horizonMs);
  world.idle();
  await world.upkeep();
  await world.drive();
}

describe('stopping and redriving a parent of a .sync child, with a fault between every two Redis calls', () => {
  let redis: TestRedis;
  let commands = 0;
  let baseline: Record<string, number>;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function check(fault: Fault | undefined, retry: boolean): Promise<void> {
    const { world, plan } = await runScenario(redis.url, fault, { machines, activities: [ACTIVITY] }, scenario(retry));
    try {
      const context = `${describeFault(plan)} (${retry ? 'client retries' : 'client gives up'})`;
      const rec = await world.view.executions.load(parent, { cursor: false });
      expect(rec?.status, context).toBe('SUCCEEDED');
      expect(JSON.parse(rec!.output!), context).toEqual({ approved: true });
      const events = await historyOf(world, parent);
      expectWellFormed(events, context);
      const counts = typeCounts(events);
      expect(counts.ExecutionAborted, context).toBe(1);
      expect(counts.ExecutionRedriven, context).toBe(1);
      // Two children: the first stopped with its parent, the second started by the redrive.
      const children = (await world.clean.redis.zrange(`rs:sx:{${CHILD}}`, 0, -1)).sort();
      expect(children.length, context).toBe(2);
      const statuses = await Promise.all(children.map(async (name) => (await world.view.executions.load(executionArn(CHILD, name), { cursor: false }))?.status));
      expect(statuses.sort(), context).toEqual(['ABORTED', 'SUCCEEDED']);
      for (const name of children) expectWellFormed(await historyOf(world, executionArn(CHILD, name)), `${context}: child ${name}`);
      expect(new Set(world.handedOut).size, context).toBe(world.handedOut.length);
      if (!fault) {
        baseline = counts;
        commands = plan.count;
      } else {
        expect(counts, context).toEqual(baseline);
      }
      expect(await world.clean.redis.keys('rs:o:*'), context).toEqual([]);
    } finally {
      await world.close();
    }
  }

  test('without faults: the reference run', async () => {
    await check(undefined, true);
    expect(commands).toBeGreaterThan(50);
  });

  test.each([
    ['die', true],
    ['die', false],
    ['lost', true],
  ] as const)('%s at every Redis call (client retries: %s)', async (mode, retry) => {
    for (let at = 1; at <= commands; at++) await check({ at, mode }, retry);
  }, 600_000);
});
