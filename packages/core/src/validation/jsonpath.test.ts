import { describe, expect, it } from 'vitest';
import { parseIntrinsic } from './intrinsics.js';
import { isReferencePath, parseJsonPath } from './jsonpath.js';

describe('parseJsonPath', () => {
  it.each(['$', '$.a.b', "$['a b'][0]", '$..x', '$.a[*].b', '$[?(@.p > 1)]', '$$.Execution.Input', '$var.x', '$.a[1:3]'])('accepts %s', (path) => {
    expect(parseJsonPath(path)).toBeDefined();
  });
  it.each(['a.b', '$.', '$.a[', '$[x]', '$ .a'])('refuses %s', (path) => {
    expect(parseJsonPath(path)).toBeUndefined();
  });
  it('extracts the variable name', () => expect(parseJsonPath('$abc[0].d')?.variable).toBe('abc'));
  it('knows reference paths', () => {
    expect(isReferencePath('$.a.b')).toBe(true);
    expect(isReferencePath('$.a[*]')).toBe(false);
  });
});

describe('parseIntrinsic', () => {
  it('returns path arguments of nested calls', () => {
    expect(parseIntrinsic("States.MathAdd(States.ArrayLength($.a), $b)")).toEqual(['$.a', '$b']);
  });
  it('allows only the escapes ASL defines', () => {
    expect(parseIntrinsic("States.Format('a \\{\\} \\' \\\\')")).toEqual([]);
    expect(parseIntrinsic("States.Format('a \\\"')")).toBeUndefined();
  });
  it('refuses unknown functions and trailing text', () => {
    expect(parseIntrinsic('States.Nope(1)')).toBeUndefined();
    expect(parseIntrinsic('States.UUID() x')).toBeUndefined();
  });
});
