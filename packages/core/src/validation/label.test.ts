import { describe, expect, it } from 'vitest';
import { labelProblem, pyRepr } from './label.js';

describe('labelProblem', () => {
  it('accepts ordinary labels', () => expect(labelProblem('my-label_1')).toBeUndefined());
  it('refuses empty and long labels', () => {
    expect(labelProblem('')).toBe('Label cannot be empty');
    expect(labelProblem('x'.repeat(41))).toBe('Label cannot exceed 40 characters');
  });
  it('names the first invalid character as Python would print it', () => {
    expect(labelProblem('a\u0001b')).toBe("Label contains invalid character: '\\x01'");
    expect(labelProblem('a\\')).toBe("Label contains invalid character: '\\\\'");
  });
});

describe('pyRepr', () => {
  it('picks quotes as Python does', () => {
    expect(pyRepr("it's")).toBe(`"it's"`);
    expect(pyRepr(`'"`)).toBe(`'\\'"'`);
  });
});
