import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { describeFault, executionArn, expectWellFormed, historyOf, machineArn, runScenario, typeCounts } from './scenario.js';
import type { Fault, World } from './world.js';

/**
 * A distributed Map (its map run recorded by the steps that start and close it) beside an
 * asynchronous Express execution (whose keys go when it ends). A fault is put between every
 * two Redis calls: the map run always reads as the execution closed it, and the Express
 * execution always leaves nothing behind.
 */
const MAP = 'Spread';
const EXPRESS = 'Quick';
const machines = {
  [MAP]: {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Nap',
          States: { Nap: { Type: 'Wait', Seconds: 2, Next: 'Echo' }, Echo: { Type: 'Pass', End: true } },
        },
        MaxConcurrency: 2,
        End: true,
      },
    },
  },
  [EXPRESS]: { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 1, End: true } } },
};
const items = ['a', 'b', 'c'];
const mapExecution = executionArn(MAP, 'm');

async function scenario(world: World): Promise<void> {
  await world.call('StartExecution', { stateMachineArn: machineArn(MAP), name: 'm', input: JSON.stringify(items) });
  await world.call('StartExecution', { stateMachineArn: machineArn(EXPRESS), name: 'x', input: '{}' });
  for (let round = 0; round < 10; round++) {
    await world.drive(5_000);
    await world.upkeep();
  }
}

describe('a distributed Map and an Express execution, with a fault between every two Redis calls', () => {
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
    const { world, plan } = await runScenario(redis.url, fault, { machines, activities: [], express: [EXPRESS] }, scenario);
    try {
      const context = describeFault(plan);
      const rec = await world.view.executions.load(mapExecution, { cursor: false });
      expect(rec?.status, context).toBe('SUCCEEDED');
      expect(JSON.parse(rec!.output!), context).toEqual(items);
      const events = await historyOf(world, mapExecution);
      expectWellFormed(events, context);
      const counts = typeCounts(events);
      // The map run as DescribeMapRun reads it: found through its id, closed with every count.
      const listed = await world.call('ListMapRuns', { executionArn: mapExecution });
      const runs = listed.mapRuns as { mapRunArn: string }[];
      expect(runs.length, context).toBe(1);
      const run = await world.call('DescribeMapRun', { mapRunArn: runs[0]!.mapRunArn });
      expect(run.status, context).toBe('SUCCEEDED');
      expect(run.itemCounts, context).toMatchObject({ succeeded: 3, total: 3, running: 0, pending: 0 });
      // Its children as executions: each one's record was written by the step that ended it.
      const children = (await world.call('ListExecutions', { mapRunArn: runs[0]!.mapRunArn })).executions as { executionArn: string; status: string }[];
      expect(children.map((c) => c.status), context).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      const described = await Promise.all(children.map((c) => world.call('DescribeExecution', { executionArn: c.executionArn })));
      expect(described.map((d) => JSON.parse(d.output as string) as string).sort(), context).toEqual(items);
      // The Express execution ended and kept nothing (AWS keeps no history of it).
      expect(await world.clean.redis.keys(`rs:*{${EXPRESS}:*`), context).toEqual([]);
      expect(await world.clean.redis.keys('rs:o:*'), context).toEqual([]);
      if (!fault) {
        baseline = counts;
        commands = plan.count;
      } else {
        expect(counts, context).toEqual(baseline);
      }
    } finally {
      await world.close();
    }
  }

  test('without faults: the reference run', async () => {
    await check(undefined);
    expect(commands).toBeGreaterThan(30);
  });

  test.each(['die', 'lost'] as const)('%s at every Redis call', async (mode) => {
    for (let at = 1; at <= commands; at++) await check({ at, mode });
  }, 600_000);
});
