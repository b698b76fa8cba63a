import { describe, expect, it } from 'vitest';
import { StatesError } from '../errors.js';
import { parseIntrinsic } from './parser.js';

describe('parseIntrinsic', () => {
  it('parses literals, paths and nested calls', () => {
    expect(parseIntrinsic("States.Fn('a', 1, -2.5, true, false, null, $.x[0], $$.Execution.Id, States.G())")).toEqual({
      kind: 'call',
      name: 'States.Fn',
      args: [
        { kind: 'string', value: 'a', raw: 'a' },
        { kind: 'number', value: 1 },
        { kind: 'number', value: -2.5 },
        { kind: 'boolean', value: true },
        { kind: 'boolean', value: false },
        { kind: 'null' },
        { kind: 'path', path: '$.x[0]' },
        { kind: 'path', path: '$$.Execution.Id' },
        { kind: 'call', name: 'States.G', args: [] },
      ],
    });
  });

  it('keeps commas and parentheses inside a path filter', () => {
    const call = parseIntrinsic("States.Array($.a[?(@.b == 'x,y')], $.c)");
    expect(call.args).toEqual([
      { kind: 'path', path: "$.a[?(@.b == 'x,y')]" },
      { kind: 'path', path: '$.c' },
    ]);
  });

  it('unescapes \\\' and \\\\ but keeps brace escapes in the raw form', () => {
    const [arg] = parseIntrinsic("States.Format('it\\'s \\{ \\\\ {}', 1)").args;
    expect(arg).toEqual({ kind: 'string', value: "it's { \\ {}", raw: "it's \\{ \\\\ {}" });
  });

  it.each([
    ["States.StringToJson('{\"a\":\\\"b\\\"}')", 'illegal escape'],
    ["States.Format('open", 'unterminated'],
    ['States.Array(1 2)', "expected ','"],
    ['$.a', 'expected a function name'],
    ['States.Array(1))', 'unexpected'],
  ])('rejects %s', (expression, detail) => {
    expect(() => parseIntrinsic(expression)).toThrow(StatesError);
    expect(() => parseIntrinsic(expression)).toThrow(detail);
  });
});
