import { describe, expect, it } from 'vitest';
import { StatesError } from '../errors.js';
import { evaluatePath, lookupPath } from './evaluate.js';

const ctx = { context: { Execution: { Input: { 'input-value': 0 } }, State: { Name: 'S' } }, variables: { v: { x: [1, 2] }, n: null } };

describe('lookupPath', () => {
  it('reads the input, context object and variables', () => {
    expect(lookupPath('$', 3, ctx)).toEqual({ found: true, value: 3 });
    expect(lookupPath('$.a.b', { a: { b: null } }, ctx)).toEqual({ found: true, value: null });
    expect(lookupPath('$$.Execution.Input.input-value', {}, ctx)).toEqual({ found: true, value: 0 });
    expect(lookupPath('$$', {}, ctx)).toEqual({ found: true, value: ctx.context });
    expect(lookupPath('$v.x[1]', {}, ctx)).toEqual({ found: true, value: 2 });
    expect(lookupPath('$n', {}, ctx)).toEqual({ found: true, value: null });
  });

  it('supports bracket names taken literally and negative indices', () => {
    expect(lookupPath("$['a b']['c.d']", { 'a b': { 'c.d': 1 } }, ctx)).toEqual({ found: true, value: 1 });
    expect(lookupPath('$["q\\"x"]', { 'q\\"x': 2 }, ctx)).toEqual({ found: true, value: 2 });
    expect(lookupPath('$.a[-1]', { a: [1, 2, 3] }, ctx)).toEqual({ found: true, value: 3 });
  });

  it('returns lists for wildcards, slices, unions, filters and deep scans, empty when nothing matches', () => {
    const input = { items: [{ v: 1, s: 0 }, { v: 2, s: 1 }, { v: 3, s: 0 }] };
    expect(lookupPath('$.items[*].v', input, ctx)).toEqual({ found: true, value: [1, 2, 3] });
    expect(lookupPath('$.items[1:].v', input, ctx)).toEqual({ found: true, value: [2, 3] });
    expect(lookupPath('$.items[0,2].v', input, ctx)).toEqual({ found: true, value: [1, 3] });
    expect(lookupPath('$.items[?(@.s == 0)].v', input, ctx)).toEqual({ found: true, value: [1, 3] });
    expect(lookupPath('$..v', input, ctx)).toEqual({ found: true, value: [1, 2, 3] });
    expect(lookupPath('$[*]', {}, ctx)).toEqual({ found: true, value: [] });
    expect(lookupPath('$.missing[*].v', {}, ctx)).toEqual({ found: true, value: [] });
  });

  it('explains a miss the way Jayway JsonPath does', () => {
    expect(lookupPath('$.a', {}, ctx)).toEqual({ found: false, reason: "No results for path: $['a']" });
    expect(lookupPath('$.a.b', {}, ctx)).toEqual({ found: false, reason: "Missing property in path $['a']" });
    expect(lookupPath('$.a.b', { a: {} }, ctx)).toEqual({ found: false, reason: "No results for path: $['a']['b']" });
    expect(lookupPath('$.a[2]', { a: [1] }, ctx)).toEqual({ found: false, reason: "No results for path: $['a'][2]" });
    expect(lookupPath('$.a.b', { a: 'text' }, ctx).found).toBe(false);
    expect(lookupPath('$nope', {}, ctx).found).toBe(false);
  });
});

describe('evaluatePath', () => {
  it('returns the value or throws States.Runtime with AWS cause text', () => {
    expect(evaluatePath('$.a', { a: [1] }, ctx)).toEqual([1]);
    expect(() => evaluatePath('$.x', {}, ctx)).toThrow(StatesError);
    expect(() => evaluatePath('$.NoSuch', { a: 1 }, ctx)).toThrow(
      expect.objectContaining({ error: 'States.Runtime', cause: "Invalid path '$.NoSuch' : No results for path: $['NoSuch']" }),
    );
  });
});
