/**
 * Bounded evaluation through real processes, with the real bounds: the most expensive evaluation
 * we could build in each query language fails its state with the right error, and while a hostile
 * execution keeps running such evaluations for ever, the same worker serves a normal execution.
 */
import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostileCases } from '../../packages/core/src/bounded/hostile.test-support.js';
import { history, waitForEnd } from '../support/sfn.js';
import { createMachine, start, startIntegrationCluster } from './integration-support.js';

let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;

beforeAll(async () => {
  cluster = await startIntegrationCluster({});
});
afterAll(async () => {
  await cluster?.stop();
});

/** Polls `condition` until it holds (at most a minute). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not come true within a minute');
    await sleep(100);
  }
}

async function run(definition: object, input: unknown) {
  const arn = await start(cluster.sfn, await createMachine(cluster.sfn, definition), input);
  return waitForEnd(cluster.sfn, arn, 90_000);
}

describe('bounded evaluation', () => {
  const picked = ['JSONPath: a filter', 'Intrinsics: nested ArrayRange', 'Choice: thousands of rules', 'JSONata: an endless loop'];
  const cases = hostileCases().filter((c) => picked.some((p) => c.name.startsWith(p)));

  test('the most expensive evaluation in each query language fails its state with the right error', async () => {
    expect(cases).toHaveLength(picked.length);
    const done = await Promise.all(cases.map((c) => run(c.definition, c.input)));
    done.forEach((d, i) => {
      expect({ name: cases[i]!.name, status: d.status, error: d.error }).toEqual({ name: cases[i]!.name, status: 'FAILED', error: cases[i]!.error });
    });
  });

  test('a worker running a hostile execution keeps serving a normal one', async () => {
    // Each turn of the loop runs a deep scan that only the bound stops, catches the failure and goes round again.
    const hostile = {
      StartAt: 'Heavy',
      States: {
        Heavy: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }],
          ResultSelector: { 'x.$': '$..*..*..*..*' },
          ResultPath: null,
          Catch: [{ ErrorEquals: ['States.Runtime'], ResultPath: null, Next: 'Again' }],
          Next: 'Again',
        },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Heavy' },
        Done: { Type: 'Succeed' },
      },
    };
    let deep: unknown = 1;
    for (let i = 0; i < 800; i++) deep = { a: deep };
    const hostileArn = await start(cluster.sfn, await createMachine(cluster.sfn, hostile), deep);
    try {
      // Once a turn has failed at the bound and gone round, the worker is busy with the loop.
      await until(async () => (await history(cluster.sfn, hostileArn)).filter((e) => e.type === 'ParallelStateEntered').length >= 2);
      const normal = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Result: 'served', End: true } } }, {});
      expect(normal.status).toBe('SUCCEEDED');
      expect(normal.output).toBe('"served"');
      const still = await cluster.sfn.send(new DescribeExecutionCommand({ executionArn: hostileArn }));
      expect(still.status).toBe('RUNNING');
    } finally {
      await cluster.sfn.send(new StopExecutionCommand({ executionArn: hostileArn }));
    }
  });
});
