import {
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { keys } from '@redstep/store';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWorkerProcess } from '../support/processes.js';
import { waitForEnd } from '../support/sfn.js';
import { expectAwsError } from './helpers.js';
import { createMachine, start, startIntegrationCluster } from './integration-support.js';

/** Two seconds, in days: the worker sweeps every second. */
const RETENTION_DAYS = 2 / 86_400;

/** Closed executions are removed after EXECUTION_RETENTION_DAYS, as AWS forgets them after 90 days. */
describe('execution retention', () => {
  let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;
  let sfn: SFNClient;
  let redis: Redis;

  beforeAll(async () => {
    cluster = await startIntegrationCluster({ EXECUTION_RETENTION_DAYS: String(RETENTION_DAYS) });
    sfn = cluster.sfn;
    redis = new Redis(cluster.redisUrl);
  });

  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  /** Waits until DescribeExecution says the execution does not exist. */
  async function forgotten(executionArn: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const found = await sfn.send(new DescribeExecutionCommand({ executionArn })).then(
        () => true,
        (e: Error) => (e.name === 'ExecutionDoesNotExist' ? false : Promise.reject(e)),
      );
      if (!found) return;
      await sleep(50);
    }
    throw new Error(`${executionArn} was never removed`);
  }

  /** Every Redis key that names this execution (its hash tag holds `<machine>:<name>`). */
  const keysOf = async (executionArn: string) => {
    const id = executionArn.slice(executionArn.indexOf(':execution:') + ':execution:'.length);
    return redis.keys(`*}:${id}`);
  };

  test('a closed execution is described until retention passes, then is gone from every read and from Redis', async () => {
    const machine = await createMachine(sfn, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const arn = await start(sfn, machine, { keep: 'briefly' });
    expect((await waitForEnd(sfn, arn)).status).toBe('SUCCEEDED');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('SUCCEEDED');
    expect(await keysOf(arn)).not.toEqual([]);
    await forgotten(arn);
    await expectAwsError(sfn.send(new GetExecutionHistoryCommand({ executionArn: arn })), 'ExecutionDoesNotExist');
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }));
    expect(listed.executions).toEqual([]);
    expect(await keysOf(arn)).toEqual([]);
    expect(await redis.zcard(keys.stateMachineExecutions(machine.slice(machine.lastIndexOf(':') + 1)))).toBe(0);
  });

  test('a running execution older than the retention period is kept, and removed once it has been closed that long', async () => {
    const machine = await createMachine(sfn, { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 5, End: true } } });
    const arn = await start(sfn, machine);
    await sleep(4_000);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    expect((await waitForEnd(sfn, arn)).status).toBe('SUCCEEDED');
    const closedAt = Date.now();
    await forgotten(arn);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(1_500);
  });

  test('a distributed Map execution goes with its map runs and their children', async () => {
    const machine = await createMachine(sfn, {
      StartAt: 'Fan',
      States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
    });
    const arn = await start(sfn, machine, [1, 2, 3]);
    expect((await waitForEnd(sfn, arn)).status).toBe('SUCCEEDED');
    const runs = (await sfn.send(new ListMapRunsCommand({ executionArn: arn }))).mapRuns!;
    expect(runs).toHaveLength(1);
    const runId = runs[0]!.mapRunArn!.slice(runs[0]!.mapRunArn!.lastIndexOf(':') + 1);
    expect(await redis.keys(`*${runId}*`)).not.toEqual([]);
    const children = (await sfn.send(new ListExecutionsCommand({ mapRunArn: runs[0]!.mapRunArn }))).executions!;
    expect(children).toHaveLength(3);
    await forgotten(arn);
    expect(await keysOf(arn)).toEqual([]);
    expect(await redis.keys(`*${runId}*`)).toEqual([]);
    // The pointer from the children's names to their map run goes too, and with it the children.
    expect(await redis.keys(`*${runId.slice(0, 23)}*`)).toEqual([]);
    await expectAwsError(sfn.send(new DescribeExecutionCommand({ executionArn: children[0]!.executionArn })), 'ExecutionDoesNotExist');
  });

  test('executions of a deleted state machine are removed too', async () => {
    const machine = await createMachine(sfn, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const arn = await start(sfn, machine);
    expect((await waitForEnd(sfn, arn)).status).toBe('SUCCEEDED');
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machine }));
    await forgotten(arn);
    expect(await keysOf(arn)).toEqual([]);
  });

  test('a machine deleted before machines were remembered (an older RedStep\'s data) is found by a starting worker', async () => {
    const machine = await createMachine(sfn, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const arn = await start(sfn, machine);
    expect((await waitForEnd(sfn, arn)).status).toBe('SUCCEEDED');
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machine }));
    // As an earlier RedStep left it: no memory of the machine once deleted, no search done yet.
    await redis.srem(keys.indexedMachines(), machine.slice(machine.lastIndexOf(':') + 1));
    await redis.del(keys.indexesDiscovered());
    await sleep(4_000);
    expect(await keysOf(arn)).not.toEqual([]);
    const late = await startWorkerProcess(cluster.redisUrl, { EXECUTION_RETENTION_DAYS: String(RETENTION_DAYS) });
    try {
      for (let i = 0; i < 100 && (await keysOf(arn)).length > 0; i++) await sleep(100);
      expect(await keysOf(arn)).toEqual([]);
    } finally {
      await late.kill();
    }
  });
});
