import calculateSlot from 'cluster-key-slot';
import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_SHARDS } from './config.js';
import { allShards, configureShards, executionIdOf, keys, queuePrefix, shardOf, shardTag } from './keys.js';

afterEach(() => configureShards(DEFAULT_SHARDS));

describe('shards', () => {
  test("an execution's keys, its shard's queue and its shard's running index share one slot", () => {
    const id = executionIdOf('Machine', 'run-1');
    const shard = shardOf(id);
    const slots = new Set([
      ...[keys.execution, keys.history, keys.cursor, keys.executionMeta, keys.outbox, keys.mapRuns, keys.mapRunLimits, keys.mapRunChildren].map((k) => calculateSlot(k(id))),
      calculateSlot(`${queuePrefix(shard)}:steps:wait`),
      calculateSlot(keys.runningIndex(shard)),
    ]);
    expect(slots.size).toBe(1);
  });

  test.each([3, 6, 4])('the default shards spread evenly over %i masters owning equal slot ranges', (masters) => {
    const perMaster = new Array<number>(masters).fill(0);
    for (const shard of allShards()) perMaster[Math.floor((calculateSlot(shardTag(shard)) * masters) / 16_384)]!++;
    expect(perMaster).toEqual(new Array<number>(masters).fill(DEFAULT_SHARDS / masters));
  });

  test('executions spread over every shard', () => {
    configureShards(8);
    const seen = new Set(Array.from({ length: 400 }, (_, i) => shardOf(executionIdOf('M', `e${i}`))));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
