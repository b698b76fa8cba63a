import { closeFromOutside, type HistoryEvent } from '@redstep/core';
import {
  connectRedis,
  ExecutionStore,
  keys,
  redriveExecution,
  RetentionSweeper,
  StateMachineStore,
  type RedisHandle,
} from '@redstep/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executionRecord, startedEvent } from '../support/records.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

const DAY = 24 * 3600 * 1000;

/**
 * The sweep reads an execution's status and then removes it; a redrive between the two (possible
 * whenever EXECUTION_RETENTION_DAYS is under AWS's 14-day redrive window) must not be deleted.
 */
describe('retention sweep racing a redrive', () => {
  let redis: TestRedis;
  let h: RedisHandle;

  beforeAll(async () => {
    redis = await startTestRedis();
    h = connectRedis(redis.url);
  });

  afterAll(async () => {
    h?.redis.disconnect();
    await redis?.stop();
  });

  test('an execution redriven after the sweep read it closed is kept, running, with its history', async () => {
    const executions = new ExecutionStore(h);
    const machine = 'RetentionRace';
    const name = 'aborted-then-redriven';
    const arn = `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`;
    const t0 = Date.now() - 8 * DAY;
    const rec = executionRecord(machine, name, { startDate: t0 });
    await executions.create(rec, startedEvent(t0));
    await new StateMachineStore(h).indexExecution(machine, name, t0);
    // Swept as a deleted machine's executions are: by the remembered name.
    await h.redis.sadd(keys.indexedMachines(), machine);
    expect(await executions.commit((await executions.load(arn))!, closeFromOutside('abort', 1, t0), t0, { commitId: 'abort-commit' })).toBe('committed');
    const closed = (await executions.load(arn))!;
    expect(closed.status).toBe('ABORTED');

    // Retention of 7 days: the execution closed 8 days ago is past it (and still redrivable on AWS's 14 days).
    let redriven = false;
    const hooked = new Proxy(h.redis, {
      get(target, prop, receiver) {
        if (prop === 'hmget') {
          return async (...args: Parameters<typeof target.hmget>) => {
            const read = await target.hmget(...args);
            if (!redriven) {
              redriven = true;
              const now = Date.now();
              const event = { id: 3, previousEventId: 2, timestamp: now, type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: 1 } } as HistoryEvent;
              const cursor = { state: 'P', input: {}, entered: false, enteredTime: now, enteredEventId: 0, attempts: [], wake: 'redrive-1' };
              expect((await redriveExecution(h, closed, cursor, event, now, { clientToken: '', requestId: 'redrive-request', outbox: [] })).kind).toBe('redriven');
            }
            return read;
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const sweeper = new RetentionSweeper({ redis: hooked, run: h.run }, 7 * DAY);
    await sweeper.sweep();
    expect(redriven).toBe(true);

    const after = await executions.load(arn);
    expect(after?.status).toBe('RUNNING');
    expect(after?.cursor?.state).toBe('P');
    expect(await h.redis.llen(keys.history(`${machine}:${name}`))).toBe(3);
    expect(await h.redis.zscore(keys.stateMachineExecutions(machine), name)).not.toBeNull();
  });
});
