import { describe, expect, it } from 'vitest';
import { assertValidName, isValidName, nameError } from './names.js';
import { InvalidName } from './errors.js';

describe('names', () => {
  it('accepts ordinary names, dots, dashes, unicode letters and emoji', () => {
    for (const n of ['HelloWorld', 'my-machine_1', 'a.b', 'x'.repeat(80), 'café', 'run😀']) {
      expect(isValidName(n), n).toBe(true);
    }
  });

  it('refuses empty and over-long names', () => {
    expect(isValidName('')).toBe(false);
    expect(isValidName('x'.repeat(81))).toBe(false);
  });

  it.each([...'<>{}[]?*"#%\\^|~`$&,;:/'])('refuses %s', (ch) => {
    expect(isValidName(`a${ch}b`, 'execution')).toBe(false);
  });

  it.each([' ', '\t', '\n', '\u00a0', '\u2003', '\u0000', '\u001f', '\u007f', '\u009f', '\ufffe', '\uffff', '\ud800', '\udfff', '\u{10ffff}'])(
    'refuses U+%s',
    (ch) => {
      expect(isValidName(`a${ch}b`, 'activity')).toBe(false);
    },
  );

  it('applies the alias pattern to aliases', () => {
    expect(isValidName('PROD', 'alias')).toBe(true);
    expect(isValidName('v1.0', 'alias')).toBe(true);
    expect(isValidName('123', 'alias')).toBe(false);
    expect(isValidName('café', 'alias')).toBe(false);
  });

  it('returns the InvalidName to throw, with AWS message', () => {
    expect(nameError('ok')).toBeUndefined();
    const err = nameError('bad name');
    expect(err).toBeInstanceOf(InvalidName);
    expect(err?.toBody()).toEqual({ __type: 'InvalidName', message: "Invalid Name: 'bad name'" });
    expect(err?.httpStatus).toBe(400);
    expect(() => assertValidName('a/b', 'stateMachine')).toThrow(InvalidName);
  });
});
