import calculateSlot from 'cluster-key-slot';
import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_SHARDS } from './config.js';
import {
  allShards,
  configureScope,
  configureShards,
  executionId,
  executionIdOf,
  keys,
  machineOfExecutionIndex,
  queuePrefix,
  sameScope,
  scopedName,
  scopedNameOfArn,
  scopeOfArn,
  scopePrefix,
  shardOf,
  shardTag,
  splitScopedName,
} from './keys.js';

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

describe('scopes', () => {
  const home = { account: '123456789012', region: 'us-east-1' };
  const other = { account: '222222222222', region: 'eu-west-1' };
  afterEach(() => configureScope(home));

  test('the home scope keeps bare names, so its keys are those of data written before scopes', () => {
    configureScope(home);
    expect(scopedName(home, 'Machine')).toBe('Machine');
    expect(scopePrefix(home)).toBe('');
    expect(keys.stateMachine(scopedName(home, 'Machine'))).toBe('rs:sm:{Machine}');
    expect(keys.activity(scopedNameOfArn('arn:aws:states:us-east-1:123456789012:activity:Work'))).toBe('rs:act:{Work}');
    expect(keys.stateMachines(scopePrefix(home))).toBe('rs:sms');
    expect(keys.activities(scopePrefix(home))).toBe('rs:acts');
    expect(executionId('arn:aws:states:us-east-1:123456789012:execution:Machine:run-1')).toBe('Machine:run-1');
    expect(executionId('arn:aws:states:us-east-1:123456789012:express:Machine:run-1:abc')).toBe('Machine:run-1:abc');
    expect(keys.execution(executionId('arn:aws:states:us-east-1:123456789012:execution:Machine:run-1'))).toBe(keys.execution(executionIdOf('Machine', 'run-1')));
  });

  test('another account or region prefixes the name; the prefix comes back off', () => {
    configureScope(home);
    const scoped = scopedName(other, 'Machine');
    expect(scoped).toBe('222222222222.eu-west-1~Machine');
    expect(splitScopedName(scoped)).toEqual({ prefix: '222222222222.eu-west-1', name: 'Machine' });
    expect(splitScopedName('Machine')).toEqual({ prefix: '', name: 'Machine' });
    expect(scopedName({ account: home.account, region: 'eu-west-1' }, 'Machine')).toBe('123456789012.eu-west-1~Machine');
    expect(keys.stateMachine(scoped)).toBe('rs:sm:{222222222222.eu-west-1~Machine}');
    expect(keys.stateMachines(scopePrefix(other))).toBe('rs:sms:222222222222.eu-west-1');
  });

  test('an execution id carries its ARN scope, and equals the id built from the scoped machine name', () => {
    configureScope(home);
    const arn = 'arn:aws:states:eu-west-1:222222222222:execution:Machine:run-1';
    const id = executionId(arn);
    expect(id).toBe('222222222222.eu-west-1~Machine:run-1');
    expect(id).toBe(executionIdOf(scopedName(scopeOfArn(arn), 'Machine'), 'run-1'));
    expect(executionId('arn:aws:states:us-east-1:123456789012:execution:Machine:run-1')).not.toBe(id);
    // The scoped machine name is what the retention sweep reads back from an index key.
    expect(machineOfExecutionIndex(keys.stateMachineExecutions(scopedName(other, 'Machine')))).toBe('222222222222.eu-west-1~Machine');
  });

  test('a configured home scope is the one with bare names', () => {
    configureScope(other);
    expect(scopedName(other, 'Machine')).toBe('Machine');
    expect(scopedName(home, 'Machine')).toBe('123456789012.us-east-1~Machine');
    expect(executionId('arn:aws:states:eu-west-1:222222222222:execution:Machine:run-1')).toBe('Machine:run-1');
  });

  test('ARN scopes compare by account and region', () => {
    expect(scopeOfArn('arn:aws:states:eu-west-1:222222222222:activity:Work')).toEqual(other);
    expect(sameScope('arn:aws:states:eu-west-1:222222222222:activity:Work', 'arn:aws:states:eu-west-1:222222222222:execution:M:e')).toBe(true);
    expect(sameScope('arn:aws:states:eu-west-1:222222222222:activity:Work', 'arn:aws:states:us-east-1:222222222222:execution:M:e')).toBe(false);
    expect(sameScope('arn:aws:states:eu-west-1:222222222222:activity:Work', 'arn:aws:states:eu-west-1:111111111111:execution:M:e')).toBe(false);
  });
});
