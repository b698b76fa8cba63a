import { describe, expect, it } from 'vitest';
import { StatesError } from '../errors.js';
import { evaluateIntrinsic, isIntrinsic } from './index.js';

const ctx = { context: { Execution: { Name: 'run-1' }, StateMachine: { Id: 'arn:sm', Name: 'my-machine' } }, variables: { greeting: 'hi' } };
const run = (expression: string, input: unknown = {}) => evaluateIntrinsic(expression, input, ctx);

function failure(expression: string, input: unknown = {}): StatesError {
  try {
    run(expression, input);
  } catch (e) {
    if (e instanceof StatesError) return e;
    throw e;
  }
  throw new Error(`${expression} did not fail`);
}

describe('isIntrinsic', () => {
  it('tells calls from paths', () => {
    expect(isIntrinsic('States.Array()')).toBe(true);
    expect(isIntrinsic(' States.Format(\'x\')')).toBe(true);
    expect(isIntrinsic('$.States.Array')).toBe(false);
    expect(isIntrinsic('States.Array')).toBe(false);
  });
});

describe('States.Format', () => {
  it('fills placeholders in order, rendering values the way AWS does', () => {
    expect(run("States.Format('a={} b={} c={} d={}', $.s, $.n, $.o, $.l)", { s: 'x', n: 1.5, o: { k: 1, m: [] }, l: [1, 'y'] })).toBe(
      'a=x b=1.5 c={k=1, m=[]} d=[1, y]',
    );
    expect(run("States.Format('{}', $.v)", { v: null })).toBe('null');
  });
  it('treats escaped braces and backslashes as literal text', () => {
    expect(run("States.Format('\\{\\} {} \\\\', 'v')")).toBe('{} v \\');
  });
  it('reads context paths and variables', () => {
    expect(run("States.Format('{}/{}/{}', $$.Execution.Name, $$.StateMachine, $greeting)")).toBe(
      'run-1/{Id=arn:sm, Name=my-machine}/hi',
    );
  });
  it('fails when placeholders and arguments disagree', () => {
    expect(failure("States.Format('{} {}', 1)").error).toBe('States.IntrinsicFailure');
    expect(failure("States.Format('x', 1)").error).toBe('States.IntrinsicFailure');
    expect(failure('States.Format(1)').cause).toContain('argument 1 to be of type string');
  });
});

describe('JSON functions', () => {
  it('States.StringToJson parses, and blank strings give null', () => {
    expect(run("States.StringToJson('{\"a\":[1,true]}')")).toEqual({ a: [1, true] });
    expect(run("States.StringToJson(' ')")).toBeNull();
    expect(failure("States.StringToJson('{nope')").error).toBe('States.IntrinsicFailure');
  });
  it('States.JsonToString serializes compactly', () => {
    expect(run('States.JsonToString($.v)', { v: { a: 1, b: ['x'] } })).toBe('{"a":1,"b":["x"]}');
    expect(run('States.JsonToString($.v)', { v: 'x' })).toBe('"x"');
  });
  it('States.JsonMerge merges shallowly, later keys winning', () => {
    expect(run('States.JsonMerge($.a, $.b, false)', { a: { x: { p: 1 }, y: 1 }, b: { x: { q: 2 }, z: 3 } })).toEqual({
      x: { q: 2 },
      y: 1,
      z: 3,
    });
    expect(failure('States.JsonMerge($.a, $.a, true)', { a: {} }).error).toBe('States.IntrinsicFailure');
    expect(failure('States.JsonMerge($.a, 1, false)', { a: {} }).error).toBe('States.IntrinsicFailure');
  });
});

describe('array functions', () => {
  it('States.Array collects its arguments', () => {
    expect(run('States.Array()')).toEqual([]);
    expect(run("States.Array(1, 'a', null, $.o)", { o: { k: true } })).toEqual([1, 'a', null, { k: true }]);
  });
  it('States.ArrayPartition chunks, the last chunk shorter', () => {
    expect(run('States.ArrayPartition($.a, 2)', { a: [1, 2, 3, 4, 5] })).toEqual([[1, 2], [3, 4], [5]]);
    expect(run('States.ArrayPartition($.a, 9)', { a: [] })).toEqual([]);
    expect(failure('States.ArrayPartition($.a, 0)', { a: [1] }).error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayPartition($.a, 1.5)', { a: [1] }).error).toBe('States.IntrinsicFailure');
  });
  it('States.ArrayContains compares JSON values deeply', () => {
    expect(run('States.ArrayContains($.a, $.v)', { a: [{ x: 1, y: [2] }], v: { y: [2], x: 1 } })).toBe(true);
    expect(run('States.ArrayContains($.a, $.v)', { a: [[1, 2]], v: [2, 1] })).toBe(false);
    expect(run('States.ArrayContains($.a, null)', { a: [] })).toBe(false);
  });
  it('States.ArrayRange steps up or down and caps the size', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(0, 10, 3)')).toEqual([0, 3, 6, 9]);
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(run('States.ArrayRange(5, 1, 1)')).toEqual([]);
    expect(run('States.ArrayRange(1, 1000, 1)')).toHaveLength(1000);
    expect(failure('States.ArrayRange(1, 1001, 1)').error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayRange(1, 2, 0)').error).toBe('States.IntrinsicFailure');
  });
  it('States.ArrayGetItem reads in-range indices only', () => {
    expect(run('States.ArrayGetItem($.a, 1)', { a: ['x', 'y'] })).toBe('y');
    expect(failure('States.ArrayGetItem($.a, 2)', { a: ['x', 'y'] }).error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayGetItem($.a, -1)', { a: ['x'] }).error).toBe('States.IntrinsicFailure');
  });
  it('States.ArrayLength counts items', () => {
    expect(run('States.ArrayLength($.a)', { a: [null, null, {}] })).toBe(3);
    expect(failure('States.ArrayLength($.a)', { a: 'abc' }).cause).toContain('type array');
  });
  it('States.ArrayUnique keeps first occurrences of deep-equal values', () => {
    expect(run('States.ArrayUnique($.a)', { a: [1, 1, 'a', { k: 1 }, { k: 1 }, [null], [null], null, null] })).toEqual([
      1,
      'a',
      { k: 1 },
      [null],
      null,
    ]);
  });
});

describe('encoding and hashing', () => {
  it('States.Base64Encode / Base64Decode round-trip UTF-8', () => {
    expect(run("States.Base64Encode('Data to encode')")).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')")).toBe('Data to encode');
    expect(run("States.Base64Decode(States.Base64Encode('héllo'))")).toBe('héllo');
    expect(failure("States.Base64Decode('not base64!')").error).toBe('States.IntrinsicFailure');
  });
  it('rejects inputs over 10,000 characters', () => {
    expect(failure('States.Base64Encode($.s)', { s: 'x'.repeat(10_001) }).error).toBe('States.IntrinsicFailure');
    expect(run('States.Base64Encode($.s)', { s: 'x'.repeat(10_000) })).toHaveLength(13_336);
    expect(failure("States.Hash($.s, 'MD5')", { s: 'x'.repeat(10_001) }).error).toBe('States.IntrinsicFailure');
  });
  it.each([
    ['MD5', '5d41402abc4b2a76b9719d911017c592'],
    ['SHA-1', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
    ['SHA-256', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
  ])('States.Hash with %s', (algorithm, digest) => {
    expect(run(`States.Hash('hello', '${algorithm}')`)).toBe(digest);
  });
  it('States.Hash supports SHA-384 and SHA-512 and rejects unknown algorithms', () => {
    expect(run("States.Hash('hello', 'SHA-384')")).toHaveLength(96);
    expect(run("States.Hash('hello', 'SHA-512')")).toHaveLength(128);
    expect(failure("States.Hash('hello', 'sha256')").error).toBe('States.IntrinsicFailure');
  });
});

describe('math functions', () => {
  it.each([
    [1.49, 1.5, 3],
    [-1.5, 0, -1],
    [-2.5, 0, -2],
    [2.5, 0, 3],
    [-0.5, 0.5, 1],
    [-9, 3, -6],
  ])('States.MathAdd(%d, %d) rounds each argument half up', (a, b, sum) => {
    expect(run('States.MathAdd($.a, $.b)', { a, b })).toBe(sum);
  });
  it('States.MathAdd enforces the int range', () => {
    expect(run('States.MathAdd(2147483647, -1)')).toBe(2147483646);
    expect(failure('States.MathAdd(2147483648, 0)').error).toBe('States.IntrinsicFailure');
    expect(failure("States.MathAdd('1', 0)").error).toBe('States.IntrinsicFailure');
  });
  it('States.MathRandom stays in range and is repeatable with a seed', () => {
    for (let i = 0; i < 50; i++) {
      const n = run('States.MathRandom(3, 5)') as number;
      expect(Number.isInteger(n) && n >= 3 && n <= 5).toBe(true);
    }
    expect(run('States.MathRandom(0, 1000, 7)')).toBe(run('States.MathRandom(0, 1000, 7)'));
    expect(failure('States.MathRandom(5, 1)').error).toBe('States.IntrinsicFailure');
    expect(failure('States.MathRandom(1)').cause).toContain('2 to 3 argument(s)');
  });
});

describe('string and id functions', () => {
  it('States.StringSplit splits on every delimiter character and drops empty pieces', () => {
    expect(run("States.StringSplit('a,b,,c', ',')")).toEqual(['a', 'b', 'c']);
    expect(run("States.StringSplit('This.is+a,test', '.+,')")).toEqual(['This', 'is', 'a', 'test']);
    expect(run("States.StringSplit(',,,', ',')")).toEqual([]);
  });
  it('States.UUID returns a v4 UUID', () => {
    expect(run('States.UUID()')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(failure('States.UUID(1)').error).toBe('States.IntrinsicFailure');
  });
});

describe('evaluation', () => {
  it('nests calls', () => {
    expect(run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))")).toBe(
      'machine',
    );
  });
  it('rejects unknown functions', () => {
    expect(failure('States.Nope()').error).toBe('States.IntrinsicFailure');
  });
  it('reports a missing path argument as States.Runtime, naming the field when given', () => {
    const input = { a: 1 };
    try {
      evaluateIntrinsic("States.Format('{}', $.missing)", input, ctx, 'out.$');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        error: 'States.Runtime',
        cause: `The JSONPath '$.missing' specified for the field 'out.$' could not be found in the input '{"a":1}'`,
      });
    }
    expect(failure("States.Format('{}', $.missing)").error).toBe('States.Runtime');
  });
});
