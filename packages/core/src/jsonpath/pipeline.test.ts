import { describe, expect, it } from 'vitest';
import { StatesError } from '../errors.js';
import { applyInputPath, applyOutputPath, applyResultPath, evaluatePayloadTemplate } from './index.js';

const ctx = { context: { Execution: { Name: 'run-1', Input: { raw: true } }, Map: { Item: { Index: 2, Value: 'v' } } }, variables: { limit: 5 } };

function thrown(fn: () => unknown): StatesError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatesError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('InputPath / OutputPath', () => {
  it('keeps the value when absent, gives {} for null, selects otherwise', () => {
    const input = { a: { b: 1 } };
    expect(applyInputPath(undefined, input, ctx)).toBe(input);
    expect(applyInputPath(null, input, ctx)).toEqual({});
    expect(applyInputPath('$.a', input, ctx)).toEqual({ b: 1 });
    expect(applyInputPath('$$.Execution.Input', input, ctx)).toEqual({ raw: true });
    expect(applyOutputPath(null, input, ctx)).toEqual({});
    expect(applyOutputPath('$.a.b', input, ctx)).toBe(1);
    expect(applyOutputPath(undefined, input, ctx)).toBe(input);
  });
  it('fails with AWS cause when nothing matches', () => {
    expect(thrown(() => applyInputPath('$.NoSuchInputPath', {}, ctx))).toMatchObject({
      error: 'States.Runtime',
      cause: "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']",
    });
    expect(thrown(() => applyOutputPath('$.x.y', {}, ctx)).cause).toBe("Invalid path '$.x.y' : Missing property in path $['x']");
  });
});

describe('ResultPath', () => {
  const input = { a: 1, nested: { keep: true } };
  it('replaces, discards or merges the result', () => {
    expect(applyResultPath(undefined, input, 'r')).toBe('r');
    expect(applyResultPath('$', input, 'r')).toBe('r');
    expect(applyResultPath(null, input, 'r')).toBe(input);
    expect(applyResultPath('$.nested.res', input, { x: 1 })).toEqual({ a: 1, nested: { keep: true, res: { x: 1 } } });
    expect(applyResultPath("$['new']['deep']", input, 2)).toEqual({ a: 1, nested: { keep: true }, new: { deep: 2 } });
    expect(applyResultPath('$.a', input, 'over')).toEqual({ a: 'over', nested: { keep: true } });
  });
  it('does not mutate the state input', () => {
    applyResultPath('$.nested.res', input, 1);
    expect(input).toEqual({ a: 1, nested: { keep: true } });
  });
  it('writes into an existing array slot', () => {
    expect(applyResultPath('$.l[1]', { l: [0, 0] }, 9)).toEqual({ l: [0, 9] });
  });
  it('fails with States.ResultPathMatchFailure when the input cannot hold the result', () => {
    expect(thrown(() => applyResultPath('$.a', 'text', 1)).error).toBe('States.ResultPathMatchFailure');
    expect(thrown(() => applyResultPath('$.a.b', { a: 3 }, 1)).error).toBe('States.ResultPathMatchFailure');
    expect(thrown(() => applyResultPath('$.l[5]', { l: [] }, 1)).error).toBe('States.ResultPathMatchFailure');
    expect(thrown(() => applyResultPath('$.l[*]', { l: [] }, 1)).error).toBe('States.ResultPathMatchFailure');
  });
});

describe('payload templates', () => {
  const input = { name: 'n', items: [{ id: 1 }, { id: 2 }], empty: {} };
  it('evaluates .$ keys (paths, context, variables, intrinsics) and copies the rest, recursively', () => {
    expect(
      evaluatePayloadTemplate(
        {
          literal: 'x',
          'fromInput.$': '$.name',
          'all.$': '$',
          'ids.$': '$.items[*].id',
          'ctx.$': '$$.Execution.Name',
          'item.$': '$$.Map.Item.Value',
          'limit.$': '$limit',
          'msg.$': "States.Format('hi {}', $.name)",
          nested: { 'deep.$': '$.items[0]', list: [{ 'x.$': '$.name' }, 3, 'plain'] },
          'unresolvedLooking.$$': 'kept',
        },
        input,
        ctx,
        'Parameters',
      ),
    ).toEqual({
      literal: 'x',
      fromInput: 'n',
      all: input,
      ids: [1, 2],
      ctx: 'run-1',
      item: 'v',
      limit: 5,
      msg: 'hi n',
      nested: { deep: { id: 1 }, list: [{ x: 'n' }, 3, 'plain'] },
      'unresolvedLooking.$$': 'kept',
    });
  });
  it('gives [] for a wildcard over nothing', () => {
    expect(evaluatePayloadTemplate({ 'v.$': '$.empty[*]' }, input, ctx, 'ItemSelector')).toEqual({ v: [] });
  });
  it('names the failing key and quotes the input when a path selects nothing', () => {
    expect(thrown(() => evaluatePayloadTemplate({ 'value.$': '$.no_such' }, { k: 0 }, ctx, 'Parameters'))).toMatchObject({
      error: 'States.Runtime',
      cause: `The JSONPath '$.no_such' specified for the field 'value.$' could not be found in the input '{"k":0}'`,
    });
    expect(thrown(() => evaluatePayloadTemplate({ a: { 'b.$': '$$.Nope' } }, {}, ctx, 'ResultSelector')).cause).toContain("field 'b.$'");
  });
  it('propagates intrinsic failures', () => {
    expect(thrown(() => evaluatePayloadTemplate({ 'v.$': 'States.ArrayLength($.name)' }, input, ctx, 'Parameters')).error).toBe(
      'States.IntrinsicFailure',
    );
  });
});
