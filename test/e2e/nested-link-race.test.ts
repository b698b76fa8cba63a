import { closeFromOutside } from '@redstep/core';
import {
  connectRedis,
  ExecutionStore,
  executionId,
  executionStores,
  keys,
  numbered,
  stepObligations,
  stopExecution,
  type ExecutionRecord,
  type ExecutionStores,
  type RedisHandle,
} from '@redstep/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executionRecord, startedEvent } from '../support/records.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

/**
 * A `.sync` child is linked to its parent's task after it starts; a parent step that read the
 * parent before the link and closes it afterwards must still stop the child.
 */
describe('linking a .sync child racing its parent stopping', () => {
  let redis: TestRedis;
  let h: RedisHandle;
  let stores: ExecutionStores;

  beforeAll(async () => {
    redis = await startTestRedis();
    h = connectRedis(redis.url);
    stores = executionStores(h, { reconcileAfterMs: 60_000 });
  });

  /** Aborts an execution as a stop's commit does, with what it obliges in its outbox, and carries out none of it (its process dies). */
  async function abortAndDie(executions: ExecutionStore, before: ExecutionRecord, now: number) {
    const result = closeFromOutside('abort', before.seq, now, {});
    const outbox = numbered((before.version ?? 0) + 1, stepObligations(before, result, now));
    expect(await executions.commit(before, result, now, { commitId: `test@${before.version ?? 0}`, outbox })).toBe('committed');
  }

  afterAll(async () => {
    await stores?.queue.close();
    h?.redis.disconnect();
    await redis?.stop();
  });

  test('a parent stopped from a record read before the link stops the child linked meanwhile', async () => {
    const executions = new ExecutionStore(h);
    const nonce = '0123456789abcdef0123456789abcdef';
    const parent = executionRecord('LinkRaceParent', 'p');
    await executions.create(parent, startedEvent());
    // The parent's `.sync` task is pending, as its step scheduled it.
    await h.redis.hset(keys.execution(executionId(parent.arn)), `t:${nonce}`, 'started');
    const child = executionRecord('LinkRaceChild', 'c', { parent: { arn: parent.arn, nonce, pattern: 'sync' } });
    await executions.create(child, startedEvent());

    // The stop reads the parent; the invoker links the child before the stop commits.
    const racing = Object.create(executions) as ExecutionStore;
    let linked = false;
    racing.load = async (arn, options) => {
      const rec = await executions.load(arn, options);
      if (arn === parent.arn && !linked) {
        linked = true;
        expect(await executions.linkChild(parent.arn, nonce, child.arn)).toBe(true);
      }
      return rec;
    };
    await stopExecution({ executions: racing, outbox: stores.outbox, now: Date.now }, parent.arn);
    expect(linked).toBe(true);
    expect((await executions.load(parent.arn))?.status).toBe('ABORTED');
    expect((await executions.load(child.arn))?.status).toBe('ABORTED');
  });

  test('a parent closed by a step that died before stopping its child: a retried stop carries out the stop its close obliged, and the link goes', async () => {
    const executions = new ExecutionStore(h);
    const nonce = 'fedcba9876543210fedcba9876543210';
    const parent = executionRecord('CrashParent', 'p');
    await executions.create(parent, startedEvent());
    await h.redis.hset(keys.execution(executionId(parent.arn)), `t:${nonce}`, 'started');
    const child = executionRecord('CrashChild', 'c', { parent: { arn: parent.arn, nonce, pattern: 'sync' } });
    await executions.create(child, startedEvent());
    expect(await executions.linkChild(parent.arn, nonce, child.arn)).toBe(true);

    // The step that closes the parent commits, and its process dies before it stops the child.
    await abortAndDie(executions, (await executions.load(parent.arn))!, Date.now());
    expect((await executions.load(child.arn))?.status).toBe('RUNNING');
    expect((await executions.load(parent.arn))?.children).toEqual({ [nonce]: child.arn });

    // StopExecution retried on the closed parent stops the child it left running.
    await stopExecution({ executions, outbox: stores.outbox, now: Date.now }, parent.arn);
    expect((await executions.load(child.arn))?.status).toBe('ABORTED');
    expect((await executions.load(parent.arn))?.children).toBeUndefined();
  });
  test('a child already stopped by a stop that died before stopping its own child: a retried stop reaches the grandchild', async () => {
    const executions = new ExecutionStore(h);
    const upper = '11111111111111111111111111111111';
    const lower = '22222222222222222222222222222222';
    const parent = executionRecord('DeepParent', 'p');
    await executions.create(parent, startedEvent());
    await h.redis.hset(keys.execution(executionId(parent.arn)), `t:${upper}`, 'started');
    const child = executionRecord('DeepChild', 'c', { parent: { arn: parent.arn, nonce: upper, pattern: 'sync' } });
    await executions.create(child, startedEvent());
    await h.redis.hset(keys.execution(executionId(child.arn)), `t:${lower}`, 'started');
    const grandchild = executionRecord('DeepGrandchild', 'g', { parent: { arn: child.arn, nonce: lower, pattern: 'sync' } });
    await executions.create(grandchild, startedEvent());
    expect(await executions.linkChild(parent.arn, upper, child.arn)).toBe(true);
    expect(await executions.linkChild(child.arn, lower, grandchild.arn)).toBe(true);

    // StopExecution closes the parent, then the child, and its process dies before the child's
    // own `.sync` child is stopped.
    const now = Date.now();
    for (const arn of [parent.arn, child.arn]) await abortAndDie(executions, (await executions.load(arn))!, now);

    // StopExecution retried on the closed parent: the child is closed already, but its child is not.
    await stopExecution({ executions, outbox: stores.outbox, now: Date.now }, parent.arn);
    expect((await executions.load(grandchild.arn))?.status).toBe('ABORTED');
    expect((await executions.load(child.arn))?.children).toBeUndefined();
    expect((await executions.load(parent.arn))?.children).toBeUndefined();
  });
});
